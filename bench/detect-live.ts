/**
 * Live detection benchmark (issue H point 7): N analysed cameras at 2 fps while they record, in the real server.
 *
 *   npm run bench:detect:live                          # 4, 8 and 16 cameras, 60 s each after a 20 s warm-up
 *   npm run bench:detect:live -- --cameras 4,16 --workers 2 --seconds 30   (analytics.workers: detector threads)
 *
 * Each camera is a file camera looping one of the 4 demo clips in real time (assets/demo, H.264) with an exit
 * zone and a loitering zone, so every analysed frame runs motion, the background model of the exit zone,
 * inference, tracking and the rules. Measured per run, from /proc and GET /api/analytics/status:
 *  - analysed fps per camera (min / mean) and the frames dropped in the window;
 *  - CPU of the server's node process and of its ffmpeg children, % of one core;
 *  - analysis overhead over bare inference: node CPU per analysed frame ÷ the CPU time of one bare
 *    session.run − 1 (the part of the pipeline that is not session.run: decode handling, letterbox, motion,
 *    background, NMS, tracking, rules, recording bookkeeping). The bare figure is measured first, in this
 *    process, as CPU time (process.cpuUsage) of 1-thread runs on a real letterboxed frame: the detector's
 *    own `inferMs` is wall time per run, which grows when the box is busy (two workers on two cores gave a
 *    negative "overhead" against it);
 *    With N workers the same bare runs are also measured N at once ("bare ∥", bareParallelCpuMs): the
 *    sessions then share the cores and caches as they do in the server, which costs CPU per run by itself;
 *    "overhead ∥" is against that figure;
 *  - analysis overhead proper ("analysis ms/frame", analysisOverheadPercent): node CPU above the same server
 *    recording the same cameras with analytics off (measured first, per camera count), per analysed frame,
 *    against the bare run — the recording's own bookkeeping is not analysis; and the frame taps' decoding
 *    (their ffmpeg CPU above the record-only run, "tap decode ms/frame"), which runs outside node;
 *  - "keeps up": every camera analyses ≥ 1.8 fps (of 2) with < 5 % of its frames dropped.
 * Goal: ≥ 16 cameras keep up on 2 cores while recording; overhead ≤ 30 %. Prints a table and one JSON line.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clockTicks, processTree, treeTicks, ownTicks } from './proc.ts';
import { sleep } from './stats.ts';
import { bareInfer } from './bare-infer.ts';
import { REPO_ROOT, login, startWatchpost } from '../test/support/server.ts';

const log = (m: string) => process.stderr.write(`[bench:detect:live] ${m}\n`);
const r1 = (x: number) => Math.round(x * 10) / 10;

interface CamStatus {
  cameraId: string;
  analysedFps: number;
  analysed: number;
  dropped: number;
}
interface Status {
  enabled: boolean;
  detector?: { runs: number; inferMsAvg: number };
  cameras: CamStatus[];
}

/** CPU ms of one bare 1-thread session.run on a real frame (the denominator of the overhead). */
async function bareInferCpuMs(runs = 60): Promise<number> {
  const { Detector } = await import('../server/analytics/detector.ts');
  const det = await Detector.load({ intraOpNumThreads: 1 });
  try {
    return (await bareInfer(det, runs)).cpuMs;
  } finally {
    await det.dispose();
  }
}

/** The same with `workers` sessions in worker threads running at once, as the server runs them (shared cores and caches). */
async function bareParallelCpuMs(workers: number, runs = 80): Promise<number> {
  const { DetectorWorker } = await import('../server/analytics/detector-worker.ts');
  const det = await DetectorWorker.start({ workers, intraOpNumThreads: 1 });
  try {
    return (await bareInfer(det, runs, workers)).cpuMs;
  } finally {
    await det.dispose();
  }
}

function cameraLines(n: number): string[] {
  const clips = [1, 2, 3, 4].map((i) => join(REPO_ROOT, 'assets', 'demo', `demo-${i}.mp4`));
  if (!clips.every(existsSync)) throw new Error('demo clips missing: run npm run prepare');
  return Array.from({ length: n }, (_, i) => `  - {id: cam${i + 1}, name: "Cam ${i + 1}", file: "${clips[i % 4]}"}`);
}

/** node's and ffmpeg's CPU (% of a core) of the server while it records N cameras, analytics off (the baseline). */
async function recordOnly(n: number, warmS: number, measureS: number): Promise<{ node: number; ffmpeg: number }> {
  const wp = await startWatchpost({ configYaml: ['demo: false', 'analytics: {enabled: false}', 'cameras:', ...cameraLines(n)].join('\n'), env: { WATCHPOST_LOG_LEVEL: 'warn' } });
  try {
    await sleep(warmS * 1000);
    const pid = wp.process().pid!;
    const snap = () => {
      const tree = processTree(pid);
      const ffmpeg = tree.filter((p) => p.comm.startsWith('ffmpeg')).reduce((x, p) => x + ownTicks(p), 0);
      return { all: treeTicks(tree), ffmpeg, t: performance.now() };
    };
    const a = snap();
    await sleep(measureS * 1000);
    const b = snap();
    const k = 100 / clockTicks() / ((b.t - a.t) / 1000);
    return { node: r1((b.all - b.ffmpeg - (a.all - a.ffmpeg)) * k), ffmpeg: r1((b.ffmpeg - a.ffmpeg) * k) };
  } finally {
    await wp.dispose();
  }
}

async function run(n: number, warmS: number, measureS: number, workers: number, bareMs: number, bareParMs: number, base: { node: number; ffmpeg: number }) {
  const cams = cameraLines(n);
  const wp = await startWatchpost({ configYaml: ['demo: false', `analytics: {fps: 2, workers: ${workers}}`, 'cameras:', ...cams].join('\n'), env: { WATCHPOST_LOG_LEVEL: 'warn' } });
  try {
    const cookie = await login(wp.url, 'admin', wp.adminPassword);
    const zones = {
      zones: [
        { name: 'lane', kind: 'exit', polygon: [[0.05, 0.55], [0.45, 0.55], [0.45, 0.95], [0.05, 0.95]], dwellSeconds: 30 },
        { name: 'walk', kind: 'loitering', polygon: [[0.3, 0.1], [0.95, 0.1], [0.95, 0.9], [0.3, 0.9]], dwellSeconds: 60 },
      ],
    };
    for (let i = 1; i <= n; i++) {
      const r = await fetch(`${wp.url}/api/cameras/cam${i}/zones`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(zones) });
      if (!r.ok) throw new Error(`zones for cam${i}: ${r.status} ${await r.text()}`);
    }
    const status = async () => (await (await fetch(`${wp.url}/api/analytics/status`, { headers: { cookie } })).json()) as Status;
    await sleep(warmS * 1000);
    const pid = wp.process().pid!;
    const snap = () => {
      // tsx launches node, node launches the ffmpeg readers and recorders: node = the tree minus ffmpeg
      const tree = processTree(pid);
      const ffmpeg = tree.filter((p) => p.comm.startsWith('ffmpeg')).reduce((x, p) => x + ownTicks(p), 0);
      const all = treeTicks(tree);
      return { all, node: all - ffmpeg, t: performance.now() };
    };
    const a = snap();
    const s0 = await status();
    await sleep(measureS * 1000);
    const b = snap();
    const s1 = await status();
    const secs = (b.t - a.t) / 1000;
    const hz = clockTicks();
    const nodePct = ((b.node - a.node) / hz / secs) * 100;
    const allPct = ((b.all - a.all) / hz / secs) * 100;
    const per = s1.cameras.map((c) => {
      const before = s0.cameras.find((x) => x.cameraId === c.cameraId);
      const analysed = c.analysed - (before?.analysed ?? 0);
      const dropped = c.dropped - (before?.dropped ?? 0);
      return { id: c.cameraId, fps: analysed / secs, dropRatio: analysed + dropped > 0 ? dropped / (analysed + dropped) : 0 };
    });
    const frames = per.reduce((x, c) => x + c.fps * secs, 0);
    const runs = (s1.detector?.runs ?? 0) - (s0.detector?.runs ?? 0);
    const inferMs = runs ? ((s1.detector!.inferMsAvg * s1.detector!.runs - s0.detector!.inferMsAvg * s0.detector!.runs) / runs) : 0;
    const nodeMsPerFrame = frames ? ((b.node - a.node) / hz) * 1000 / frames : 0;
    const minFps = Math.min(...per.map((c) => c.fps));
    const analysisMs = frames ? (((nodePct - base.node) / 100) * secs * 1000) / frames : 0;
    return {
      cameras: n,
      workers,
      analysedFpsMin: r1(minFps),
      analysedFpsMean: r1(per.reduce((x, c) => x + c.fps, 0) / Math.max(1, per.length)),
      droppedPercentMax: r1(Math.max(...per.map((c) => c.dropRatio * 100))),
      nodeCorePercent: r1(nodePct),
      ffmpegCorePercent: r1(allPct - nodePct),
      totalCorePercent: r1(allPct),
      inferMs: r1(inferMs),
      bareInferCpuMs: r1(bareMs),
      nodeMsPerFrame: r1(nodeMsPerFrame),
      overheadPercent: bareMs ? r1((nodeMsPerFrame / bareMs - 1) * 100) : null,
      bareParallelCpuMs: r1(bareParMs),
      overheadVsParallelPercent: bareParMs ? r1((nodeMsPerFrame / bareParMs - 1) * 100) : null,
      // the analysis alone: node CPU above the same server recording the same cameras with analytics off
      recordOnlyNodeCorePercent: base.node,
      analysisMsPerFrame: r1(analysisMs),
      analysisOverheadPercent: bareMs ? r1((analysisMs / bareMs - 1) * 100) : null,
      // the frame taps' decoding (ffmpeg CPU above the record-only run), per analysed frame: not in node
      decodeMsPerFrame: frames ? r1(((allPct - nodePct - base.ffmpeg) / 100) * secs * 1000 / frames) : 0,
      keepsUp: per.length === n && minFps >= 1.8 && per.every((c) => c.dropRatio < 0.05),
    };
  } finally {
    await wp.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cameras: { type: 'string', default: '4,8,16' }, workers: { type: 'string', default: '1,2' }, seconds: { type: 'string', default: '60' }, warmup: { type: 'string', default: '20' } } });
  const counts = values.cameras!.split(',').map(Number).filter((x) => x > 0);
  const rows = [];
  const bareMs = await bareInferCpuMs();
  log(`bare session.run: ${r1(bareMs)} ms CPU per run (1 thread)`);
  const workerCounts = values.workers!.split(',').map(Number).filter((x) => x >= 0);
  const bases = new Map<number, { node: number; ffmpeg: number }>();
  for (const n of counts) {
    log(`${n} cameras recording, analytics off (baseline) …`);
    bases.set(n, await recordOnly(n, Math.min(10, Number(values.warmup)), Number(values.seconds)));
    log(`  node ${bases.get(n)!.node} %, ffmpeg ${bases.get(n)!.ffmpeg} % of a core`);
  }
  for (const w of workerCounts) {
    const parMs = w > 1 ? await bareParallelCpuMs(w) : bareMs;
    if (w > 1) log(`bare session.run, ${w} sessions at once: ${r1(parMs)} ms CPU per run`);
    for (const n of counts) {
      log(`${n} cameras, ${w} detector worker(s) …`);
      rows.push(await run(n, Number(values.warmup), Number(values.seconds), w, bareMs, parMs, bases.get(n)!));
    }
  }
  const head = ['cameras', 'workers', 'fps min', 'fps mean', 'drop % max', 'node %', 'rec-only node %', 'ffmpeg %', 'total %', 'infer ms (wall)', 'bare CPU ms', 'bare ∥ CPU ms', 'node ms/frame', 'overhead %', 'overhead ∥ %', 'analysis ms/frame', 'analysis overhead %', 'tap decode ms/frame', 'keeps up'];
  const lines = rows.map((r) => [r.cameras, r.workers, r.analysedFpsMin, r.analysedFpsMean, r.droppedPercentMax, r.nodeCorePercent, r.recordOnlyNodeCorePercent, r.ffmpegCorePercent, r.totalCorePercent, r.inferMs, r.bareInferCpuMs, r.bareParallelCpuMs, r.nodeMsPerFrame, r.overheadPercent ?? '—', r.overheadVsParallelPercent ?? '—', r.analysisMsPerFrame, r.analysisOverheadPercent ?? '—', r.decodeMsPerFrame, r.keepsUp ? 'yes' : 'NO'].map(String));
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (c: string[]) => c.map((x, i) => x.padStart(w[i]!)).join('  ');
  process.stdout.write(`${fmt(head)}\n${lines.map(fmt).join('\n')}\n`);
  process.stdout.write(JSON.stringify({ bench: 'detect-live', results: rows }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:detect:live: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
