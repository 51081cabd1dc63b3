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

export async function bareInfer(det: Pick<Detector, 'inputSize' | 'infer'>, n: number): Promise<BareInfer> {
  const src = openFrames({ input: VTEST, fps: 5 });
  const f = (await src.next())!;
  src.close();
  const tensor = allocTensor(det.inputSize);
  letterbox(f.data, f.width, f.height, tensor);
  for (let i = 0; i < 5; i++) await det.infer(tensor);
  const ms: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await det.infer(tensor);
    ms.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  return { ...summarize(ms), mean: mean(ms), cpuMs: (c.user + c.system) / 1000 / Math.max(1, n) };
}
