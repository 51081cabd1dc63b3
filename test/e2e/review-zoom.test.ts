/**
 * Browser e2e of the digital zoom on recorded footage (issue K) in Debian's Chromium against the real server
 * recording the GStreamer RTSP test camera: on /review the wheel zooms the recorded video around the pointer
 * (the stage's transform, the video's on-screen size, the level shown), the footage keeps playing while zoomed,
 * drag pans, the reset button and a double click return to 1×, a pinch zooms, and another camera comes up at 1×.
 * Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dragResetDoubleClick, pinchThenReset, wheelAroundPointer, zoomMatrix } from '../support/zoom.ts';
import { launchChromium } from '../support/browser.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let rtsp: RtspServer;
let wp: Watchpost;
let browser: Browser;
let page: Page;
let start = 0;
const pageErrors: string[] = [];
const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['cam', 'side'] });
  wp = await startWatchpost({
    configYaml: [
      'storage: {segmentSeconds: 2}',
      'cameras:',
      `  - {id: gate, name: "Gate", url: "${rtsp.url('cam')}"}`,
      `  - {id: side, name: "Side door", url: "${rtsp.url('side')}"}`,
    ].join('\n'),
  });
  const cookie = await login(wp.url, 'admin', wp.adminPassword);
  // ~10 s of footage of the gate camera
  for (let i = 0; i < 60 && !start; i++) {
    const res = await fetch(`${wp.url}/api/cameras/gate/timeline?from=${Date.now() - 120_000}&to=${Date.now()}`, { headers: { cookie } });
    const r = ((await res.json()) as { ranges: { start: number; end: number }[] }).ranges[0];
    if (r && r.end - r.start >= 10_000) start = r.start;
    else await new Promise((res) => setTimeout(res, 1000));
  }
  expect(start).toBeGreaterThan(0);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: wp.url }]);
  await context.addInitScript("localStorage.setItem('wp.lang', 'en')");
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await wp?.dispose();
  await rtsp?.stop();
});

describe('digital zoom on recorded footage (issue K)', () => {
  const player = () => page.locator('wp-recorded-player').first();
  const view = () => player().locator('[data-testid="zoom-view"]');
  const video = () => player().locator('video[data-testid="recorded-video"]');
  const time = () => video().evaluate((v) => (v as unknown as { currentTime: number }).currentTime);
  const matrix = () => zoomMatrix(player().locator('[data-testid="zoom-stage"]'))();

  it('wheel zooms the recorded video around the pointer, it plays on, drag pans, reset and double click return to 1×, pinch zooms', async () => {
    await page.goto(`${wp.url}/review/gate?t=${start + 1000}`);
    await expect.poll(async () => (await time()) > 0 && (await video().evaluate((v) => !(v as unknown as { paused: boolean }).paused)), { timeout: 20_000 }).toBe(true);
    expect((await matrix()).a).toBe(1);
    expect(await page.locator('[data-testid="zoom-level"]').count()).toBe(0);
    const box = (await view().boundingBox())!;
    expect(box.width).toBeGreaterThan(100);
    expect(box.height).toBeGreaterThan(100);
    const m = await wheelAroundPointer(page, box, matrix);
    // the video itself is drawn larger than the view
    const vbox = (await video().boundingBox())!;
    expect(near(vbox.width, box.width * m.a, 2), `${vbox.width} vs ${box.width}×${m.a}`).toBe(true);
    // the footage goes on playing while zoomed
    const t0 = await time();
    await expect.poll(time, { timeout: 10_000 }).toBeGreaterThan(t0 + 1);
    expect((await matrix()).a).toBe(m.a);
    await dragResetDoubleClick(page, box, matrix, 40, 20);
    expect(page.url()).toContain('/review/gate');
    await pinchThenReset(page, box, matrix);
    expect(pageErrors).toEqual([]);
  });

  it('another camera comes up at 1×', async () => {
    const box = (await view().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(async () => (await matrix()).a).toBeGreaterThan(1.5);
    await page.locator('[data-testid="review-camera"]').selectOption('side');
    await page.waitForURL(/\/review\/side\?t=\d+/);
    await expect.poll(() => video().getAttribute('data-camera-id')).toBe('side');
    await expect.poll(async () => (await matrix()).a).toBe(1);
    expect(await page.locator('[data-testid="zoom-level"]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
