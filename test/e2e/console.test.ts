/**
 * Browser e2e of the web console against the real server (4 demo cameras) in Debian's Chromium:
 * login → live wall (4 tiles whose videos advance) → single camera → kiosk wall that reconnects by
 * itself after a server restart and survives a reload. Only 127.0.0.1 is contacted.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWatchpost } from '../support/server.ts';
import { launchChromium } from '../support/browser.ts';

type Watchpost = Awaited<ReturnType<typeof startWatchpost>>;

/** currentTime of every <video> matched by `videos`. */
function currentTimes(videos: Locator): Promise<number[]> {
  return videos.evaluateAll((els) => els.map((v) => (v as unknown as { currentTime: number }).currentTime));
}

/** How many of the matched videos play: their currentTime grows over ~1.5 s. */
async function advancing(page: Page, videos: Locator): Promise<number> {
  const before = await currentTimes(videos);
  await page.waitForTimeout(1500);
  const after = await currentTimes(videos);
  return after.filter((t, i) => before[i] !== undefined && t > before[i]! + 0.3).length;
}

const indicator = (page: Page) => page.locator('[data-testid="connection-indicator"]');

describe('web console', () => {
  let wp: Watchpost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    wp = await startWatchpost();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  it('logs in and lands on a live wall of 4 tiles', async () => {
    await page.goto(`${wp.url}/wall`);
    await page.waitForURL(/\/login\?next=/);
    await page.locator('[data-testid="login-username"]').fill('admin');
    await page.locator('[data-testid="login-password"]').fill('not the password');
    await page.locator('[data-testid="login-submit"]').click();
    await expect.poll(() => page.locator('[data-testid="login-error"]').count()).toBe(1);

    await page.locator('[data-testid="login-password"]').fill(wp.adminPassword);
    await page.locator('[data-testid="login-submit"]').click();
    await page.waitForURL(/\/wall/);

    const tiles = page.locator('[data-testid="tile"]');
    await expect.poll(() => tiles.count(), { timeout: 15_000 }).toBe(4);
    await expect
      .poll(() => page.locator('[data-testid="tile"] [data-testid="status-badge"][data-status="online"]').count(), {
        timeout: 60_000,
        interval: 500,
      })
      .toBe(4);
    const videos = page.locator('[data-testid="tile"] video[data-testid="tile-video"]');
    await expect.poll(() => advancing(page, videos), { timeout: 60_000, interval: 200 }).toBe(4);
    expect(await indicator(page).getAttribute('data-state')).toBe('connected');
  });

  it('opens a single camera and goes back', async () => {
    const first = page.locator('[data-testid="tile"]').first();
    const id = await first.getAttribute('data-camera-id');
    await first.click();
    await page.waitForURL(new RegExp(`/camera/${id}$`));
    const video = page.locator('video[data-testid="camera-video"]');
    await expect.poll(() => advancing(page, video), { timeout: 30_000, interval: 200 }).toBe(1);
    await page.locator('[data-testid="back-button"]').click();
    await page.waitForURL(/\/wall/);
    await expect.poll(() => page.locator('[data-testid="tile"]').count()).toBe(4);
  });

  it('kiosk wall reconnects by itself after a server restart and survives a reload', async () => {
    await page.goto(`${wp.url}/wall?kiosk=1&layout=4`);
    const videos = page.locator('[data-testid="tile"] video[data-testid="tile-video"]');
    await expect.poll(() => advancing(page, videos), { timeout: 60_000, interval: 200 }).toBe(4);
    await expect.poll(() => indicator(page).getAttribute('data-state')).toBe('connected');
    expect(await page.locator('wp-top-bar').count()).toBe(0); // no navigation chrome

    // Record every state the indicator goes through while the server restarts.
    await page.evaluate(`(() => {
      window.__wpStates = [];
      const find = () => document.querySelector('wp-app')?.shadowRoot
        ?.querySelector('wp-wall-page')?.shadowRoot?.querySelector('[data-testid="connection-indicator"]');
      setInterval(() => {
        const s = find()?.getAttribute('data-state');
        if (s && window.__wpStates[window.__wpStates.length - 1] !== s) window.__wpStates.push(s);
      }, 50);
    })()`);

    await wp.restart();

    await expect.poll(() => page.evaluate('window.__wpStates'), { timeout: 60_000 }).toContain('reconnecting');
    await expect.poll(() => indicator(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await expect.poll(() => advancing(page, videos), { timeout: 90_000, interval: 200 }).toBe(4);
    expect(page.url()).toContain('kiosk=1');

    await page.reload();
    await expect.poll(() => page.locator('[data-testid="tile"]').count(), { timeout: 15_000 }).toBe(4);
    await expect.poll(() => advancing(page, videos), { timeout: 60_000, interval: 200 }).toBe(4);
    expect(page.url()).toContain('kiosk=1');
  });
});
