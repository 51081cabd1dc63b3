/**
 * Evidence export benchmark: export 1 h of recorded 1080p footage (360 fragmented-MP4 segments of 10 s, the
 * recorder's own format) into a signed bundle, and report the realtime factor, where the time goes, and the
 * memory (RSS of this process and of the ffmpeg child, sampled every 100 ms) over the export.
 *
 *   npm run bench:export                      # 3 runs over 60 min of 1080p25 at 4 Mbit/s
 *   npm run bench:export -- --runs 5 --minutes 30 --bitrate 2000 --keep
 *
 * The footage is generated once into .cache/bench-export/<spec>/ (about 1.8 GB for the default): 60 s of a
 * noisy 1080p test pattern encoded with x264 at the target bitrate (1 s GOP), looped with stream copy through
 * ffmpeg's segment muxer with the recorder's fMP4 options, renamed into <cam>/<date>/<time>.mp4 and indexed.
 * Runs are warm-cache: the recordings are in the page cache (a typical export is of recent footage).
 * Goal: ≥ 700× realtime with flat memory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildBundle, type BundleResult } from '../server/evidence/bundle.ts';
import { SigningKey } from '../server/evidence/keys.ts';
import { verifyBundle } from '../server/evidence/verify.ts';
import { checkFfmpeg } from '../server/media/ffmpeg-check.ts';
import { PRESETS } from '../server/media/ffmpeg-args.ts';
import { localClock, localDay } from '../server/media/recorder-index.ts';
import type { Segment } from '../server/store/segments.ts';
import { REPO_ROOT } from '../test/support/server.ts';
import { processTree, readRss } from './proc.ts';

interface Options {
  runs: number;
  minutes: number;
  bitrateKbps: number;
  keep: boolean;
}

const log = (m: string) => process.stderr.write(`[bench:export] ${m}\n`);
const r1 = (x: number) => Math.round(x * 10) / 10;
const MB = 1024 * 1024;

function parse(argv: string[]): Options {
  const o: Options = { runs: 3, minutes: 60, bitrateKbps: 4000, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === '--runs') o.runs = Math.round(num());
    else if (a === '--minutes') o.minutes = Math.round(num());
    else if (a === '--bitrate') o.bitrateKbps = Math.round(num());
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown option ${a} (see the comment at the top of bench/export.ts)`);
  }
  return o;
}

const T0 = new Date(2025, 0, 1, 8, 0, 0).getTime(); // footage "recorded" from 08:00 local time

/** Generate (once) and index the footage. */
function footage(ffmpeg: string, o: Options): { dir: string; segments: Segment[] } {
  const spec = `1080p25-${o.bitrateKbps}k-g25-${o.minutes}min`;
  const dir = join(REPO_ROOT, '.cache', 'bench-export', spec);
  const index = join(dir, 'segments.json');
  if (existsSync(index)) {
    const segments = JSON.parse(readFileSync(index, 'utf8')) as Segment[];
    if (segments.every((s) => existsSync(join(dir, 'rec', s.path)))) return { dir, segments };
  }
  rmSync(dir, { recursive: true, force: true });
  const staging = join(dir, 'rec', 'bench', '.incoming');
  mkdirSync(staging, { recursive: true });
  const src = join(dir, 'src.mp4');
  log(`generating ${o.minutes} min of 1080p25 at ${o.bitrateKbps} kbit/s into ${dir} (once)…`);
  const b = `${o.bitrateKbps}k`;
  execFileSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=25,noise=alls=12:allf=t',
    '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', b, '-maxrate', b, '-bufsize', `${o.bitrateKbps * 2}k`,
    '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', src,
  ], { stdio: 'inherit' });
  const list = join(dir, 'list.csv');
  execFileSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', String(o.minutes - 1), '-i', src,
    '-map', '0:v:0', '-c:v', 'copy', '-f', 'segment', '-segment_time', '10', '-segment_format', 'mp4',
    '-segment_format_options', PRESETS.fmp4Options, '-reset_timestamps', '1',
    '-segment_list', list, '-segment_list_type', 'csv', join(staging, 'gen-%06d.mp4'),
  ], { stdio: 'inherit' });
  const segments: Segment[] = [];
  for (const [i, line] of readFileSync(list, 'utf8').trim().split('\n').entries()) {
    const [file, start, end] = line.split(',');
    const startMs = T0 + Number(start) * 1000;
    const rel = `bench/${localDay(startMs)}/${localClock(startMs)}.mp4`;
    mkdirSync(join(dir, 'rec', 'bench', localDay(startMs)), { recursive: true });
    renameSync(join(staging, file!), join(dir, 'rec', rel));
    segments.push({ id: i + 1, cameraId: 'bench', path: rel, startMs, endMs: T0 + Number(end) * 1000, bytes: statSync(join(dir, 'rec', rel)).size, codec: 'h264' });
  }
  writeFileSync(index, JSON.stringify(segments));
  return { dir, segments };
}

interface RunResult {
  run: number;
  seconds: number;
  realtime: number;
  mbPerSecond: number;
  bundleBytes: number;
  timings: BundleResult['timings'];
  rss: { nodeMinMb: number; nodeMaxMb: number; ffmpegMaxMb: number; samples: number };
  verifySeconds: number;
  verified: boolean;
}

async function run(n: number, o: Options, rec: string, segments: Segment[], ff: { ffmpegPath: string; ffprobePath: string }, outDir: string): Promise<RunResult> {
  const key = SigningKey.generate();
  const from = segments[0]!.startMs + 1500; // not on a segment boundary: exercises the key-frame cut
  const to = segments[segments.length - 1]!.endMs;
  const node: number[] = [];
  let ffmpegMax = 0;
  const sample = () => {
    node.push(process.memoryUsage().rss);
    for (const p of processTree(process.pid)) if (p.comm.startsWith('ffmpeg')) ffmpegMax = Math.max(ffmpegMax, readRss(p.pid));
  };
  const timer = setInterval(sample, 100);
  sample();
  const t = performance.now();
  const r = await buildBundle(
    {
      exportId: `bench-${n}`,
      fromMs: from,
      toMs: to,
      reason: 'benchmark',
      caseRef: null,
      user: { id: null, username: 'bench', role: 'admin' },
      createdAt: Date.now(),
      cameras: [{ camera: { id: 'bench', name: 'Bench 1080p', source: 'lavfi:testsrc2', clockOffset: { ms: 0, known: false, source: null } }, segments }],
    },
    { ...ff, recordingsDir: rec, outDir, key, version: 'bench' },
  );
  const seconds = (performance.now() - t) / 1000;
  clearInterval(timer);
  sample();
  const tv = performance.now();
  const v = await verifyBundle(r.path, { expectKey: key.fingerprint });
  const verifySeconds = (performance.now() - tv) / 1000;
  if (!o.keep) rmSync(r.path, { force: true });
  const footageSeconds = (r.manifest.items[0]!.actual.endMs - r.manifest.items[0]!.actual.startMs) / 1000;
  return {
    run: n,
    seconds: Math.round(seconds * 1000) / 1000,
    realtime: Math.round(footageSeconds / seconds),
    mbPerSecond: r1(r.bytes / MB / seconds),
    bundleBytes: r.bytes,
    timings: { ...r.timings, probe: Math.round(r.timings.probe), remux: Math.round(r.timings.remux), sourceHash: Math.round(r.timings.sourceHash), zip: Math.round(r.timings.zip), total: Math.round(r.timings.total) },
    rss: { nodeMinMb: r1(Math.min(...node) / MB), nodeMaxMb: r1(Math.max(...node) / MB), ffmpegMaxMb: r1(ffmpegMax / MB), samples: node.length },
    verifySeconds: Math.round(verifySeconds * 1000) / 1000,
    verified: v.ok,
  };
}

function table(rs: RunResult[], footageMin: number): string {
  const head = ['run', 'export s', '× realtime', 'MB/s', 'probe ms', 'remux ms', 'src-hash ms', 'zip+sign ms', 'in place', 'node RSS MB (min–max)', 'ffmpeg RSS MB', 'verify s', 'ok'];
  const rows = rs.map((r) => [
    String(r.run), r.seconds.toFixed(2), String(r.realtime), String(r.mbPerSecond), String(r.timings.probe), String(r.timings.remux),
    String(r.timings.sourceHash), String(r.timings.zip), r.timings.inPlace ? 'yes' : 'no', `${r.rss.nodeMinMb}–${r.rss.nodeMaxMb}`,
    String(r.rss.ffmpegMaxMb), r.verifySeconds.toFixed(2), r.verified ? 'yes' : 'NO',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(w[i]!)).join('  ');
  return [`export of ${footageMin} min of 1080p footage`, line(head), ...rows.map(line)].join('\n');
}

async function main(): Promise<number> {
  const o = parse(process.argv.slice(2));
  const ff = await checkFfmpeg();
  const startedAt = new Date();
  const { dir, segments } = footage(ff.ffmpegPath, o);
  const rec = join(dir, 'rec');
  const outDir = join(dir, 'out');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const sourceBytes = segments.reduce((n, s) => n + s.bytes, 0);
  log(`${segments.length} segments, ${r1(sourceBytes / MB)} MB; warming the page cache`);
  for (const s of segments) readFileSync(join(rec, s.path));
  const results: RunResult[] = [];
  try {
    for (let i = 1; i <= o.runs; i++) {
      const r = await run(i, o, rec, segments, ff, outDir);
      log(`run ${i}: ${r.seconds.toFixed(2)} s, ${r.realtime}× realtime, verify ${r.verifySeconds.toFixed(2)} s`);
      results.push(r);
    }
  } finally {
    if (!o.keep) rmSync(outDir, { recursive: true, force: true });
  }
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const doc = {
    benchmark: 'export',
    startedAt: startedAt.toISOString(),
    options: o,
    footage: { minutes: o.minutes, segments: segments.length, segmentSeconds: 10, resolution: '1920x1080', fps: 25, gopFrames: 25, bitrateKbps: o.bitrateKbps, bytes: sourceBytes },
    environment: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGb: r1(totalmem() / 1024 ** 3), loadAvgAtStart: loadavg().map(r1), node: process.version, ffmpeg: ff.version },
    goal: { realtime: 700 },
    median: { seconds: median.seconds, realtime: median.realtime },
    best: { seconds: sorted[0]!.seconds, realtime: sorted[0]!.realtime },
    results,
    notes: {
      realtime: 'actual footage duration in the bundle ÷ wall time from the export call to the renamed bundle (remux, segment + bundle hashes, zip, Ed25519 signature)',
      inPlace: 'the MP4 became the first zip entry by fallocate --insert-range (no copy); "no" = copied into the zip',
      rss: 'VmRSS sampled every 100 ms during the export: this node process, and the peak of the ffmpeg child',
      cache: 'warm page cache: the recordings were read once before the runs',
    },
  };
  const outFile = join(REPO_ROOT, 'bench', 'results', `export-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(outFile, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(`\n${table(results, o.minutes)}\n\nmedian ${median.seconds.toFixed(2)} s = ${median.realtime}× realtime (goal ≥ 700×); results: ${outFile}\n`);
  return results.every((r) => r.verified) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench:export failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  },
);
