/**
 * Node side of the glass-to-glass measurement: one Chromium page with N hls.js players (page.ts) on the
 * Watchpost server, a settle time, then a window in which every presented frame's glass-to-glass time,
 * the stalls and the CPU of everything are recorded.
 *
 * The page is a stub served at the server's origin (so the wp_session cookie applies to the HLS requests);
 * hls.js comes from node_modules (hls.min.js, the same release the console bundles), page.ts is bundled
 * with esbuild (vite's own bundler, already installed). Chromium has a dead proxy for everything but loopback;
 * no request is routed through Playwright unless --intercept (see openPage).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page as PwPage } from 'playwright-core';
import { REPO_ROOT } from '../../test/support/server.ts';
import { processTree } from '../proc.ts';
import { sleep, type Summary } from '../stats.ts';
import { summarizeMany as summarize } from './summary.ts';
import { startCpuWindow, type CpuWindow } from './cpu.ts';
import { HLS_CONFIGS, playlistUrl, type PathName } from './hls-config.ts';
import { log } from './log.ts';
import { profileText, startProfile, type ProfileResult } from './profile.ts';
import type { BenchApi, PlayerStats } from './page.ts';
import type { BenchServer } from './server.ts';

export const VIEWPORT = { width: 1280, height: 720 };

export interface PlaybackResult {
  players: number;
  playing: number;
  /** glass-to-glass, ms, pooled over all players' presented frames in the window */
  g2gMs: Summary;
  /** the worst player's p50 / p95 */
  worstPlayerP50Ms: number | null;
  worstPlayerP95Ms: number | null;
  /** hls.js BUFFER_STALLED_ERROR + video 'waiting', all players, in the window */
  stalls: number;
  bufferStalls: number;
  waiting: number;
  /** jumps back to the live edge by the console's catch-up (LL-HLS path), all players */
  jumps: number;
  framesPresented: number;
  framesUndecoded: number;
  droppedFrames: number;
  totalFrames: number;
  errors: string[];
  /** hls.js' latency estimate (live edge − playhead), s, every 500 ms per tile */
  hlsLatencyS: Summary;
  /** hls.targetLatency, s, every 500 ms per tile */
  targetLatencyS: Summary;
  /** Date.now() − hls.playingDate, ms, every 500 ms per tile: the playlist's PDT clock → playhead */
  pdtLagMs: Summary;
  cpu: CpuWindow;
  /** --profile: Chromium threads + main-thread JS profile over the window */
  profile?: ProfileResult;
  /** Resource Timing per kind of request (page.ts requests()): rate, queueing before the request was sent, total */
  requests?: Record<string, { perSecond: number; queueMs: Summary; totalMs: Summary }>;
  /** most requests on the wire at once, and for how long (ms) in the window */
  maxInFlight?: number;
  msAtMaxInFlight?: number;
}

let bundle: Promise<string> | undefined;
function pageBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    write: false,
  }).then((r) => r.outputFiles[0]!.text);
  return bundle;
}

/** Chromium's main process: the bench's child whose name starts with "chrom". */
export function chromiumPid(): number | undefined {
  return processTree(process.pid).find((p) => p.ppid === process.pid && p.comm.startsWith('chrom'))?.pid;
}

function tileSize(n: number): { w: number; h: number } {
  const cols = Math.ceil(Math.sqrt(n));
  const w = Math.floor(VIEWPORT.width / cols);
  return { w, h: Math.floor((w * 9) / 16) };
}

interface Page {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}
/** page.evaluate callbacks are serialised: each names the page's API itself, no closure */
type G = { __g2g: BenchApi };

type PlaybackOptions = {
  browser: Browser;
  server: BenchServer;
  sourcePid: number;
  path: PathName;
  settleSeconds: number;
  seconds: number;
  /** progress line every this many seconds (long runs) */
  progressEvery?: number;
  /** record a CPU profile over the window (profile.ts) */
  profile?: boolean;
  /** read the clock off 1 of every `readback` presented frames per tile (1 = every frame) */
  readback?: number;
  /** route every request through Playwright (the old page; see openPage) */
  intercept?: boolean;
};

/**
 * The stub page at the server's origin with hls.js and page.ts loaded. Without `intercept` the page is
 * written over /api/health (same origin, so the cookie applies; no CSP there) and no request is routed:
 * Playwright's page.route() pauses EVERY request of the page over CDP (Fetch domain) in Chromium's browser
 * process, which at 16 LL-HLS tiles (~160 requests/s) cost Chromium ~25 % of a core that the console does
 * not pay (--profile). Non-loopback addresses still fail at the dead proxy (test/support/browser.ts).
 * `intercept` (--intercept) keeps the old routed page: every non-server request aborted as well.
 */
async function openPage(context: BrowserContext, baseUrl: string, unminified: boolean, intercept: boolean): Promise<PwPage> {
  const page = await context.newPage();
  const html = '<!doctype html><html><body style="margin:0;background:#000;display:flex;flex-wrap:wrap;line-height:0"></body></html>';
  if (intercept) {
    await page.route('**/*', (route) => (route.request().url().startsWith(`${baseUrl}/`) ? route.fallback() : route.abort('blockedbyclient')));
    await page.route(`${baseUrl}/__g2g`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(`${baseUrl}/__g2g`);
  } else {
    await page.goto(`${baseUrl}/api/health`);
    await page.setContent(html);
  }
  await page.addScriptTag({ path: join(REPO_ROOT, 'node_modules', 'hls.js', 'dist', unminified ? 'hls.js' : 'hls.min.js') });
  await page.addScriptTag({ content: await pageBundle() });
  return page;
}

/** Wait out the window; on long runs, a progress line now and then. */
async function waitWindow(p: Page, seconds: number, progressEvery: number | undefined): Promise<void> {
  const stopAt = Date.now() + seconds * 1000;
  while (Date.now() < stopAt) {
    await sleep(Math.min(stopAt - Date.now(), (progressEvery ?? 3600) * 1000));
    if (!progressEvery || Date.now() >= stopAt) continue;
    const s = await p.evaluate(() => (globalThis as unknown as G).__g2g.stats(), null);
    const all = s.flatMap((x) => x.g2g);
    const st = s.reduce((a, x) => a + x.bufferStalls + x.waiting, 0);
    log(`  … ${Math.round(seconds - (stopAt - Date.now()) / 1000)} s: ${all.length} frames, p50 ${summarize(all).p50} ms, ${st} stall event(s)`);
  }
}

export async function measurePlayback(opts: PlaybackOptions): Promise<PlaybackResult> {
  const { server } = opts;
  const baseUrl = server.wp.url;
  const [name, ...rest] = server.cookie.split('=');
  const context = await opts.browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addCookies([{ name: name!, value: rest.join('='), url: baseUrl }]);
    const page = await openPage(context, baseUrl, opts.profile === true, opts.intercept === true);
    const p = page as unknown as Page;
    const srcs = server.cameraIds.map((id) => playlistUrl(baseUrl, id, opts.path));
    const tile = tileSize(srcs.length);
    await p.evaluate((a) => (globalThis as unknown as G).__g2g.start(a.srcs, a.cfg, a.w, a.h, a.rb), { srcs, cfg: HLS_CONFIGS[opts.path], w: tile.w, h: tile.h, rb: opts.readback ?? 1 });
    const playing = await p.evaluate((ms) => (globalThis as unknown as G).__g2g.allPlaying(ms), 30_000);
    if (playing < srcs.length) log(`only ${playing}/${srcs.length} players playing after 30 s`);
    await sleep(opts.settleSeconds * 1000);
    await p.evaluate(() => (globalThis as unknown as G).__g2g.reset(), null);
    const end = startCpuWindow({ serverRoot: server.rootPid, sourcePid: opts.sourcePid, chromiumPid: chromiumPid(), cameras: srcs.length, seen: server.remember });
    const prof = opts.profile ? await startProfile(page, chromiumPid()) : undefined;
    await waitWindow(p, opts.seconds, opts.progressEvery);
    const profile = await prof?.stop();
    const cpu = end();
    if (profile) log(profileText(opts.path, profile));
    const stats: PlayerStats[] = await p.evaluate(() => (globalThis as unknown as G).__g2g.stats(), null);
    const req = await p.evaluate(() => (globalThis as unknown as G).__g2g.requests(), null);
    const requests: PlaybackResult['requests'] = {};
    for (const [kind, v] of Object.entries(req.times)) requests[kind] = { perSecond: Math.round((v.totalMs.length / opts.seconds) * 10) / 10, queueMs: summarize(v.queueMs), totalMs: summarize(v.totalMs) };
    log(`  requests: at most ${req.concurrency.maxInFlight} on the wire at once (for ${req.concurrency.msAtMax} ms of ${opts.seconds * 1000}); ${Object.entries(requests).map(([k, v]) => `${k} ${v.perSecond}/s (queued p50 ${v.queueMs.p50} / p95 ${v.queueMs.p95} ms, total p50 ${v.totalMs.p50} / p95 ${v.totalMs.p95} ms)`).join('; ')}`);
    await p.evaluate(() => (globalThis as unknown as G).__g2g.stop(), null);
    return { ...summarizePlayers(stats, playing, cpu), requests, maxInFlight: req.concurrency.maxInFlight, msAtMaxInFlight: req.concurrency.msAtMax, ...(profile ? { profile } : {}) };
  } finally {
    await context.close().catch(() => undefined);
  }
}

function summarizePlayers(stats: PlayerStats[], playing: number, cpu: CpuWindow): PlaybackResult {
  const per = stats.map((s) => summarize(s.g2g));
  const worst = (k: 'p50' | 'p95') => {
    const v = per.map((s) => s[k]).filter((x): x is number => x !== null);
    return v.length ? Math.max(...v) : null;
  };
  const sum = (f: (s: PlayerStats) => number) => stats.reduce((a, s) => a + f(s), 0);
  return {
    players: stats.length,
    playing,
    g2gMs: summarize(stats.flatMap((s) => s.g2g)),
    worstPlayerP50Ms: worst('p50'),
    worstPlayerP95Ms: worst('p95'),
    stalls: sum((s) => s.bufferStalls + s.waiting),
    bufferStalls: sum((s) => s.bufferStalls),
    waiting: sum((s) => s.waiting),
    jumps: sum((s) => s.jumps),
    framesPresented: sum((s) => s.frames + s.skipped),
    framesUndecoded: sum((s) => s.undecoded),
    droppedFrames: sum((s) => s.dropped),
    totalFrames: sum((s) => s.total),
    errors: [...new Set(stats.flatMap((s) => s.errors))].slice(0, 10),
    hlsLatencyS: summarize(stats.flatMap((s) => s.hlsLatencyS)),
    targetLatencyS: summarize(stats.flatMap((s) => s.targetLatencyS)),
    pdtLagMs: summarize(stats.flatMap((s) => s.pdtLagMs)),
    cpu,
  };
}
