/**
 * Runs inside Chromium (bundled by players.ts with esbuild, hls.js loaded before it as a script tag):
 * N hls.js players in a grid, and for every presented frame (requestVideoFrameCallback) the camera clock
 * read off the picture.
 *
 * Glass-to-glass for one frame = wall-clock time the frame is presented − capture time drawn into it.
 * Presented: performance.timeOrigin + metadata.expectedDisplayTime (the compositor's estimate of when the
 * frame reaches the screen; the callback's `now` is used if it is missing), corrected by the drift between
 * that clock and Date.now() (measured each second), since the camera wrote Date-based ms. Same machine,
 * same clock.
 *
 * The tsconfig has no DOM lib: only the members used here are declared.
 */
import { CLOCK_COLS, CLOCK_ROWS, decodeClock } from '../clock/code.ts';
import { justInTimePlaylistLoader } from '../../web/src/controllers/jit-playlist-loader.ts';
import { MuxChannel, muxLoader } from '../../web/src/controllers/hls-mux.ts';

/** the page's live multiplex (config `mux: true`), one for all players as in the console */
let pageMux: MuxChannel | undefined;

interface FrameMeta {
  expectedDisplayTime?: number;
  presentationTime?: number;
  width: number;
  height: number;
}
interface Video {
  muted: boolean;
  autoplay: boolean;
  playsInline: boolean;
  width: number;
  height: number;
  paused: boolean;
  seeking: boolean;
  currentTime: number;
  videoWidth: number;
  play(): Promise<void>;
  addEventListener(type: string, cb: () => void, opts?: { once?: boolean }): void;
  requestVideoFrameCallback(cb: (now: number, meta: FrameMeta) => void): number;
  getVideoPlaybackQuality(): { droppedVideoFrames: number; totalVideoFrames: number };
}
interface Ctx2D {
  imageSmoothingEnabled: boolean;
  drawImage(v: Video, sx: number, sy: number, sw: number, sh: number, dx: number, dy: number, dw: number, dh: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d', opts: { willReadFrequently: boolean }): Ctx2D | null;
}
interface Doc {
  createElement(tag: 'video'): Video;
  createElement(tag: 'canvas'): Canvas;
  body: { appendChild(el: unknown): void };
}
type Listener = (ev: string, data: { fatal?: boolean; type?: string; details?: string }) => void;
interface HlsInstance {
  loadSource(src: string): void;
  attachMedia(v: Video): void;
  on(ev: string, cb: Listener): void;
  destroy(): void;
  readonly latency: number;
  readonly targetLatency: number | null;
  readonly liveSyncPosition: number | null;
  readonly playingDate: Date | null;
}
interface HlsStatic {
  new (cfg: Record<string, unknown>): HlsInstance;
  DefaultConfig: { loader: unknown };
  Events: Record<string, string>;
  isSupported(): boolean;
}

export interface PlayerStats {
  src: string;
  playing: boolean;
  /** glass-to-glass samples, ms (since the last reset) */
  g2g: number[];
  /** frames presented (rVFC) and read */
  frames: number;
  /** frames presented but not read (--readback N) */
  skipped: number;
  undecoded: number;
  /** hls.js BUFFER_STALLED_ERROR while playing */
  bufferStalls: number;
  /** video 'waiting' after playback started */
  waiting: number;
  errors: string[];
  dropped: number;
  total: number;
  /** every 500 ms: hls.js' own latency estimate (live edge − playhead), s */
  hlsLatencyS: number[];
  /** every 500 ms: hls.targetLatency (PART-HOLD-BACK, + liveSyncOnStallIncrease per stall), s */
  targetLatencyS: number[];
  /** every 500 ms: Date.now() − hls.playingDate (the playlist's PDT clock at the playhead), ms */
  pdtLagMs: number[];
  /** jumps to the live edge (the console's catch-up, LL-HLS path) */
  jumps: number;
}

export interface RequestTimes {
  /** kind = playlist | part | segment | init | other */
  [kind: string]: { queueMs: number[]; totalMs: number[] };
}
/** most requests of the page on the wire at once ([requestStart, responseEnd] overlapping): 6 = Chromium's HTTP/1.1 limit per host */
export interface RequestConcurrency { maxInFlight: number; msAtMax: number }

export interface BenchApi {
  /** readback: read the clock off 1 of every `readback` presented frames per tile */
  start(srcs: string[], config: Record<string, unknown>, tileW: number, tileH: number, readback: number): void;
  /** Promise of the number of players playing once all are (or the timeout hit) */
  allPlaying(timeoutMs: number): Promise<number>;
  reset(): void;
  stats(): PlayerStats[];
  /** Resource Timing of the page's requests since the last reset: queueing (startTime → requestStart: waiting
   * for one of Chromium's 6 HTTP/1.1 sockets per host, among others) and total time, ms, by kind */
  requests(): { times: RequestTimes; concurrency: RequestConcurrency };
  stop(): void;
}

interface ResourceEntry { name: string; startTime: number; requestStart: number; responseEnd: number }
const g = globalThis as unknown as {
  document: Doc;
  Hls: HlsStatic;
  performance: { timeOrigin: number; now(): number; getEntriesByType(t: 'resource'): ResourceEntry[]; clearResourceTimings(): void; setResourceTimingBufferSize(n: number): void };
  __g2g?: BenchApi;
};

interface Player {
  hls: HlsInstance;
  video: Video;
  stats: PlayerStats;
  dropped0: number;
  total0: number;
}

const players: Player[] = [];
let drift = 0; // Date.now() − (timeOrigin + performance.now())
let driftTimer: ReturnType<typeof setInterval> | undefined;
let sampleTimer: ReturnType<typeof setInterval> | undefined;
let jumpTimer: ReturnType<typeof setInterval> | undefined;
/** what the console's player does every 2 s (web/src/controllers/hls-controller.ts, catchUp / JUMP_BEHIND_S) */
const JUMP_BEHIND_S = 1.5;
const catchUp = () => {
  for (const { hls, video, stats } of players) {
    const target = hls.targetLatency ?? 0;
    const live = hls.liveSyncPosition;
    if (video.paused || video.seeking || !Number.isFinite(hls.latency) || live === null) continue;
    if (hls.latency > target + JUMP_BEHIND_S && live > video.currentTime) {
      video.currentTime = live;
      stats.jumps++;
    }
  }
};
const measureDrift = () => {
  drift = Date.now() - (g.performance.timeOrigin + g.performance.now());
};
const samplePlayers = () => {
  for (const p of players) {
    if (!p.stats.playing) continue;
    if (Number.isFinite(p.hls.latency)) p.stats.hlsLatencyS.push(p.hls.latency);
    const target = p.hls.targetLatency;
    if (typeof target === 'number' && Number.isFinite(target)) p.stats.targetLatencyS.push(target);
    const d = p.hls.playingDate;
    if (d) p.stats.pdtLagMs.push(Date.now() - d.getTime());
  }
};

function watchFrames(p: Player, ctx: Ctx2D, cw: number, ch: number, readback: number): void {
  let seen = 0;
  const onFrame = (now: number, meta: FrameMeta) => {
    if (!players.includes(p)) return;
    if (seen++ % readback !== 0) {
      p.stats.skipped++;
      p.video.requestVideoFrameCallback(onFrame);
      return;
    }
    const shown = g.performance.timeOrigin + (meta.expectedDisplayTime ?? now) + drift;
    const w = meta.width || p.video.videoWidth;
    if (w > 0) {
      // the code's rows only, shrunk to 4×4 px per block (block centres stay inside their blocks)
      const block = w / CLOCK_COLS;
      ctx.drawImage(p.video, 0, 0, w, block * CLOCK_ROWS, 0, 0, cw, ch);
      const px = ctx.getImageData(0, 0, cw, ch).data;
      const sx = cw / w;
      const luma = (x: number, y: number) => {
        const i = (Math.floor(y * sx) * cw + Math.floor(x * sx)) * 4;
        return 0.299 * px[i]! + 0.587 * px[i + 1]! + 0.114 * px[i + 2]!;
      };
      const captured = decodeClock(luma, w, Date.now());
      p.stats.frames++;
      if (captured === null) p.stats.undecoded++;
      else if (p.stats.playing) p.stats.g2g.push(shown - captured);
    }
    p.video.requestVideoFrameCallback(onFrame);
  };
  p.video.requestVideoFrameCallback(onFrame);
}

const api: BenchApi = {
  start(srcs, config, tileW, tileH, readback) {
    measureDrift();
    driftTimer = setInterval(measureDrift, 1000);
    sampleTimer = setInterval(samplePlayers, 500);
    // the console jumps a live tile that fell far behind back to the live edge (LL-HLS path; plain HLS had
    // hls.js' own liveMaxLatencyDurationCount for that)
    if (config.lowLatencyMode === true) jumpTimer = setInterval(catchUp, 2000);
    const { Hls } = g;
    if (!Hls.isSupported()) throw new Error('hls.js: MSE not supported');
    const cw = CLOCK_COLS * 4;
    const ch = CLOCK_ROWS * 4;
    for (const src of srcs) {
      const video = g.document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      video.playsInline = true;
      video.width = tileW;
      video.height = tileH;
      g.document.body.appendChild(video);
      const canvas = g.document.createElement('canvas');
      canvas.width = cw;
      canvas.height = ch;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.imageSmoothingEnabled = true;
      const { jitReloadMarginMs, jitMinPlayers, mux, ...rest } = config;
      // as the console (hls-controller.ts): with the multiplex, the reload timing only while its channel is down
      const mc = mux === true ? (pageMux ??= new MuxChannel()) : undefined;
      const crowded = () => players.length >= (typeof jitMinPlayers === 'number' ? jitMinPlayers : 0) && mc?.state !== 'open';
      const base = mc ? muxLoader(Hls.DefaultConfig.loader as never, () => mc) : (Hls.DefaultConfig.loader as never);
      const hls = new Hls({ ...rest, ...(mc ? { fLoader: base } : {}), ...(typeof jitReloadMarginMs === 'number' ? { pLoader: justInTimePlaylistLoader(base as never, jitReloadMarginMs, crowded) } : mc ? { pLoader: base } : {}) });
      const stats: PlayerStats = { src, playing: false, g2g: [], frames: 0, skipped: 0, undecoded: 0, bufferStalls: 0, waiting: 0, errors: [], dropped: 0, total: 0, hlsLatencyS: [], targetLatencyS: [], pdtLagMs: [], jumps: 0 };
      const p: Player = { hls, video, stats, dropped0: 0, total0: 0 };
      players.push(p);
      hls.on(Hls.Events.ERROR!, (_e, d) => {
        if (d.details === 'bufferStalledError') {
          if (stats.playing) stats.bufferStalls++;
        } else if (stats.errors.length < 20) stats.errors.push(`${d.fatal ? 'FATAL ' : ''}${d.type}/${d.details}`);
      });
      hls.on(Hls.Events.MANIFEST_PARSED!, () => void video.play().catch(() => undefined));
      video.addEventListener(
        'playing',
        () => {
          stats.playing = true;
          video.addEventListener('waiting', () => stats.waiting++);
        },
        { once: true },
      );
      hls.loadSource(src);
      hls.attachMedia(video);
      watchFrames(p, ctx, cw, ch, Math.max(1, Math.floor(readback)));
    }
  },
  async allPlaying(timeoutMs) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end && players.some((p) => !p.stats.playing)) await new Promise((r) => setTimeout(r, 200));
    return players.filter((p) => p.stats.playing).length;
  },
  reset() {
    g.performance.setResourceTimingBufferSize(1_000_000);
    g.performance.clearResourceTimings();
    for (const p of players) {
      const q = p.video.getVideoPlaybackQuality();
      p.dropped0 = q.droppedVideoFrames;
      p.total0 = q.totalVideoFrames;
      Object.assign(p.stats, { g2g: [], frames: 0, skipped: 0, undecoded: 0, bufferStalls: 0, waiting: 0, errors: [], hlsLatencyS: [], targetLatencyS: [], pdtLagMs: [], jumps: 0 });
    }
  },
  stats() {
    return players.map((p) => {
      const q = p.video.getVideoPlaybackQuality();
      return { ...p.stats, dropped: q.droppedVideoFrames - p.dropped0, total: q.totalVideoFrames - p.total0 };
    });
  },
  requests() {
    const out: RequestTimes = {};
    const edges: [number, number][] = [];
    for (const e of g.performance.getEntriesByType('resource')) {
      if (e.requestStart > 0) edges.push([e.requestStart, 1], [e.responseEnd, -1]);
      const file = e.name.split('?')[0]!.split('/').pop() ?? '';
      const kind = /\/hls-mux\/[0-9a-f]+$/.test(e.name.split('?')[0]!) ? 'mux-request' : file.endsWith('.m3u8') ? 'playlist' : /^ll_p\d+/.test(file) ? 'part' : /init/.test(file) ? 'init' : /\.(m4s|ts|mp4)$/.test(file) ? 'segment' : 'other';
      const k = (out[kind] ??= { queueMs: [], totalMs: [] });
      if (e.requestStart > 0) k.queueMs.push(e.requestStart - e.startTime);
      k.totalMs.push(e.responseEnd - e.startTime);
    }
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let n = 0;
    let max = 0;
    let atMax = 0;
    for (let i = 0; i < edges.length; i++) {
      n += edges[i]![1];
      if (n > max) [max, atMax] = [n, 0];
      if (n === max && i + 1 < edges.length) atMax += edges[i + 1]![0] - edges[i]![0];
    }
    return { times: out, concurrency: { maxInFlight: max, msAtMax: Math.round(atMax) } };
  },
  stop() {
    clearInterval(driftTimer);
    clearInterval(sampleTimer);
    clearInterval(jumpTimer);
    for (const p of players.splice(0)) p.hls.destroy();
    pageMux?.cut();
    pageMux = undefined;
  },
};
g.__g2g = api;
