/**
 * Start one detector worker thread (detector-thread.mjs → detector-thread.ts) and wait until it has loaded
 * the model: resolves with its manifest and thread count, or rejects with the load error the thread reported
 * (missing or corrupt model) or its exit code.
 */
import { Worker } from 'node:worker_threads';
import type { DetectorOptions, ModelManifest } from './detector.ts';
import type { FromThread } from './detector-messages.ts';

const BOOT = new URL('./detector-thread.mjs', import.meta.url);

export function spawnDetectorThread(opts: DetectorOptions, index: number): Promise<{ worker: Worker; manifest: ModelManifest; threads: number }> {
  const workerData: DetectorOptions = {
    manifestPath: opts.manifestPath,
    intraOpNumThreads: opts.intraOpNumThreads,
    scoreThreshold: opts.scoreThreshold,
    nmsIou: opts.nmsIou,
  };
  // execArgv: [] — the bootstrap registers tsx itself (the parent's tsx/vitest flags are not needed)
  const worker = new Worker(BOOT, { workerData, execArgv: [], name: `detector-${index}` });
  return new Promise((resolve, reject) => {
    let loadError: string | undefined;
    const onMessage = (m: FromThread) => {
      if (m.type === 'load-failed') loadError = m.message;
      else if (m.type === 'ready') {
        off();
        worker.unref();
        resolve({ worker, manifest: m.manifest, threads: m.threads });
      }
    };
    const onError = (e: Error) => {
      loadError ??= e.message;
    };
    const onExit = (code: number) => {
      off();
      reject(new Error(loadError ?? `detector worker exited with code ${code} while loading the model`));
    };
    const off = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
