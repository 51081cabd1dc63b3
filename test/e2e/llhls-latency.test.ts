/**
 * LL-HLS in the console (issue I point 1): Debian's Chromium plays the single-camera view of a GStreamer
 * RTSP camera (1 s GOP) through hls.js in low-latency mode — parts and blocking playlist reloads on the
 * wire — and the measured latency stays under 1.5 s. Latency = browser clock − EXT-X-PROGRAM-DATE-TIME of
 * the frame on screen; the server stamps a part with the time its first frame reached ffmpeg, so this
 * counts ffmpeg's fragmenting, the server, the network and the player's buffer (not the camera's encoder
 * nor RTSP, which no LL-HLS server can see). Server and browser share one clock here.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { startWatchpost, type Watchpost } from '../support/server.ts';

/** what <wp-hls-video> exposes */
interface Probe {
  videoTimeMs: number | null;
  liveLatency: number | null;
}

describe('LL-HLS single view', () => {
  let rtsp: RtspServer;
  let wp: Watchpost;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    rtsp = await startRtspServer({ width: 640, height: 360, fps: 25 });
    wp = await startWatchpost({ configYaml: ['cameras:', `  - {id: gate, name: Gate, url: "${rtsp.url()}"}`].join('\n') });
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
    await ctx.addInitScript({ content: "localStorage.setItem('wp.lang', 'en')" });
    page = await ctx.newPage();
    page.on('request', (r) => {
      if (r.url().includes('/hls/')) requests.push(r.url().replace(wp.url, ''));
      // the same requests over the page's live multiplex (routes/hls-mux.ts): {requests: [{id, path}, …]}
      if (r.url().includes('/hls-mux/')) for (const m of (r.postData() ?? '').matchAll(/"path":"([^"]+)"/g)) requests.push(m[1]!);
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    await rtsp?.stop();
  });

  it('plays parts with blocking reload, under 1.5 s behind', async () => {
    await page.goto(`${wp.url}/camera/gate`);
    await page.waitForURL(/\/login/);
    await tid('login-username').fill('admin');
    await tid('login-password').fill(wp.adminPassword);
    await tid('login-submit').click();
    await page.waitForURL(/\/camera\/gate$/);
    const player = page.locator('[data-testid="camera-player"] wp-hls-video');
    await player.waitFor({ timeout: 30_000 });
    await expect.poll(() => player.evaluate((el) => (el as unknown as Probe).videoTimeMs), { timeout: 40_000, interval: 250 }).not.toBeNull();
    const lagOf = () => player.evaluate((el) => Date.now() - ((el as unknown as Probe).videoTimeMs ?? 0));
    const atStart = await lagOf();
    // hls.js starts on a key frame (up to one GOP further back), then catches up by playing faster
    await page.waitForTimeout(6000);
    const samples: { pdtLag: number; edge: number | null }[] = [];
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(300);
      samples.push(
        await player.evaluate((el) => ({
          pdtLag: Date.now() - ((el as unknown as Probe).videoTimeMs ?? 0),
          edge: (el as unknown as Probe).liveLatency,
        })),
      );
    }
    const lags = samples.map((s) => s.pdtLag).sort((a, b) => a - b);
    const median = lags[Math.floor(lags.length / 2)]!;
    console.log(
      'LL-HLS single view latency (ms, browser clock − PDT of the frame on screen):',
      `at the first frame ${atStart}; after 6 s: median ${median}, min ${lags[0]}, max ${lags.at(-1)};`,
      'hls.js live-edge latency (s):',
      samples.map((s) => s.edge?.toFixed(2)).join(' '),
    );
    // hls.js in low-latency mode: the ?ll=1 playlist, blocking reloads and parts
    expect(requests.some((u) => /index\.m3u8\?ll=1/.test(u))).toBe(true);
    expect(requests.some((u) => /_HLS_msn=\d+&_HLS_part=\d+|_HLS_part=\d+.*_HLS_msn=\d+/.test(u))).toBe(true);
    expect(requests.some((u) => /ll_p\d+\.m4s/.test(u))).toBe(true);
    expect(requests.some((u) => /seg_\d+\.ts/.test(u))).toBe(false);
    expect(lags[0]).toBeGreaterThan(0); // never "ahead": it is the video's own time
    expect(median).toBeLessThan(1500);
    expect(lags.at(-1)!).toBeLessThan(1500);
  }, 90_000);

  it('plays on after the camera drops (ffmpeg restarts: discontinuity, new init), back under 1.5 s', async () => {
    const player = page.locator('[data-testid="camera-player"] wp-hls-video');
    const videoTime = () => player.evaluate((el) => (el as unknown as Probe).videoTimeMs ?? 0);
    await rtsp.stop();
    await page.waitForTimeout(1000);
    await rtsp.restart();
    const t0 = Date.now();
    // playing again: the frame on screen is from after the restart
    await expect.poll(async () => (await videoTime()) > t0, { timeout: 40_000, interval: 250 }).toBe(true);
    const resumedMs = Date.now() - t0;
    await page.waitForTimeout(6000);
    const lags: number[] = [];
    for (let i = 0; i < 10; i++) {
      await page.waitForTimeout(300);
      lags.push(Date.now() - (await videoTime()));
    }
    lags.sort((a, b) => a - b);
    console.log(`after the camera came back: playing again ${resumedMs} ms later; latency (ms) median ${lags[5]}, max ${lags.at(-1)}`);
    expect(lags.at(-1)!).toBeLessThan(1500);
  }, 90_000);
  it('a picture that fell behind (a hiccup, or a tab frozen in the background) catches up to the live edge by itself', async () => {
    const player = page.locator('[data-testid="camera-player"] wp-hls-video');
    const lag = () => player.evaluate((el) => Date.now() - ((el as unknown as Probe).videoTimeMs ?? 0));
    // where this player sits when nothing happens: on a loaded CI box (the suites run side by side) that is more
    // than on a quiet one, and "caught up" means back there, not under a figure only a quiet box reaches
    const samples: number[] = [];
    for (let i = 0; i < 8; i++) {
      samples.push(await lag());
      await page.waitForTimeout(250);
    }
    const baseline = samples.sort((a, b) => a - b)[4]!;
    expect(baseline, 'a player that is not near the live edge to begin with has nothing to catch up to').toBeLessThan(3000);
    const limit = Math.max(1500, baseline + 700);
    console.log(`steady lag before the disturbances: ${baseline} ms; caught up = under ${limit} ms for 2 s`);
    const caughtUp = async (what: string, withinMs: number) => {
      const t0 = Date.now();
      // under the limit for 2 s in a row, within `withinMs`, with no reload of the page
      let since = 0;
      await expect
        .poll(
          async () => {
            const l = await lag();
            since = l < limit ? since || Date.now() : 0;
            return since > 0 && Date.now() - since >= 2000;
          },
          { timeout: withinMs, interval: 250 },
        )
        .toBe(true);
      console.log(`${what}: back under ${limit} ms behind ${since - t0} ms after it resumed`);
    };
    // 1. the picture falls 3 s behind (a decoder hiccup, a CPU spike): the playhead put back 3 s within the buffer.
    //    The buffer must reach 3 s back first (else the jump is clamped to its start and nothing falls behind), and
    //    the lag is taken from the jump itself: the player's catch-up may well be done before a later sample.
    const video = player.locator('video');
    type Media = { currentTime: number; buffered: { length: number; start(i: number): number } };
    await expect
      .poll(() => video.evaluate((v: Media) => (v.buffered.length ? v.currentTime - v.buffered.start(0) : 0)), { timeout: 30_000, interval: 250 })
      .toBeGreaterThan(3.2);
    const jumpedBack = await video.evaluate((v: Media) => {
      const from = v.currentTime;
      v.currentTime = from - 3;
      return from - v.currentTime;
    });
    expect(jumpedBack, 'the playhead went 3 s back').toBeGreaterThan(2.9);
    const behind = baseline + Math.round(jumpedBack * 1000);
    await caughtUp(`fell ${behind} ms behind`, 25_000);
    // 2. the page frozen for 6 s, as Chromium freezes a tab in the background (headless Chromium may keep the
    //    media playing meanwhile; on a loaded box its requests may time out while frozen, and the player's stall
    //    watchdog (10 s) reloads it: within 45 s either way)
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await new Promise((r) => setTimeout(r, 6000));
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    console.log(`right after the freeze: ${await lag()} ms behind`);
    await caughtUp('frozen 6 s', 45_000);
    await cdp.detach();
  }, 120_000);
});
