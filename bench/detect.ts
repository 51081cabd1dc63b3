/**
 * Detection benchmark: bare inference vs the whole analysis pipeline, and total throughput.
 *
 *   npm run bench:detect                 # 150 frames per measurement (~1 min)
 *   npm run bench:detect -- --frames 60  # quicker
 *
 * 1. bare session.run (a real letterboxed vtest frame), intraOpNumThreads 1 and 2;
 * 2. end to end per frame, one process, 1 thread: ffmpeg decode (vtest, 5 fps, scaled to 416×312
 *    by ffmpeg) → letterbox → infer → decode+NMS → track → zone rules, frames pulled as fast as
 *    the pipeline goes; overhead = end-to-end ms / bare ms − 1 (ffmpeg decodes in its own process,
 *    overlapping inference);
 * 3. total frames/s on the machine: the same pipeline in 1 process × 2 threads, and in 2 processes
 *    × 1 thread started together (run() blocks the JS thread, so parallel pipelines need processes
 *    or workers);
 * 4. the same with the detector in worker threads (DetectorWorker, what the server uses): bare infer
 *    round trip, end to end per frame with 1 worker, and total frames/s of 1 and 2 pipelines (cameras)
 *    sharing 1 and 2 workers in one process; each with the main thread's event-loop delay p99
 *    (monitorEventLoopDelay) next to the in-process end-to-end run's;
 * 5. cameras at 2 fps = best total frames/s ÷ 2 (inference-bound; live decoding of each camera's
 *    stream comes on top, see docs/detection.md).
 * 6. the cost of the stages issue H added (motion grid, exit-zone background model, tamper), each alone.
 * `npm run bench:detect` then runs bench/detect-live.ts: N analysed cameras in the real server while they record.
 * Prints a table and writes bench/results/detect-<timestamp>.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Detector as DetectorT } from '../server/analytics/detector.ts';

process.env.WATCHPOST_LOG_LEVEL ??= 'warn';
const { Detector } = await import('../server/analytics/detector.ts');
const { DetectorWorker } = await import('../server/analytics/detector-worker.ts');
const { openFrames } = await import('../server/analytics/frames.ts');
const { CameraAnalyzer } = await import('../server/analytics/pipeline.ts');
const { bareInfer } = await import('./bare-infer.ts');
const { MotionDetector } = await import('../server/analytics/motion.ts');
const { SceneWatch } = await import('../server/analytics/background.ts');
const { TamperDetector, tinyGrey } = await import('../server/analytics/tamper.ts');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VIDEO = join(ROOT, 'assets/media/vtest.avi');
const ZONES = [
  { name: 'walkway', kind: 'loitering' as const, polygon: [[0.7, 0.62], [0.96, 0.62], [0.96, 0.86], [0.7, 0.86]] as [number, number][], dwellSeconds: 10 },
  { name: 'lane', kind: 'exit' as const, polygon: [[0.08, 0.26], [0.31, 0.24], [0.31, 0.47], [0.08, 0.48]] as [number, number][], dwellSeconds: 8 },
];

interface E2E {
  frames: number;
  wallMs: number;
  msPerFrame: number;
  fps: number;
  preMs: number;
  inferMs: number;
  postMs: number;
  trackRulesMs: number;
  waitDecodeMs: number;
  /** main thread event-loop delay p99 / max during the run */
  loopP99Ms: number;
  loopMaxMs: number;
}

function loopMonitor(): () => { loopP99Ms: number; loopMaxMs: number } {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  return () => {
    h.disable();
    return { loopP99Ms: h.percentile(99) / 1e6, loopMaxMs: h.max / 1e6 };
  };
}

const bare = (det: DetectorT, n: number) => bareInfer(det, n);

async function endToEnd(det: DetectorT, n: number): Promise<E2E> {
  const analyzer = new CameraAnalyzer(det, ZONES);
  const src = openFrames({ input: VIDEO, fps: 5 });
  for (let i = 0; i < 5; i++) await analyzer.process((await src.next())!); // warm-up
  const s0 = { ...det.stats };
  let wait = 0;
  let proc = 0;
  let frames = 0;
  const loop = loopMonitor();
  const t0 = performance.now();
  while (frames < n) {
    const a = performance.now();
    const f = await src.next();
    const b = performance.now();
    if (!f) break;
    await analyzer.process(f);
    wait += b - a;
    proc += performance.now() - b;
    frames++;
  }
  const wallMs = performance.now() - t0;
  const delay = loop();
  src.close();
  const d = (k: 'preMs' | 'inferMs' | 'postMs') => (det.stats[k] - s0[k]) / frames;
  const runs = frames;
  return {
    frames,
    wallMs,
    msPerFrame: wallMs / frames,
    fps: (frames * 1000) / wallMs,
    preMs: d('preMs'),
    inferMs: d('inferMs'),
    postMs: d('postMs'),
    trackRulesMs: proc / runs - d('preMs') - d('inferMs') - d('postMs'),
    waitDecodeMs: wait / runs,
    ...delay,
  };
}

/** The cost of the stages issue H added, per frame, each timed alone on the same decoded frames. */
async function stages(n: number): Promise<{ frames: number; motionMs: number; sceneMs: number; tamperMs: number }> {
  const src = openFrames({ input: VIDEO, fps: 5 });
  const motion = new MotionDetector();
  const scene = SceneWatch.for(ZONES)!;
  const tamper = new TamperDetector();
  let m = 0;
  let s = 0;
  let t = 0;
  let k = 0;
  for (; k < n; k++) {
    const f = await src.next();
    if (!f) break;
    let a = performance.now();
    motion.update(f);
    m += performance.now() - a;
    a = performance.now();
    scene.update(f, [], new Set(), motion);
    s += performance.now() - a;
    a = performance.now();
    tamper.update(tinyGrey(f.data, f.width, f.height), f.t);
    t += performance.now() - a;
  }
  src.close();
  return { frames: k, motionMs: m / k, sceneMs: s / k, tamperMs: t / k };
}

/** `lanes` pipelines (cameras, each its own ffmpeg + analyzer) sharing one detector, n frames each. */
async function lanes(det: DetectorT, count: number, n: number): Promise<{ lanes: number; totalFps: number; loopP99Ms: number; loopMaxMs: number }> {
  const runs = Array.from({ length: count }, () => ({ analyzer: new CameraAnalyzer(det, ZONES), src: openFrames({ input: VIDEO, fps: 5 }) }));
  await Promise.all(runs.map(async (r) => { for (let i = 0; i < 3; i++) await r.analyzer.process((await r.src.next())!); }));
  const loop = loopMonitor();
  const t0 = performance.now();
  const done = await Promise.all(
    runs.map(async (r) => {
      let k = 0;
      for (; k < n; k++) {
        const f = await r.src.next();
        if (!f) break;
        await r.analyzer.process(f);
      }
      r.src.close();
      return k;
    }),
  );
  const wallMs = performance.now() - t0;
  return { lanes: count, totalFps: (done.reduce((a, b) => a + b, 0) * 1000) / wallMs, ...loop() };
}

/** Child mode: load, report ready, wait for "go" on stdin, run, print the E2E JSON. */
async function child(threads: number, n: number): Promise<void> {
  const det = await Detector.load({ intraOpNumThreads: threads });
  await bare(det, 3);
  process.stdout.write('ready\n');
  await new Promise<void>((r) => process.stdin.once('data', () => r()));
  process.stdout.write(JSON.stringify(await endToEnd(det, n)) + '\n');
  process.exit(0);
}

async function parallel(procs: number, threads: number, n: number): Promise<{ procs: number; threads: number; totalFps: number; each: E2E[] }> {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const kids = Array.from({ length: procs }, () =>
    spawn(tsx, [fileURLToPath(import.meta.url), '--child', '--threads', String(threads), '--frames', String(n)], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const outs = kids.map((k) => {
    let buf = '';
    const ready = new Promise<void>((r) => k.stdout.on('data', (b: Buffer) => ((buf += b), buf.includes('ready') && r())));
    const done = new Promise<E2E>((res, rej) =>
      k.on('close', (code) => {
        const line = buf.split('\n').find((l) => l.startsWith('{'));
        if (code === 0 && line) res(JSON.parse(line) as E2E);
        else rej(new Error(`bench child exited ${code}`));
      }),
    );
    return { ready, done };
  });
  await Promise.all(outs.map((o) => o.ready));
  for (const k of kids) k.stdin.write('go\n');
  const each = await Promise.all(outs.map((o) => o.done));
  return { procs, threads, totalFps: each.reduce((s, e) => s + e.fps, 0), each };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { frames: { type: 'string', default: '150' }, child: { type: 'boolean', default: false }, threads: { type: 'string', default: '1' } },
  });
  const n = Number(values.frames);
  if (values.child) return child(Number(values.threads), n);

  const det1 = await Detector.load({ intraOpNumThreads: 1 });
  const det2 = await Detector.load({ intraOpNumThreads: 2 });
  const bare1a = await bare(det1, n);
  const bare2 = await bare(det2, n);
  const e2e = await endToEnd(det1, n);
  const stage = await stages(n);
  const bare1b = await bare(det1, n);
  await det2.dispose();
  await det1.dispose();
  const bare1 = (bare1a.mean + bare1b.mean) / 2; // before and after: the box is shared
  const overhead = e2e.msPerFrame / bare1 - 1;
  // the detector in worker threads
  const w1 = await DetectorWorker.start({ workers: 1 });
  const bareW = await bare(w1, n);
  const e2eW = await endToEnd(w1, n);
  const w1l2 = await lanes(w1, 2, n);
  await w1.dispose();
  const w2 = await DetectorWorker.start({ workers: 2 });
  const w2l2 = await lanes(w2, 2, n);
  await w2.dispose();
  const oneByTwo = await parallel(1, 2, n);
  const twoByOne = await parallel(2, 1, n);
  const best = Math.max(oneByTwo.totalFps, twoByOne.totalFps, e2e.fps, w1l2.totalFps, w2l2.totalFps);
  const cameras = Math.floor(best / 2);

  const f = (x: number, d = 1) => x.toFixed(d);
  const rows: [string, string][] = [
    ['bare session.run, 1 thread (mean / p50 / p95)', `${f(bare1)} / ${f(bare1a.p50 ?? NaN)} / ${f(bare1a.p95 ?? NaN)} ms`],
    ['bare session.run, 2 threads (mean / p50 / p95)', `${f(bare2.mean)} / ${f(bare2.p50 ?? NaN)} / ${f(bare2.p95 ?? NaN)} ms`],
    ['end to end per frame, 1 process × 1 thread', `${f(e2e.msPerFrame)} ms (${f(e2e.fps)} frames/s)`],
    ['  letterbox / infer / decode+NMS / track+rules', `${f(e2e.preMs, 2)} / ${f(e2e.inferMs)} / ${f(e2e.postMs, 2)} / ${f(e2e.trackRulesMs, 2)} ms`],
    ['  waiting for ffmpeg decode', `${f(e2e.waitDecodeMs, 2)} ms`],
    ['  new stages (issue H): motion / exit-zone background / tamper', `${f(stage.motionMs, 2)} / ${f(stage.sceneMs, 2)} / ${f(stage.tamperMs, 2)} ms`],
    ['pipeline overhead over bare inference (goal ≤ 30 %)', `${f(overhead * 100)} %`],
    ['  main event-loop delay p99 / max, in process', `${f(e2e.loopP99Ms)} / ${f(e2e.loopMaxMs)} ms`],
    ['worker: bare infer round trip (mean / p95)', `${f(bareW.mean)} / ${f(bareW.p95 ?? NaN)} ms`],
    ['worker: end to end per frame, 1 worker', `${f(e2eW.msPerFrame)} ms (${f(e2eW.fps)} frames/s)`],
    ['  main event-loop delay p99 / max, worker', `${f(e2eW.loopP99Ms)} / ${f(e2eW.loopMaxMs)} ms`],
    ['worker: total, 2 cameras on 1 worker', `${f(w1l2.totalFps)} frames/s (loop p99 ${f(w1l2.loopP99Ms)} ms)`],
    ['worker: total, 2 cameras on 2 workers', `${f(w2l2.totalFps)} frames/s (loop p99 ${f(w2l2.loopP99Ms)} ms)`],
    ['total, 1 process × 2 threads', `${f(oneByTwo.totalFps)} frames/s`],
    ['total, 2 processes × 1 thread', `${f(twoByOne.totalFps)} frames/s`],
    ['best total on this machine (goal ≥ 40)', `${f(best)} frames/s`],
    ['cameras at 2 fps (inference-bound)', String(cameras)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`detection bench: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${n} frames per run, vtest.avi at 5 fps\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
  const result = {
    at: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    frames: n,
    bare: { threads1: { ...bare1a, meanBoth: bare1, after: bare1b }, threads2: bare2 },
    endToEnd: e2e,
    stages: stage,
    overhead,
    worker: { bare: bareW, endToEnd: e2eW, twoCamerasOneWorker: w1l2, twoCamerasTwoWorkers: w2l2 },
    total: { oneProcessTwoThreads: oneByTwo, twoProcessesOneThread: twoByOne, best },
    camerasAt2fps: cameras,
    goals: { overheadMax: 0.3, overheadOk: overhead <= 0.3, totalFpsMin: 40, totalFpsOk: best >= 40 },
  };
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `detect-${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  process.stdout.write(`written ${file}\n`);
}

await main();
