/**
 * Bare inference on a real frame: the first vtest frame letterboxed once, 5 warm-up runs, then `n` timed
 * runs of det.infer(). Wall time per run (summary) and CPU time per run (process.cpuUsage: every thread of
 * this process, so a worker thread's inference counts too). Shared by bench:detect and bench:detect:live.
 */
import { join } from 'node:path';
import type { Detector } from '../server/analytics/detector.ts';
import { openFrames } from '../server/analytics/frames.ts';
import { allocTensor, letterbox } from '../server/analytics/preprocess.ts';
import { REPO_ROOT } from '../test/support/server.ts';
import { mean, summarize, type Summary } from './stats.ts';

export const VTEST = join(REPO_ROOT, 'assets', 'media', 'vtest.avi');

export type BareInfer = Summary & { mean: number; cpuMs: number };

/**
 * `parallel` > 1: that many infer() loops at once (a detector with that many worker threads), as the live
 * server runs them; cpuMs is then the CPU per run while the sessions share the cores and caches.
 */
export async function bareInfer(det: Pick<Detector, 'inputSize' | 'infer'>, n: number, parallel = 1): Promise<BareInfer> {
  const src = openFrames({ input: VTEST, fps: 5 });
  const f = (await src.next())!;
  src.close();
  const tensor = allocTensor(det.inputSize);
  letterbox(f.data, f.width, f.height, tensor);
  const loop = async (k: number, ms?: number[]) => {
    for (let i = 0; i < k; i++) {
      const t0 = performance.now();
      await det.infer(tensor);
      ms?.push(performance.now() - t0);
    }
  };
  const lanes = Math.max(1, Math.floor(parallel));
  await Promise.all(Array.from({ length: lanes }, () => loop(5)));
  const ms: number[] = [];
  const per = Math.max(1, Math.round(n / lanes));
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: lanes }, () => loop(per, ms)));
  const c = process.cpuUsage(c0);
  return { ...summarize(ms), mean: mean(ms), cpuMs: (c.user + c.system) / 1000 / Math.max(1, per * lanes) };
}
