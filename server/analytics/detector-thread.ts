/**
 * Runs inside a worker_thread (started by detector-worker.ts through detector-thread.mjs): loads the
 * sha256-checked model into its own in-process detector and answers detect/infer requests. The frame
 * bytes arrive as a transferred ArrayBuffer; letterbox, session.run, decode + NMS and the box scaling
 * all happen here, so the main thread only copies the frame once and receives the detections.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InProcessDetector, type DetectorOptions, type DetectorStats } from './detector.ts';
import type { PixelOrder } from './preprocess.ts';
import type { ToThread, FromThread } from './detector-messages.ts';

const port = parentPort;
if (!port) throw new Error('detector-thread.ts must run in a worker thread');
const post = (m: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let det: InProcessDetector;
try {
  det = await InProcessDetector.load(workerData as DetectorOptions);
} catch (e) {
  post({ type: 'load-failed', message: (e as Error).message });
  port.close();
  throw e; // ends the thread; the main side already has the message
}

const delta = (a: DetectorStats, b: DetectorStats) => ({ preMs: b.preMs - a.preMs, inferMs: b.inferMs - a.inferMs, postMs: b.postMs - a.postMs });

port.on('message', (m: ToThread) => {
  switch (m.type) {
    case 'detect': {
      const before = { ...det.stats };
      const img = { data: new Uint8Array(m.data), width: m.width, height: m.height, order: m.order as PixelOrder, sourceWidth: m.sourceWidth, sourceHeight: m.sourceHeight };
      // Detector.detect() serialises calls itself: the next message waits for this one's tensor
      det.detect(img, { scoreThreshold: m.scoreThreshold, classes: m.classes ? new Set(m.classes) : undefined }).then(
        (dets) => post({ type: 'detected', id: m.id, dets, timing: delta(before, det.stats) }),
        (e: unknown) => post({ type: 'failed', id: m.id, message: (e as Error).message }),
      );
      break;
    }
    case 'infer': {
      const t0 = performance.now();
      det.infer(new Float32Array(m.tensor)).then(
        (out) => {
          const copy = new Float32Array(out); // the output tensor belongs to onnxruntime: send a copy
          post({ type: 'inferred', id: m.id, out: copy.buffer, inferMs: performance.now() - t0 }, [copy.buffer]);
        },
        (e: unknown) => post({ type: 'failed', id: m.id, message: (e as Error).message }),
      );
      break;
    }
    case 'crash':
      // test hook: an abrupt end, like a native crash would be
      process.exit(m.code);
      break;
    case 'close':
      det.dispose().finally(() => port.close());
      break;
  }
});

post({ type: 'ready', manifest: det.manifest, threads: det.threads });
