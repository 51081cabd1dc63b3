/**
 * Player latency in Debian's Chromium with hls.js: Date.now() − hls.playingDate, i.e. how far
 * behind the segment's EXT-X-PROGRAM-DATE-TIME clock the frame on screen is.
 *
 * The page does not use the console's UI: a stub page is served at the server's origin (so the
 * wp_session cookie applies to the HLS requests) and hls.js is injected from node_modules.
 * Every request that does not go to the Watchpost server is aborted, and Chromium gets a dead
 * proxy for everything but loopback, so nothing leaves 127.0.0.1.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/browser.ts';
import { sleep } from './stats.ts';


export interface HlsJsResult {
  /** Date.now() − playingDate, ms, one per sample */
  latencyMs: number[];
  /** hls.js' own estimate (live edge − currentTime), seconds */
  hlsLatencyS: number[];
  samples: number;
  nullSamples: number;
  timeToPlayingMs: number;
  droppedFrames: number | null;
  totalFrames: number | null;
  waitingEvents: number;
  errors: string[];
}

/** What the page-side code sees; the tsconfig has no DOM lib, so only the few members we use. */
interface VideoLike {
  play(): Promise<void>;
  addEventListener(type: string, cb: () => void, opts?: { once?: boolean }): void;
  getVideoPlaybackQuality?(): { droppedVideoFrames: number; totalVideoFrames: number };
}
interface HlsLike {
  loadSource(src: string): void;
  attachMedia(v: VideoLike): void;
  on(ev: string, cb: (ev: string, data: { fatal?: boolean; type?: string; details?: string }) => void): void;
  readonly playingDate: Date | null;
  readonly latency: number;
  destroy(): void;
}
interface PageGlobal {
  document: { querySelector(sel: string): VideoLike | null };
  Hls: { new (cfg: Record<string, unknown>): HlsLike; Events: Record<string, string>; isSupported(): boolean };
  __bench?: { hls: HlsLike; video: VideoLike; errors: string[]; waiting: number };
}

export { launchChromium };

export async function measureHlsJs(opts: {
  browser: Browser;
  baseUrl: string;
  cookie: string;
  cameraId: string;
  repoRoot: string;
  seconds: number;
  /** play this long before sampling */
  settleMs?: number;
}): Promise<HlsJsResult> {
  const { browser, baseUrl } = opts;
  const [name, ...rest] = opts.cookie.split('=');
  const context = await browser.newContext();
  try {
    await context.addCookies([{ name: name!, value: rest.join('='), url: baseUrl }]);
    const page = await context.newPage();
    // later routes win: the guard runs for everything the stub route does not take
    await page.route('**/*', (route) =>
      route.request().url().startsWith(`${baseUrl}/`) ? route.fallback() : route.abort('blockedbyclient'),
    );
    await page.route(`${baseUrl}/__bench`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><html><body style="margin:0;background:#000"><video muted autoplay playsinline width="960" height="540"></video></body></html>',
      }),
    );
    await page.goto(`${baseUrl}/__bench`);
    await page.addScriptTag({ path: join(opts.repoRoot, 'node_modules', 'hls.js', 'dist', 'hls.min.js') });

    const t0 = Date.now();
    await page.evaluate(
      ({ src }) =>
        new Promise<void>((resolve, reject) => {
          const g = globalThis as unknown as PageGlobal;
          const video = g.document.querySelector('video')!;
          if (!g.Hls.isSupported()) return reject(new Error('hls.js: MSE not supported'));
          const hls = new g.Hls({ liveSyncDurationCount: 2, lowLatencyMode: false });
          const state = { hls, video, errors: [] as string[], waiting: 0 };
          g.__bench = state;
          const timer = setTimeout(() => reject(new Error(`no 'playing' in 30 s; errors: ${state.errors.join('; ')}`)), 30_000);
          hls.on(g.Hls.Events.ERROR!, (_e, d) => {
            state.errors.push(`${d.fatal ? 'FATAL ' : ''}${d.type}/${d.details}`);
            if (d.fatal) {
              clearTimeout(timer);
              reject(new Error(`hls.js fatal error ${d.type}/${d.details}`));
            }
          });
          video.addEventListener(
            'playing',
            () => {
              clearTimeout(timer);
              // stalls after playback started (the start itself fires one 'waiting')
              video.addEventListener('waiting', () => state.waiting++);
              resolve();
            },
            { once: true },
          );
          hls.loadSource(src);
          hls.attachMedia(video);
          video.play().catch(() => undefined);
        }),
      { src: `${baseUrl}/hls/${encodeURIComponent(opts.cameraId)}/index.m3u8` },
    );
    const timeToPlayingMs = Date.now() - t0;
    await sleep(opts.settleMs ?? 2000);

    const latencyMs: number[] = [];
    const hlsLatencyS: number[] = [];
    let samples = 0;
    let nullSamples = 0;
    const end = Date.now() + opts.seconds * 1000;
    while (Date.now() < end) {
      const tick = Date.now();
      const s = await page.evaluate(() => {
        const b = (globalThis as unknown as PageGlobal).__bench!;
        const d = b.hls.playingDate;
        return { lag: d ? Date.now() - d.getTime() : null, hlsLatency: b.hls.latency };
      });
      samples++;
      if (s.lag === null) nullSamples++;
      else latencyMs.push(s.lag);
      if (Number.isFinite(s.hlsLatency)) hlsLatencyS.push(s.hlsLatency);
      await sleep(Math.max(0, 500 - (Date.now() - tick)));
    }
    const fin = await page.evaluate(() => {
      const b = (globalThis as unknown as PageGlobal).__bench!;
      const q = b.video.getVideoPlaybackQuality?.();
      const out = {
        dropped: q ? q.droppedVideoFrames : null,
        total: q ? q.totalVideoFrames : null,
        waiting: b.waiting,
        errors: b.errors.slice(0, 20),
      };
      b.hls.destroy();
      return out;
    });
    return {
      latencyMs,
      hlsLatencyS,
      samples,
      nullSamples,
      timeToPlayingMs,
      droppedFrames: fin.dropped,
      totalFrames: fin.total,
      waitingEvents: fin.waiting,
      errors: fin.errors,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}
