/**
 * The detector worker: same detections as in process, a responsive main thread while it infers, clear
 * errors for a bad model, and a crashed worker that rejects its calls and comes back.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector, type ImageInput } from '../../server/analytics/detector.ts';
import { DetectorWorker } from '../../server/analytics/detector-worker.ts';
import { openFrames } from '../../server/analytics/frames.ts';
import { REPO_ROOT } from '../support/scenarios.ts';

const VIDEO = join(REPO_ROOT, 'assets/media/vtest.avi');

async function frames(n: number): Promise<ImageInput[]> {
  const src = openFrames({ input: VIDEO, fps: 5 });
  const out: ImageInput[] = [];
  try {
    for await (const f of src) {
      out.push(f);
      if (out.length >= n) break;
    }
  } finally {
    src.close();
  }
  return out;
}

/** Feed `imgs` through `det` (two in flight, like the scheduler with a queued frame) and record the event-loop delay. */
async function loopDelayWhileDetecting(det: Detector, imgs: ImageInput[]): Promise<{ p99: number; max: number; msPerFrame: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < imgs.length) await det.detect(imgs[next++]!, { scoreThreshold: 0.1 });
  };
  await Promise.all([lane(), lane()]);
  const ms = performance.now() - t0;
  h.disable();
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, msPerFrame: ms / imgs.length };
}

describe('detector worker', () => {
  let dw: DetectorWorker;
  let imgs: ImageInput[];
  beforeAll(async () => {
    [dw, imgs] = await Promise.all([DetectorWorker.start(), frames(40)]);
  }, 60_000);
  afterAll(async () => {
    await dw?.dispose();
  });

  it('finds the same boxes as the in-process detector, and the caller keeps its frame', async () => {
    const local = await Detector.load();
    try {
      for (const img of imgs.slice(0, 3)) {
        const before = Buffer.from(img.data);
        const [a, b] = await Promise.all([dw.detect(img, { scoreThreshold: 0.1 }), local.detect(img, { scoreThreshold: 0.1 })]);
        expect(a.length).toBeGreaterThan(0);
        expect(a).toEqual(b);
        expect(Buffer.compare(before, img.data)).toBe(0); // copied, not detached
      }
      const tensor = new Float32Array(3 * 416 * 416).fill(114);
      expect(await dw.infer(tensor)).toEqual(await local.infer(tensor));
    } finally {
      await local.dispose();
    }
    expect(dw.pending).toBe(0);
    expect(dw.stats.runs).toBeGreaterThanOrEqual(3);
    expect(dw.where).toBe('worker');
  });

  it('keeps the main event loop responsive while frames are inferred (p99 delay well under one inference)', async () => {
    await loopDelayWhileDetecting(dw, imgs.slice(0, 4)); // warm
    const inferMs = dw.stats.inferMs / dw.stats.runs;
    const worker = await loopDelayWhileDetecting(dw, imgs);
    const local = await Detector.load();
    let inProcess;
    try {
      inProcess = await loopDelayWhileDetecting(local, imgs);
    } finally {
      await local.dispose();
    }
    const detail = JSON.stringify({ inferMs, worker, inProcess });
    console.log(`event-loop delay while detecting: ${detail}`);
    // in process, every inference blocks the loop for its whole duration
    expect(inProcess.p99, detail).toBeGreaterThan(inferMs * 0.7);
    // in the worker the loop only copies frames and handles messages: well under half an inference, and under
    // half of what the in-process detector blocks it for (relative bounds: npm test runs the browser tests beside
    // this file, and an absolute 8 ms was missed once by 0.4 ms when the box was busy)
    expect(worker.p99, detail).toBeLessThan(inferMs / 2);
    expect(worker.p99, detail).toBeLessThan(inProcess.p99 / 2);
  }, 60_000);

  it('a crashed worker rejects its calls in flight with a clear error and is restarted', async () => {
    const inFlight = imgs.slice(0, 4).map((img) => dw.detect(img));
    dw.simulateCrash(0);
    const results = await Promise.allSettled(inFlight);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect((r as PromiseRejectedResult).reason.message).toMatch(/detector worker crashed \(exit code 70\); the frame was not analysed/);
    expect(dw.pending).toBe(0);
    // restarted: the next calls work again
    const deadline = Date.now() + 20_000;
    let dets: unknown[] | undefined;
    while (!dets && Date.now() < deadline) {
      dets = await dw.detect(imgs[0]!).catch(() => undefined);
      if (!dets) await new Promise((r) => setTimeout(r, 100));
    }
    expect(dets?.length).toBeGreaterThan(0);
    expect(dw.stats.restarts).toBe(1);
  }, 30_000);
});

describe('detector worker model checks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wp-worker-model-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing model rejects start() with the loader message', async () => {
    copyFileSync(join(REPO_ROOT, 'models/yolox_nano.json'), join(dir, 'm.json'));
    await expect(DetectorWorker.start({ manifestPath: join(dir, 'm.json') })).rejects.toThrow(/^model missing at .*yolox_nano\.onnx: run npm run assets$/);
  });

  it('a corrupt model rejects start() with the sha256 mismatch', async () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'models/yolox_nano.json'), 'utf8'));
    writeFileSync(join(dir, 'm.json'), JSON.stringify(manifest));
    const bytes = readFileSync(join(REPO_ROOT, 'models/yolox_nano.onnx'));
    bytes[1000] = (bytes[1000]! + 1) % 256;
    writeFileSync(join(dir, manifest.file), bytes);
    await expect(DetectorWorker.start({ manifestPath: join(dir, 'm.json') })).rejects.toThrow(/sha256 mismatch .*: run npm run assets/);
  });

  it('two workers share the calls', async () => {
    const dw = await DetectorWorker.start({ workers: 2 });
    try {
      expect(dw.parallelism).toBe(2);
      const imgs = await frames(6);
      const all = await Promise.all(imgs.map((img) => dw.detect(img)));
      expect(all.every((d) => d.length > 0)).toBe(true);
      expect(dw.stats.runs).toBe(6);
    } finally {
      await dw.dispose();
    }
  }, 60_000);
});
