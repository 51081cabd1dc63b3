/**
 * The matrix: per GOP one camera clock; per camera count one Watchpost; per path one Chromium page with
 * N players. Phases never overlap. The clock source keeps one RTSP client of the bench's own (primer.ts)
 * connected, so the shared media is prepared before Watchpost's N ffmpegs arrive and stays up between
 * servers (see primer.ts: many SETUPs on a media still being prepared can abort the GStreamer server).
 */
import type { Browser } from 'playwright-core';
import { startClockSource, type ClockSource } from '../clock/source.ts';
import type { Cleanup } from '../cleanup.ts';
import { startPrimer, type Primer } from '../../test/support/rtsp-primer.ts';
import { sleep } from '../stats.ts';
import { PATH_LABEL, type PathName } from './hls-config.ts';
import { startCpuWindow, type CpuWindow } from './cpu.ts';
import { log } from './log.ts';
import type { Options } from './options.ts';
import { measurePlayback, type PlaybackResult } from './players.ts';
import { startServer } from './server.ts';

export interface ConfigResult {
  cameras: number;
  gopSeconds: number;
  path: PathName;
  /** the long stall run */
  stallRun?: boolean;
  online: number;
  ok: boolean;
  error?: string;
  playback?: PlaybackResult;
  /** the same server with no player, just before: the ingest cost itself (same window for both paths) */
  ingestCpu?: CpuWindow;
  source: { fpsDelivered: number | null; alive: boolean };
}

interface Camera {
  clock: ClockSource;
  primer: Primer;
  stop(): Promise<void>;
}

async function startCamera(o: Options, gop: number, cleanup: Cleanup): Promise<Camera> {
  log(`GOP ${gop} s: starting the camera clock (${o.width}x${o.height} @ ${o.fps} fps, GOP ${Math.round(gop * o.fps)} frames, ${o.bitrateKbps} kbit/s)`);
  const clock = await startClockSource({ width: o.width, height: o.height, fps: o.fps, gop: Math.round(gop * o.fps), bitrateKbps: o.bitrateKbps });
  const stopClock = cleanup.add('clock source', () => clock.stop());
  const primer = startPrimer(clock.url);
  const stopPrimer = cleanup.add('primer', () => primer.stop());
  await primer.ready(15_000);
  await sleep(1000);
  return {
    clock,
    primer,
    stop: async () => {
      await stopPrimer();
      await stopClock();
    },
  };
}

/** One camera count on one camera clock: start Watchpost, play each path, stop. */
async function runCount(n: number, gop: number, paths: PathName[], cam: Camera, browser: Browser, o: Options, cleanup: Cleanup, long: boolean): Promise<ConfigResult[]> {
  const out: ConfigResult[] = [];
  const base = { cameras: n, gopSeconds: gop, online: 0, ok: false, ...(long ? { stallRun: true } : {}) };
  let server;
  try {
    log(`N=${n}, GOP ${gop} s: starting Watchpost`);
    server = await startServer(n, cam.clock.url, cleanup, o.verbose);
  } catch (e) {
    return paths.map((path) => ({ ...base, path, error: (e as Error).message, source: { fpsDelivered: null, alive: cam.clock.alive() } }));
  }
  try {
    await sleep(3000); // first segments and parts
    let ingestCpu: CpuWindow | undefined;
    if (o.idleSeconds > 0 && !long) {
      const end = startCpuWindow({ serverRoot: server.rootPid, sourcePid: cam.clock.process.pid!, chromiumPid: undefined, cameras: n, seen: server.remember });
      await sleep(o.idleSeconds * 1000);
      ingestCpu = end();
      log(`N=${n}, GOP ${gop} s, no players: server CPU ${ingestCpu.perCameraPct} %/cam (node ${ingestCpu.nodePct}, ffmpeg ${ingestCpu.ffmpegPct}), RSS ${ingestCpu.serverRssMB} MB, other ${ingestCpu.otherPct} %`);
    }
    for (const path of paths) {
      const seconds = long ? o.stallMinutes * 60 : o.seconds;
      log(`N=${n}, GOP ${gop} s, ${PATH_LABEL[path]}: ${n} player(s), settle ${o.settle} s, window ${seconds} s`);
      const f0 = cam.primer.frames();
      const t0 = Date.now();
      const r: ConfigResult = { ...base, path, online: server.online, ingestCpu, source: { fpsDelivered: null, alive: true } };
      try {
        r.playback = await measurePlayback({
          browser,
          server,
          sourcePid: cam.clock.process.pid!,
          path,
          settleSeconds: o.settle,
          seconds,
          progressEvery: long ? 60 : undefined,
          profile: o.profile,
          readback: o.readback,
          intercept: o.intercept,
        });
        r.ok = r.playback.playing === n && r.playback.g2gMs.n > 0;
        if (!r.ok) r.error = `${r.playback.playing}/${n} playing, ${r.playback.g2gMs.n} frames read`;
        const pb = r.playback;
        log(
          `  g2g p50 ${pb.g2gMs.p50} / p95 ${pb.g2gMs.p95} ms (${pb.g2gMs.n} frames, ${pb.framesUndecoded} unreadable), ${pb.stalls} stall(s), ` +
            `now − playingDate p50 ${pb.pdtLagMs.p50} ms, hls.latency p50 ${pb.hlsLatencyS.p50} s (target ${pb.targetLatencyS.p50} s), ` +
            `server CPU ${pb.cpu.perCameraPct} %/cam (node ${pb.cpu.nodePct}, ffmpeg ${pb.cpu.ffmpegPct}), RSS ${pb.cpu.serverRssMB} MB, ` +
            `Chromium ${pb.cpu.chromiumPct} %, source ${pb.cpu.sourcePct} %, other ${pb.cpu.otherPct} %, dropped ${pb.droppedFrames}/${pb.totalFrames}`,
        );
      } catch (e) {
        r.error = (e as Error).message;
        log(`  FAILED: ${r.error}`);
      }
      r.source = { fpsDelivered: Math.round(((cam.primer.frames() - f0) / ((Date.now() - t0) / 1000)) * 10) / 10, alive: cam.clock.alive() };
      out.push(r);
    }
  } finally {
    await server.stop();
  }
  return out;
}

export async function runMatrix(o: Options, browser: Browser, cleanup: Cleanup): Promise<ConfigResult[]> {
  const results: ConfigResult[] = [];
  if (!o.onlyStall) {
    for (const gop of o.gops) {
      const cam = await startCamera(o, gop, cleanup);
      try {
        for (const n of o.cameras) results.push(...(await runCount(n, gop, o.paths, cam, browser, o, cleanup, false)));
      } finally {
        await cam.stop();
      }
    }
  }
  if (o.stallMinutes > 0) {
    const gop = o.gops[0]!;
    const cam = await startCamera(o, gop, cleanup);
    try {
      log(`stall run: ${o.stallCameras} tiles, ${o.stallPath === 'll' ? 'LL-HLS (mux)' : 'LL-HLS over HTTP'}, GOP ${gop} s, ${o.stallMinutes} min`);
      results.push(...(await runCount(o.stallCameras, gop, [o.stallPath], cam, browser, o, cleanup, true)));
    } finally {
      await cam.stop();
    }
  }
  return results;
}
