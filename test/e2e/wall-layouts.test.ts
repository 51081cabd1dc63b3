/**
 * The wall of issue K in Debian's Chromium against the real server (4 demo cameras): the layouts 1/4/6/8/9/16/25
 * with the right number of tiles in the right geometry (the large tile of 6 is 2×2 small ones, of 8 3×3), each
 * tile keeping 16:9, its status badge and clock; the layout remembered; a double click swapping a small tile into
 * the large one (remembered too); `?` opening the keyboard help and Esc closing it, in English and in zh-CN (no
 * Latin word outside the key caps); arrow keys and digits; digital zoom on the single camera (wheel around the
 * pointer, drag, double click / reset). One server and one browser for the whole file. Only 127.0.0.1 is contacted.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dragResetDoubleClick, pinchThenReset, wheelAroundPointer, zoomMatrix } from '../support/zoom.ts';
import { launchChromium } from '../support/browser.ts';
import { openConsole } from '../support/console.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const near = (a: number, b: number, tol = 3) => Math.abs(a - b) <= tol;

async function boxes(loc: Locator): Promise<Box[]> {
  return loc.evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

const inside = (inner: Box, outer: Box) =>
  inner.width > 0 && inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;

describe('wall layouts, swap, keyboard help, digital zoom (issue K)', () => {
  let wp: Watchpost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function openPage(lang: 'en' | 'zh-CN'): Promise<Page> {
    const cookie = await login(wp.url, 'admin', wp.adminPassword);
    // every layout with all its tiles: "fit to cameras" (wall-tour.test.ts) off for these 4 demo cameras
    const { context, page } = await openConsole(browser, wp, { cookie, lang, viewport: { width: 1280, height: 800 }, storage: { 'wp.wall.fit': '0' }, errors: pageErrors });
    contexts.push(context);
    return page;
  }

  let page: Page;
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  const slots = () => page.locator('wp-camera-tile[data-slot]');
  const slot0Camera = () => page.locator('wp-camera-tile[data-slot="0"]').getAttribute('data-camera-id');

  beforeAll(async () => {
    wp = await startWatchpost();
    browser = await launchChromium();
    page = await openPage('en');
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await wp?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  it('each layout shows its tiles in its geometry, 16:9, with badge and clock; the choice is remembered', async () => {
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => page.locator('[data-testid="tile"] [data-testid="status-badge"][data-status="online"]').count(), { timeout: 60_000 }).toBe(4);
    await page.locator('[data-testid="tile"] [data-testid="tile-video-time"]').first().waitFor({ timeout: 30_000 });

    for (const [layout, cols, big] of [[1, 1, 1], [4, 2, 1], [6, 3, 2], [8, 4, 3], [9, 3, 1], [16, 4, 1], [25, 5, 1]] as const) {
      await tid(`layout-${layout}`).click();
      await expect.poll(() => tid('wall-grid').getAttribute('data-layout')).toBe(String(layout));
      await expect.poll(() => slots().count()).toBe(layout);
      expect(page.url()).toContain(`layout=${layout}`);
      const b = await boxes(slots());
      const small = b[big > 1 ? 1 : 0]!;
      // every tile keeps the picture's 16:9 (within a pixel or two of gap and rounding)
      for (const x of b) expect(Math.abs(x.width / x.height - 16 / 9), `layout ${layout}: ${JSON.stringify(x)}`).toBeLessThan(0.04);
      // all small tiles are the same size; cols distinct columns
      for (const x of b.slice(big > 1 ? 1 : 0)) expect(near(x.width, small.width) && near(x.height, small.height)).toBe(true);
      const xs = new Set(b.map((x) => Math.round(x.x / 4)));
      expect(xs.size, `layout ${layout} columns`).toBe(cols);
      if (big > 1) {
        // the large tile spans big×big small ones (plus the gaps between them) at the top left
        const gap = b[1]!.x - (b[0]!.x + b[0]!.width); // b[1] is the first tile right of the large one
        expect(near(b[0]!.width, big * small.width + (big - 1) * gap)).toBe(true);
        expect(near(b[0]!.height, big * small.height + (big - 1) * gap)).toBe(true);
        expect(b.every((x) => x.x >= b[0]!.x - 1 && x.y >= b[0]!.y - 1)).toBe(true);
        expect(await page.locator('wp-camera-tile[data-slot="0"] wp-hls-video').getAttribute('data-stream')).toBe('main');
        expect(await tid('swap-hint').count()).toBe(1);
      }
      // badge and clock of every camera tile are on the tile, at every size
      // (per tile, and polled: a tile whose player was just re-made shows its clock once the video time is known)
      const tiles = page.locator('[data-testid="tile"]');
      expect(await tiles.count()).toBe(Math.min(layout, 4));
      const misplaced = async () => {
        const out: string[] = [];
        for (let i = 0; i < (await tiles.count()); i++) {
          const t = tiles.nth(i);
          const [tb] = await boxes(t);
          const badge = await boxes(t.locator('[data-testid="status-badge"]'));
          const clock = await boxes(t.locator('.video-time'));
          if (badge.length !== 1 || !inside(badge[0]!, tb!)) out.push(`badge ${i}: ${JSON.stringify(badge)} in ${JSON.stringify(tb)}`);
          if (clock.length !== 1 || !inside(clock[0]!, tb!)) out.push(`clock ${i}: ${JSON.stringify(clock)} in ${JSON.stringify(tb)}`);
        }
        return out;
      };
      await expect.poll(misplaced, { timeout: 15_000, message: `layout ${layout}: badge and clock on their tile` }).toEqual([]);
      if (layout === 25) {
        // 25 tiles: the small tiles ask for the wall stream (the sub-stream when the camera has one), never the main
        expect(await page.locator('[data-testid="tile"] wp-hls-video[data-stream="sub"]').count()).toBe(4);
      }
    }
    // remembered in this browser: /wall without a layout comes back with the last one
    await page.goto(`${wp.url}/wall`);
    await expect.poll(() => tid('wall-grid').getAttribute('data-layout')).toBe('25');
    // the digits pick a layout in the picker's order
    await page.keyboard.press('3');
    await expect.poll(() => tid('wall-grid').getAttribute('data-layout')).toBe('6');
  });

  it('a double click swaps a small tile into the large one (remembered); a single click still opens the camera', async () => {
    await page.goto(`${wp.url}/wall?layout=6`);
    await expect.poll(() => slots().count()).toBe(6);
    // the tiles are there before the camera list (CI once read the large tile empty here)
    await expect.poll(slot0Camera).toBe('demo-1');
    await page.locator('wp-camera-tile[data-camera-id="demo-3"]').dblclick();
    await expect.poll(slot0Camera).toBe('demo-3');
    expect(await page.locator('wp-camera-tile[data-camera-id="demo-1"]').getAttribute('data-slot')).toBe('2');
    await page.waitForTimeout(600);
    expect(page.url()).toContain('/wall'); // the double click did not open the camera
    await page.reload();
    await expect.poll(slot0Camera).toBe('demo-3');
    // keyboard: focus a small tile, S swaps it in
    await page.locator('wp-camera-tile[data-camera-id="demo-2"]').focus();
    await page.keyboard.press('s');
    await expect.poll(slot0Camera).toBe('demo-2');
    // the arrangement holds for the other layouts too
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => page.locator('wp-camera-tile[data-slot="0"]').getAttribute('data-camera-id')).toBe('demo-2');
    // a single click opens the single-camera view
    await page.goto(`${wp.url}/wall?layout=6`);
    await page.locator('wp-camera-tile[data-camera-id="demo-4"]').click();
    await page.waitForURL(/\/camera\/demo-4$/);
  });

  it('arrow keys move between tiles, F shows the focused tile alone, Esc goes back', async () => {
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => slots().count()).toBe(4);
    const focused = () =>
      page.evaluate(`document.querySelector('wp-app')?.shadowRoot?.querySelector('wp-wall-page')?.shadowRoot?.activeElement?.dataset.slot ?? null`);
    await page.keyboard.press('ArrowRight'); // nothing focused: the first tile
    expect(await focused()).toBe('0');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('1');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('3');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('2');
    const id = await page.locator('wp-camera-tile[data-slot="2"]').getAttribute('data-camera-id');
    await page.keyboard.press('f');
    await expect.poll(() => slots().count()).toBe(1);
    expect(await slot0Camera()).toBe(id);
    // the tile shown alone plays the main stream and has the digital zoom
    expect(await page.locator('wp-camera-tile[data-slot="0"] wp-hls-video').getAttribute('data-stream')).toBe('main');
    expect(await page.locator('wp-camera-tile[data-slot="0"] [data-testid="zoom-view"]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => slots().count()).toBe(4);
  });

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`? opens the keyboard help and Esc closes it (${lang})`, async () => {
      const p = lang === 'en' ? page : await openPage(lang);
      await p.goto(`${wp.url}/wall?layout=4`);
      await p.locator('[data-testid="wall-grid"]').waitFor();
      const help = p.locator('[data-testid="keyboard-help"]');
      expect(await help.count()).toBe(0);
      await p.keyboard.press('?');
      await help.waitFor();
      expect(await help.isVisible()).toBe(true);
      expect(await p.locator('[data-testid="shortcut"]').count()).toBeGreaterThanOrEqual(8);
      // the words, without the key caps (printed on the keys, Latin on a Chinese keyboard too)
      const text = await help.evaluate((el) => {
        type Node = { cloneNode(deep: boolean): Node; querySelectorAll(s: string): { forEach(f: (k: { remove(): void }) => void): void }; textContent: string | null };
        const c = (el as unknown as Node).cloneNode(true);
        c.querySelectorAll('kbd').forEach((k) => k.remove());
        return c.textContent ?? '';
      });
      if (lang === 'en') {
        expect(text).toContain('Keyboard shortcuts');
        expect(text).not.toMatch(/[\u3400-\u9fff]/);
      } else {
        expect(text).toContain('键盘快捷键');
        expect(text.match(/[A-Za-z]+/g) ?? []).toEqual([]);
      }
      await p.keyboard.press('Escape');
      await expect.poll(() => help.count()).toBe(0);
      // the toolbar button opens it too, the close button closes it
      await p.locator('[data-testid="keyboard-help-open"]').click();
      await help.waitFor();
      await p.locator('[data-testid="keyboard-help-close"]').click();
      await expect.poll(() => help.count()).toBe(0);
    });
  }

  it('digital zoom on the single camera: wheel around the pointer, drag pans, double click and reset return to 1×', async () => {
    await page.goto(`${wp.url}/camera/demo-1`);
    const view = page.locator('[data-testid="camera-player"] [data-testid="zoom-view"]');
    await view.waitFor({ timeout: 15_000 });
    const video = page.locator('video[data-testid="camera-video"]');
    await expect.poll(() => video.evaluate((v) => (v as unknown as { currentTime: number }).currentTime), { timeout: 30_000 }).toBeGreaterThan(0.5);
    const matrix = zoomMatrix(page.locator('[data-testid="camera-player"] [data-testid="zoom-stage"]'));
    expect((await matrix()).a).toBe(1);
    const box = (await view.boundingBox())!;
    await wheelAroundPointer(page, box, matrix);
    // the video goes on playing under the transform
    const t0 = await video.evaluate((v) => (v as unknown as { currentTime: number }).currentTime);
    // zooming further is capped at 8×
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -800);
    await expect.poll(async () => (await matrix()).a).toBe(8);
    await dragResetDoubleClick(page, box, matrix, 60, 30);
    expect(await video.evaluate((v) => (v as unknown as { currentTime: number }).currentTime)).toBeGreaterThan(t0);
    expect(page.url()).toContain('/camera/demo-1');
    await pinchThenReset(page, box, matrix);
  });

  it('in wall mode a double click swaps a small tile in; on the large tile it shows the camera alone', async () => {
    await page.goto(`${wp.url}/wall?kiosk=1&layout=8`);
    await expect.poll(() => slots().count()).toBe(8);
    // the tiles are there before the camera list: wait for cameras in the first two
    await expect.poll(async () => Boolean((await slot0Camera()) && (await page.locator('wp-camera-tile[data-slot="1"]').getAttribute('data-camera-id')))).toBe(true);
    const large = await slot0Camera();
    const other = await page.locator('wp-camera-tile[data-slot="1"]').getAttribute('data-camera-id');
    await page.locator('wp-camera-tile[data-slot="1"]').dblclick();
    await expect.poll(slot0Camera).toBe(other);
    expect(await page.locator(`wp-camera-tile[data-camera-id="${large}"]`).getAttribute('data-slot')).toBe('1');
    await page.locator('wp-camera-tile[data-slot="0"]').dblclick();
    await expect.poll(() => slots().count()).toBe(1);
    expect(await slot0Camera()).toBe(other);
    await page.keyboard.press('Escape');
    await expect.poll(() => slots().count()).toBe(8);
    expect(page.url()).toContain('kiosk=1');
  });
});
