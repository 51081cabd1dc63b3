/**
 * Ingest benchmark: the real Watchpost server pulling N cameras (4, 8, 16) from the real GStreamer
 * RTSP server at 1080p H.264 with a 1 s GOP, live HLS (1 s segments, stream copy) and recording
 * (10 s MP4) running at the same time.
 *
 *   npm run bench:ingest                        # counts 4,8,16, 30 s windows (~4 min)
 *   npm run bench:ingest -- --quick             # smoke run: 4 cameras, 10 s
 *   npm run bench:ingest -- --counts 4,8 --seconds 20 --fps 25
 *   (same via env: BENCH_COUNTS, BENCH_SECONDS, BENCH_FPS, BENCH_WARMUP, BENCH_BITRATE, BENCH_QUICK=1)
 *
 * Per camera count, in this order (phases never overlap, so the CPU window is not disturbed by the
 * latency probes or by Chromium):
 *  1. GStreamer RTSP server with ONE shared mount "/cam". x264 encodes once per shared media, and
 *     all N cameras use the same URL: a query string (…/cam?cam=3) still matches the mount, but
 *     GstRTSPMediaFactory keys shared media by the full URL including the query, so every distinct
 *     query got its own pipeline and encoder (measured: 2 clients with ?cam=1/?cam=2 cost the source
 *     2× the CPU of 2 clients on the plain URL). The bench's "primer" client (primer.ts) connects first.
 *  2. Watchpost with a config of N cameras cam-1…cam-N, all rtsp://127.0.0.1:PORT/cam; wait until
 *     every camera is online, then warm up.
 *  3. CPU/RSS window (--seconds): utime+stime of the server's whole process tree (tsx launcher, node
 *     server, every ffmpeg child; see proc.ts), RSS sampled every second. The GStreamer server's CPU
 *     is measured the same way and reported separately as "source CPU"; "other" is everything else
 *     the machine did in that window (bench, primer, and anything else running on the box).
 *  4. Playlist latency: every camera's index.m3u8 polled every ~100 ms.
 *  5. hls.js in Chromium on cam-1: Date.now() − hls.playingDate every 500 ms.
 *
 * Latency clocks: the camera clock is the wall clock. GStreamer's clockoverlay stamps wall-clock time
 * into each frame, and on loopback the frame reaches ffmpeg a few ms later (x264 zerolatency encode +
 * loopback TCP), on the same machine, so "time of receipt" is the camera clock within a few ms.
 * EXT-X-PROGRAM-DATE-TIME is meant to be that receipt time. ffmpeg's HLS muxer, though, reads the
 * wall clock once, when it starts, and adds segment durations after that. It starts after the input
 * probe has buffered the start of the stream, so its PDT runs ahead of the receipt clock by a
 * constant (measured ~1 s here). PDT-based numbers are therefore reported as asked, next to the same
 * numbers on the receipt clock: the primer notes when each key frame arrives, and since HLS cuts at
 * key frames, "key frame → visible" is the time from the arrival of the key frame that closes a
 * segment to the segment appearing in the playlist; "PDT − receipt" is the offset itself.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startRtspServer, type RtspServer } from '../test/support/rtsp.ts';
import { login, REPO_ROOT, startWatchpost, type Watchpost } from '../test/support/server.ts';
import { Cleanup } from './cleanup.ts';
import { launchChromium, measureHlsJs, type HlsJsResult } from './hlsjs.ts';
import { pollPlaylists, type SegmentSample } from './playlist.ts';
import { startPrimer, type Primer } from './primer.ts';
import {
  clockTicks,
  killIfSame,
  machineBusyTicks,
  ownTicks,
  procKey,
  processTree,
  readPss,
  readRss,
  readStat,
  treeTicks,
  type ProcStat,
} from './proc.ts';
import { mean, sleep, summarize, type Summary } from './stats.ts';

// ---------------------------------------------------------------------------------------------
// options

interface Options {
  counts: number[];
  seconds: number;
  warmup: number;
  fps: number;
  bitrateKbps: number;
  width: number;
  height: number;
  latencySeconds: number;
  hlsjsSeconds: number;
  browser: boolean;
  verbose: boolean;
  quick: boolean;
}

const HELP = `usage: npm run bench:ingest -- [options]
  --counts 4,8,16     camera counts to run (env BENCH_COUNTS)
  --seconds 30        CPU/RSS measurement window per count (env BENCH_SECONDS)
  --warmup 10         seconds after all cameras are online before measuring (env BENCH_WARMUP)
  --fps 25            source frame rate; GOP = fps (1 s) (env BENCH_FPS)
  --bitrate 4000      source bitrate, kbit/s (env BENCH_BITRATE)
  --latency-seconds 12  playlist polling time per count
  --hlsjs-seconds 15  hls.js sampling time per count
  --no-browser        skip the Chromium/hls.js measurement
  --quick             smoke run: counts 4, 10 s window, 5 s warm-up (env BENCH_QUICK=1)
  --verbose           print the server's output
`;

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"\n${HELP}`);
    const eq = a.indexOf('=');
    if (eq > 0) args.set(a.slice(2, eq), a.slice(eq + 1));
    else if (['quick', 'verbose', 'no-browser'].includes(a.slice(2))) args.set(a.slice(2), '1');
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      args.set(a.slice(2), v);
    }
  }
  const known = ['counts', 'seconds', 'warmup', 'fps', 'bitrate', 'latency-seconds', 'hlsjs-seconds', 'no-browser', 'quick', 'verbose'];
  for (const k of args.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k}\n${HELP}`);

  const get = (k: string, envName: string) => args.get(k) ?? env[envName];
  const num = (k: string, envName: string, def: number, min: number) => {
    const v = get(k, envName);
    if (v === undefined || v === '') return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${k}: expected a number ≥ ${min}, got "${v}"`);
    return n;
  };
  const quick = ['1', 'true', 'yes'].includes(String(get('quick', 'BENCH_QUICK') ?? '').toLowerCase());
  const countsRaw = get('counts', 'BENCH_COUNTS') ?? (quick ? '4' : '4,8,16');
  const counts = countsRaw.split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) throw new Error(`--counts: expected e.g. 4,8,16, got "${countsRaw}"`);
  return {
    counts,
    seconds: num('seconds', 'BENCH_SECONDS', quick ? 10 : 30, 2),
    warmup: num('warmup', 'BENCH_WARMUP', quick ? 5 : 10, 0),
    // 25 fps: the usual CCTV rate, and what x264 (ultrafast, zerolatency) on this 2-core box
    // encodes at 1080p for one shared mount with ~50 % of one core, leaving room for 16 cameras.
    fps: num('fps', 'BENCH_FPS', 25, 1),
    bitrateKbps: num('bitrate', 'BENCH_BITRATE', 4000, 100),
    width: 1920,
    height: 1080,
    latencySeconds: num('latency-seconds', 'BENCH_LATENCY_SECONDS', quick ? 8 : 12, 2),
    hlsjsSeconds: num('hlsjs-seconds', 'BENCH_HLSJS_SECONDS', 15, 2),
    browser: !args.has('no-browser') && env.BENCH_NO_BROWSER !== '1',
    verbose: args.has('verbose') || env.BENCH_VERBOSE === '1',
    quick,
  };
}

// ---------------------------------------------------------------------------------------------
// logging

const T0 = Date.now();
function log(msg: string): void {
  const t = ((Date.now() - T0) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${t}s] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// result types

interface CpuResult {
  /** all numbers: % of one core, averaged over the window */
  totalPct: number;
  perCameraPct: number;
  launcherPct: number;
  nodeServerPct: number;
  /** ffmpeg processes (and any other children), including ones that exited during the window */
  ffmpegPct: number;
  sourcePct: number;
  primerPct: number;
  benchPct: number;
  machineBusyPct: number;
  /** machine busy − watchpost tree − source − primer − bench: other load on the box */
  otherPct: number;
  windowSeconds: number;
}

interface MemResult {
  serverRssMB: number;
  serverRssMaxMB: number;
  ffmpegRssMB: number;
  ffmpegRssMaxMB: number;
  /** proportional set size: shared library pages split between the ffmpeg processes */
  ffmpegPssMB: number;
  launcherRssMB: number;
  ffmpegProcesses: number;
}

interface CountResult {
  cameras: number;
  ok: boolean;
  error?: string;
  attempts: number;
  onlineBeforeWindow: number;
  statusesAfter: Record<string, number>;
  ffmpegStartedDuringWindow: number;
  source: { fpsConfigured: number; fpsDelivered: number | null; crashed: boolean };
  cpu?: CpuResult;
  memory?: MemResult;
  playlist?: {
    /** by the PDT: now − (PDT + EXTINF) */
    afterLastFrameMs: Summary;
    /** by the PDT: now − PDT */
    firstFrameAgeMs: Summary;
    /** by the receipt clock: now − arrival of the key frame that closed the segment */
    keyframeToVisibleMs: Summary;
    /** by the receipt clock: now − arrival of the segment's first (key) frame */
    receiptFirstFrameAgeMs: Summary;
    /** PDT − arrival of the segment's first key frame: how far ffmpeg's PDT is off the receipt clock */
    pdtOffsetMs: Summary;
    unmatchedSegments: number;
    segments: number;
    polls: number;
    pollErrors: number;
    camerasWithoutPdt: string[];
    meanSegmentSeconds: number | null;
  };
  hlsjs?:
    | (Omit<HlsJsResult, 'latencyMs' | 'hlsLatencyS'> & {
        /** Date.now() − hls.playingDate */
        latencyMs: Summary;
        /** the same, with cam-1's PDT offset (measured at the same time) removed: receipt clock */
        receiptLatencyMs: Summary;
        cam1PdtOffsetMs: Summary;
        hlsLatencyS: Summary;
      })
    | { error: string };
}

class SourceCrashed extends Error {}

// ---------------------------------------------------------------------------------------------
// helpers

interface CameraView {
  id: string;
  status: string;
}

async function cameraStatuses(baseUrl: string, cookie: string): Promise<CameraView[]> {
  const res = await fetch(`${baseUrl}/api/cameras`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`GET /api/cameras: ${res.status} ${await res.text()}`);
  return (await res.json()) as CameraView[];
}

function countBy(list: CameraView[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of list) out[c.status] = (out[c.status] ?? 0) + 1;
  return out;
}

/** The node server inside the launcher's tree: the node process that owns the ffmpegs. */
function findServer(tree: ProcStat[], rootPid: number): ProcStat | undefined {
  const nodes = tree.filter((p) => p.pid !== rootPid && p.comm.startsWith('node'));
  const ffParents = new Set(tree.filter((p) => p.comm === 'ffmpeg').map((p) => p.ppid));
  return nodes.find((p) => ffParents.has(p.pid)) ?? nodes[0];
}

function configYaml(n: number, rtspUrl: string, liveDir: string): string {
  const lines = [
    'server:',
    '  host: 127.0.0.1',
    'storage:',
    '  segmentSeconds: 10',
    `  liveDir: ${JSON.stringify(liveDir)}`,
    'cameras:',
  ];
  for (let i = 1; i <= n; i++) {
    lines.push(`  - id: cam-${i}`, `    name: "Cam ${i}"`, `    url: "${rtspUrl}"`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Segments against the primer's key-frame arrival times. HLS cuts at key frames and the GOP is 1 s,
 * so a segment becomes visible after the key frame that closes it (the latest one before it was
 * seen, valid while that delay stays under one GOP) and starts with the key frame one EXTINF earlier.
 */
function receiptMetrics(samples: SegmentSample[], primer: Primer, gopMs: number) {
  const closeToVisible: number[] = [];
  const firstAge: number[] = [];
  const pdtOffset: number[] = [];
  let unmatched = 0;
  for (const s of samples) {
    const kClose = primer.lastKeyframeAtOrBefore(s.seenAt);
    if (kClose === undefined) {
      unmatched++;
      continue;
    }
    closeToVisible.push(s.seenAt - kClose);
    const kOpen = Number.isFinite(s.duration) ? primer.keyframeNear(kClose - s.duration * 1000, gopMs * 0.4) : undefined;
    if (kOpen === undefined) {
      unmatched++;
      continue;
    }
    firstAge.push(s.seenAt - kOpen);
    if (s.pdt !== null) pdtOffset.push(s.pdt - kOpen);
  }
  return { closeToVisible, firstAge, pdtOffset, unmatched };
}

function liveDirRoot(): string | undefined {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return undefined;
  }
}

const MB = 1024 * 1024;
const r1 = (x: number) => Math.round(x * 10) / 10;

// ---------------------------------------------------------------------------------------------
// one camera count

async function runCount(n: number, o: Options, cleanup: Cleanup, attempt: number): Promise<CountResult> {
  const result: CountResult = {
    cameras: n,
    ok: false,
    attempts: attempt,
    onlineBeforeWindow: 0,
    statusesAfter: {},
    ffmpegStartedDuringWindow: 0,
    source: { fpsConfigured: o.fps, fpsDelivered: null, crashed: false },
  };
  const done: (() => Promise<void>)[] = [];
  try {
    // 1. source
    log(`N=${n}: starting GStreamer RTSP server (1080p H.264, ${o.fps} fps, GOP ${o.fps}, ${o.bitrateKbps} kbit/s)`);
    const rtsp: RtspServer = await startRtspServer({
      width: o.width,
      height: o.height,
      fps: o.fps,
      gop: o.fps,
      bitrateKbps: o.bitrateKbps,
      mounts: ['cam'],
    });
    done.push(cleanup.add('RTSP server', () => rtsp.stop('SIGKILL')));
    const sourcePid = rtsp.process.pid!;
    const sourceAlive = () => rtsp.process.exitCode === null && rtsp.process.signalCode === null;
    const checkSource = () => {
      if (!sourceAlive()) {
        result.source.crashed = true;
        throw new SourceCrashed('the GStreamer RTSP server exited during the run');
      }
    };

    const primer: Primer = startPrimer(rtsp.url('cam'));
    done.push(cleanup.add('primer', () => primer.stop()));
    await primer.ready(15_000);
    await sleep(1000);

    // 2. Watchpost
    // live HLS on tmpfs like a default install, in a dir of our own so it can be removed afterwards
    const liveDir = mkdtempSync(join(liveDirRoot() ?? tmpdir(), 'wp-bench-live-'));
    const wpPids: ProcStat[] = [];
    log(`N=${n}: starting Watchpost with ${n} cameras on ${rtsp.url('cam')}`);
    const wp: Watchpost = await startWatchpost({
      configYaml: configYaml(n, rtsp.url('cam'), liveDir),
      verbose: o.verbose,
    });
    done.push(
      cleanup.add('Watchpost', async () => {
        const seen = [...wpPids, ...processTree(wp.process().pid ?? -1)];
        await wp.dispose();
        // safety net: nothing of the server's tree may outlive it
        let killed = 0;
        for (const p of seen) if (killIfSame(p.pid, p.starttime)) killed++;
        if (killed) log(`killed ${killed} leftover process(es) of the Watchpost tree`);
        rmSync(liveDir, { recursive: true, force: true });
      }),
    );
    const rootPid = wp.process().pid!;
    const cookie = await login(wp.url, 'admin', wp.adminPassword);

    const onlineDeadline = Date.now() + 60_000;
    let views: CameraView[] = [];
    while (Date.now() < onlineDeadline) {
      checkSource();
      views = await cameraStatuses(wp.url, cookie);
      if (views.length >= n && views.every((v) => v.status === 'online')) break;
      await sleep(500);
    }
    result.onlineBeforeWindow = views.filter((v) => v.status === 'online').length;
    log(`N=${n}: ${result.onlineBeforeWindow}/${n} cameras online (${JSON.stringify(countBy(views))}); warm-up ${o.warmup} s`);
    if (result.onlineBeforeWindow === 0) throw new Error(`no camera came online in 60 s:\n${wp.output().slice(-2000)}`);
    await sleep(o.warmup * 1000);
    checkSource();

    // 3. CPU / RSS window
    log(`N=${n}: measuring CPU and memory for ${o.seconds} s`);
    const ticks = clockTicks();
    const startTree = processTree(rootPid);
    wpPids.push(...startTree);
    const ffAtStart = new Set(startTree.filter((p) => p.comm === 'ffmpeg').map(procKey));
    const s0 = {
      t: performance.now(),
      tree: treeTicks(startTree),
      launcher: ownTicks(startTree[0]),
      server: ownTicks(findServer(startTree, rootPid)),
      serverPid: findServer(startTree, rootPid)?.pid,
      source: treeTicks(processTree(sourcePid)),
      primer: ownTicks(readStat(primer.process.pid!)),
      machine: machineBusyTicks(),
      bench: process.cpuUsage(),
      frames: primer.frames(),
    };
    const serverRss: number[] = [];
    const ffRss: number[] = [];
    const ffPss: number[] = [];
    const launcherRss: number[] = [];
    const ffSeen = new Set<string>(ffAtStart);
    let ffCount = 0;
    const windowEnd = Date.now() + o.seconds * 1000;
    while (Date.now() < windowEnd) {
      await sleep(Math.min(1000, Math.max(0, windowEnd - Date.now())));
      checkSource();
      const tree = processTree(rootPid);
      for (const p of tree) {
        if (!wpPids.some((q) => q.pid === p.pid && q.starttime === p.starttime)) wpPids.push(p);
      }
      const server = findServer(tree, rootPid);
      const ffs = tree.filter((p) => p.comm === 'ffmpeg' && p.state !== 'Z');
      for (const f of ffs) ffSeen.add(procKey(f));
      ffCount = ffs.length;
      if (server) serverRss.push(readRss(server.pid));
      launcherRss.push(readRss(rootPid));
      ffRss.push(ffs.reduce((a, p) => a + readRss(p.pid), 0));
      ffPss.push(ffs.reduce((a, p) => a + readPss(p.pid), 0));
    }
    const endTree = processTree(rootPid);
    const endServer = endTree.find((p) => p.pid === s0.serverPid);
    const dt = (performance.now() - s0.t) / 1000;
    const pct = (dTicks: number) => (dTicks / ticks / dt) * 100;
    const benchUsage = process.cpuUsage(s0.bench);
    const totalPct = pct(treeTicks(endTree) - s0.tree);
    const launcherPct = pct(ownTicks(endTree[0]) - s0.launcher);
    const nodeServerPct = pct(ownTicks(endServer) - s0.server);
    const sourcePct = pct(treeTicks(processTree(sourcePid)) - s0.source);
    const primerPct = pct(ownTicks(readStat(primer.process.pid!)) - s0.primer);
    const benchPct = ((benchUsage.user + benchUsage.system) / 1e6 / dt) * 100;
    const machineBusyPct = pct(machineBusyTicks() - s0.machine);
    result.cpu = {
      totalPct: r1(totalPct),
      perCameraPct: Math.round((totalPct / n) * 100) / 100,
      launcherPct: r1(launcherPct),
      nodeServerPct: r1(nodeServerPct),
      ffmpegPct: r1(totalPct - launcherPct - nodeServerPct),
      sourcePct: r1(sourcePct),
      primerPct: r1(primerPct),
      benchPct: r1(benchPct),
      machineBusyPct: r1(machineBusyPct),
      otherPct: r1(Math.max(0, machineBusyPct - totalPct - sourcePct - primerPct - benchPct)),
      windowSeconds: r1(dt),
    };
    result.memory = {
      serverRssMB: r1(mean(serverRss) / MB),
      serverRssMaxMB: r1(Math.max(0, ...serverRss) / MB),
      ffmpegRssMB: r1(mean(ffRss) / MB),
      ffmpegRssMaxMB: r1(Math.max(0, ...ffRss) / MB),
      ffmpegPssMB: r1(mean(ffPss) / MB),
      launcherRssMB: r1(mean(launcherRss) / MB),
      ffmpegProcesses: ffCount,
    };
    result.ffmpegStartedDuringWindow = [...ffSeen].filter((k) => !ffAtStart.has(k)).length;
    result.source.fpsDelivered = r1((primer.frames() - s0.frames) / dt);
    log(
      `N=${n}: CPU ${result.cpu.totalPct}% (${result.cpu.perCameraPct}%/cam; node ${result.cpu.nodeServerPct}%, ffmpeg ${result.cpu.ffmpegPct}%), ` +
        `server RSS ${result.memory.serverRssMB} MB, ffmpeg RSS ${result.memory.ffmpegRssMB} MB (${ffCount} procs), ` +
        `source ${result.cpu.sourcePct}% at ${result.source.fpsDelivered} fps`,
    );

    // 4. playlist latency
    log(`N=${n}: polling ${n} playlists every 100 ms for ${o.latencySeconds} s`);
    const ids = Array.from({ length: n }, (_, i) => `cam-${i + 1}`);
    const poll = await pollPlaylists({ baseUrl: wp.url, cookie, cameraIds: ids, durationMs: o.latencySeconds * 1000 });
    checkSource();
    const gopMs = 1000; // GOP = fps frames
    const rm = receiptMetrics(poll.samples, primer, gopMs);
    const durs = poll.samples.map((s) => s.duration).filter(Number.isFinite);
    result.playlist = {
      afterLastFrameMs: summarize(poll.samples.flatMap((s) => (s.afterLastFrameMs === null ? [] : [s.afterLastFrameMs]))),
      firstFrameAgeMs: summarize(poll.samples.flatMap((s) => (s.firstFrameAgeMs === null ? [] : [s.firstFrameAgeMs]))),
      keyframeToVisibleMs: summarize(rm.closeToVisible),
      receiptFirstFrameAgeMs: summarize(rm.firstAge),
      pdtOffsetMs: summarize(rm.pdtOffset),
      unmatchedSegments: rm.unmatched,
      segments: poll.samples.length,
      polls: poll.polls,
      pollErrors: poll.errors,
      camerasWithoutPdt: poll.camerasWithoutPdt,
      meanSegmentSeconds: durs.length ? Math.round(mean(durs) * 1000) / 1000 : null,
    };
    const pl = result.playlist;
    log(
      `N=${n}: playlist: ${pl.segments} new segments; by PDT: after last frame p50 ${pl.afterLastFrameMs.p50} / p95 ${pl.afterLastFrameMs.p95} ms, ` +
        `first-frame age p50 ${pl.firstFrameAgeMs.p50} ms; by receipt: key frame→visible p50 ${pl.keyframeToVisibleMs.p50} / p95 ${pl.keyframeToVisibleMs.p95} ms, ` +
        `first-frame age p50 ${pl.receiptFirstFrameAgeMs.p50} ms; PDT − receipt p50 ${pl.pdtOffsetMs.p50} ms` +
        (pl.camerasWithoutPdt.length ? `; NO PDT on ${pl.camerasWithoutPdt.length} camera(s)` : ''),
    );

    // 5. hls.js in Chromium
    if (o.browser) {
      log(`N=${n}: hls.js in Chromium on cam-1 for ${o.hlsjsSeconds} s`);
      let browser: Browser | undefined;
      const closeBrowser = cleanup.add('Chromium', async () => {
        await browser?.close();
      });
      try {
        browser = await launchChromium();
        // cam-1's PDT offset, measured while the player runs, turns playingDate into the receipt clock
        const stopPoll = new AbortController();
        const cam1Poll = pollPlaylists({
          baseUrl: wp.url,
          cookie,
          cameraIds: ['cam-1'],
          durationMs: (o.hlsjsSeconds + 60) * 1000,
          signal: stopPoll.signal,
        });
        const r = await measureHlsJs({
          browser,
          baseUrl: wp.url,
          cookie,
          cameraId: 'cam-1',
          repoRoot: REPO_ROOT,
          seconds: o.hlsjsSeconds,
        }).finally(() => stopPoll.abort());
        const cam1 = receiptMetrics((await cam1Poll).samples, primer, gopMs);
        const off = summarize(cam1.pdtOffset).p50;
        result.hlsjs = {
          ...r,
          latencyMs: summarize(r.latencyMs),
          receiptLatencyMs: summarize(off === null ? [] : r.latencyMs.map((x) => x + off)),
          cam1PdtOffsetMs: summarize(cam1.pdtOffset),
          hlsLatencyS: summarize(r.hlsLatencyS),
        };
        log(
          `N=${n}: hls.js: playing after ${r.timeToPlayingMs} ms; now − playingDate p50 ${result.hlsjs.latencyMs.p50} / p95 ${result.hlsjs.latencyMs.p95} ms ` +
            `(receipt clock p50 ${result.hlsjs.receiptLatencyMs.p50} ms) ` +
            `(${r.nullSamples} of ${r.samples} samples without a date), dropped ${r.droppedFrames}/${r.totalFrames} frames`,
        );
      } catch (e) {
        result.hlsjs = { error: (e as Error).message };
        log(`N=${n}: hls.js measurement failed: ${(e as Error).message}`);
      } finally {
        await closeBrowser();
      }
      checkSource();
    }

    result.statusesAfter = countBy(await cameraStatuses(wp.url, cookie));
    result.ok = true;
    return result;
  } catch (e) {
    result.error = (e as Error).message;
    if (e instanceof SourceCrashed) throw Object.assign(e, { partial: result });
    log(`N=${n}: FAILED: ${result.error}`);
    return result;
  } finally {
    log(`N=${n}: stopping`);
    // Watchpost before the source, so its ffmpegs do not spin on reconnects
    for (const fn of done.reverse()) await fn();
  }
}

// ---------------------------------------------------------------------------------------------
// output

function fmtPair(s: Summary | undefined, scale = 1, digits = 2): string {
  if (!s || s.p50 === null || s.p95 === null) return 'n/a';
  return `${(s.p50 * scale).toFixed(digits)} / ${(s.p95 * scale).toFixed(digits)}`;
}

function table(results: CountResult[], o: Options): string {
  const head = [
    'N cameras',
    'CPU %/cam',
    'total CPU %',
    'server RSS MB',
    'ffmpeg RSS MB',
    'playlist lat. p50/p95 s: PDT ¹',
    'receipt ²',
    'hls.js lat. p50/p95 s: PDT ³',
    'receipt ³',
    'source CPU % ⁴',
    'other load % ⁵',
  ];
  const rows = results.map((r) => {
    const h = r.hlsjs && 'latencyMs' in r.hlsjs ? r.hlsjs : undefined;
    return [
      String(r.cameras) + (r.ok ? '' : ' (failed)'),
      r.cpu ? r.cpu.perCameraPct.toFixed(2) : 'n/a',
      r.cpu ? r.cpu.totalPct.toFixed(1) : 'n/a',
      r.memory ? r.memory.serverRssMB.toFixed(0) : 'n/a',
      r.memory ? `${r.memory.ffmpegRssMB.toFixed(0)} (${r.memory.ffmpegProcesses}×)` : 'n/a',
      fmtPair(r.playlist?.afterLastFrameMs, 1 / 1000),
      fmtPair(r.playlist?.keyframeToVisibleMs, 1 / 1000),
      fmtPair(h?.latencyMs, 1 / 1000),
      fmtPair(h?.receiptLatencyMs, 1 / 1000),
      r.cpu ? `${r.cpu.sourcePct.toFixed(1)} @ ${r.source.fpsDelivered ?? '?'} fps` : 'n/a',
      r.cpu ? r.cpu.otherPct.toFixed(1) : 'n/a',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  const out = [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)];

  out.push('');
  for (const r of results) {
    const bits: string[] = [];
    if (r.error) bits.push(`ERROR: ${r.error.split('\n')[0]}`);
    if (r.cpu) bits.push(`CPU: node ${r.cpu.nodeServerPct}% + ffmpeg ${r.cpu.ffmpegPct}% + tsx launcher ${r.cpu.launcherPct}%`);
    if (r.memory) bits.push(`ffmpeg PSS ${r.memory.ffmpegPssMB} MB`);
    if (r.playlist) {
      const pl = r.playlist;
      bits.push(
        `first-frame age p50/p95 by PDT ${fmtPair(pl.firstFrameAgeMs, 1 / 1000)} s, by receipt ${fmtPair(pl.receiptFirstFrameAgeMs, 1 / 1000)} s`,
        `PDT − receipt p50 ${fmtSec(pl.pdtOffsetMs.p50)} (min ${fmtSec(pl.pdtOffsetMs.min)}, max ${fmtSec(pl.pdtOffsetMs.max)})`,
        `${pl.segments} segments${pl.unmatchedSegments ? ` (${pl.unmatchedSegments} not matched to key frames)` : ''}`,
      );
      if (pl.camerasWithoutPdt.length) bits.push(`no PDT on ${pl.camerasWithoutPdt.length} camera(s)`);
    }
    if (r.hlsjs && 'error' in r.hlsjs) bits.push(`hls.js failed: ${r.hlsjs.error.split('\n')[0]}`);
    else if (r.hlsjs) {
      bits.push(
        `hls.js: playing after ${(r.hlsjs.timeToPlayingMs / 1000).toFixed(1)} s, dropped ${r.hlsjs.droppedFrames}/${r.hlsjs.totalFrames} frames, ` +
          `${r.hlsjs.waitingEvents} stall(s), hls.latency p50 ${fmtSec(r.hlsjs.hlsLatencyS.p50 === null ? null : r.hlsjs.hlsLatencyS.p50 * 1000)}`,
      );
    }
    bits.push(`online ${r.onlineBeforeWindow}/${r.cameras}`);
    if (r.ffmpegStartedDuringWindow) bits.push(`${r.ffmpegStartedDuringWindow} ffmpeg (re)started during the window`);
    if (r.attempts > 1) bits.push(`attempt ${r.attempts}`);
    out.push(`  N=${r.cameras}: ${bits.join('; ')}`);
  }
  const cores = cpus().length;
  out.push(
    '',
    `CPU: % of one core (this box: ${cores} cores = ${cores * 100}%), utime+stime from /proc of the server's whole tree (tsx launcher,`,
    `  node server, every ffmpeg) over a ${o.seconds} s window after ${o.warmup} s warm-up, nothing else running in the bench then.`,
    '  RSS: mean over that window; ffmpeg RSS is the sum over the N ffmpeg processes (shared pages counted N times; PSS above).',
    '¹ now − (EXT-X-PROGRAM-DATE-TIME + EXTINF) when a segment first appears in index.m3u8, polled every ~100 ms per camera',
    '  (so up to ~0.1 s is polling granularity), pooled over all cameras. The PDT is meant to be ffmpeg\'s wall clock at',
    '  receipt, which on loopback is within a few ms of the camera clock (GStreamer\'s clockoverlay stamps the same wall',
    '  clock). But ffmpeg\'s HLS muxer takes the wall clock once, when it starts, and then adds segment durations; it starts',
    '  after the input probe has buffered the first part of the stream, so the PDT runs ahead of the receipt clock by',
    '  "PDT − receipt" above, and PDT-based latencies come out too small (even negative) by that much.',
    '² the same without the PDT: now − arrival of the key frame that closes the segment, at the bench\'s own RTSP client on',
    '  the same shared stream (same instant as Watchpost\'s ffmpeg gets it; a segment\'s last frame arrives one frame earlier).',
    `³ Date.now() − hls.playingDate in Chromium (hls.js, liveSyncDurationCount 2), every 500 ms for ${o.hlsjsSeconds} s on cam-1;`,
    '  "receipt" adds cam-1\'s PDT − receipt offset measured at the same time: camera → frame at the playhead.',
    '⁴ the GStreamer RTSP server: one shared 1080p x264 encode fanned out to the N cameras and the bench\'s client; not',
    '  part of the Watchpost numbers. fps = frames per second the bench\'s client received in the window.',
    '⁵ machine busy time in the window not accounted to Watchpost, the source or the bench: other processes on the box.',
  );
  return out.join('\n');
}

function fmtSec(ms: number | null): string {
  return ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
}

function environment(): Record<string, unknown> {
  const cmd = (file: string, args: string[]) => {
    try {
      return execFileSync(file, args, { encoding: 'utf8', cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
    } catch {
      return null;
    }
  };
  const pkgVersion = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return null;
    }
  };
  return {
    cpu: cpus()[0]?.model ?? null,
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    ffmpeg: cmd('ffmpeg', ['-version']),
    gstreamer: cmd('gst-inspect-1.0', ['--version']),
    chromium: cmd('/usr/bin/chromium', ['--version']),
    hlsjs: pkgVersion('hls.js'),
    gitHead: cmd('git', ['rev-parse', '--short', 'HEAD']),
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2), process.env);
  const cleanup = new Cleanup();
  cleanup.installSignalHandlers(log);
  const startedAt = new Date();
  log(`counts ${o.counts.join(',')}, window ${o.seconds} s, warm-up ${o.warmup} s, ${o.width}x${o.height} @ ${o.fps} fps, ${o.bitrateKbps} kbit/s`);
  const results: CountResult[] = [];
  try {
    for (const n of o.counts) {
      for (let attempt = 1; ; attempt++) {
        try {
          results.push(await runCount(n, o, cleanup, attempt));
          break;
        } catch (e) {
          const partial = (e as { partial?: CountResult }).partial;
          log(`N=${n}: ${(e as Error).message}`);
          if (attempt >= 2 || !partial) {
            if (partial) results.push({ ...partial, error: (e as Error).message });
            else throw e;
            break;
          }
          log(`N=${n}: retrying once`);
        }
      }
    }
  } finally {
    await cleanup.runAll();
  }

  const outDir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `ingest-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const doc = {
    benchmark: 'ingest',
    startedAt: startedAt.toISOString(),
    durationSeconds: r1((Date.now() - startedAt.getTime()) / 1000),
    options: o,
    environment: environment(),
    notes: {
      cpu: '% of one core; utime+stime of the Watchpost tree (tsx launcher + node server + ffmpeg children, incl. reaped ones) over the window',
      source: 'one shared GStreamer mount; all cameras use the same URL (a ?query would create a separate encoder per camera)',
      playlistLatency: 'now − (PDT + EXTINF) / now − PDT when a segment first appears; PDT = ingest ffmpeg wall clock at receipt',
      keyframeToVisible: 'PDT-free check: arrival of the closing key frame at the bench\'s own RTSP client → segment listed',
      hlsjs: 'Date.now() − hls.playingDate every 500 ms on cam-1',
    },
    results,
  };
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write('\n' + table(results, o) + '\n\n');
  process.stdout.write(`results: ${file} (total ${doc.durationSeconds} s)\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[bench] ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
