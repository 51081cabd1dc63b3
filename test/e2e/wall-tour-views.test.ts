/**
 * The last wall-view points of issue K in Debian's Chromium against the real server, in zh-CN: the camera tour
 * (轮巡) through saved views (each view's pages, then the next view; paused by an alarm not acknowledged; the
 * status says which view is on and what comes next); "this browser is display X" (`?display=` or the toolbar's
 * select, remembered): that display's views first in the picker, "save as" starts with it, the view last chosen on
 * it comes back when the wall opens; a tour of that display's views only; renaming a view (a Chinese name with
 * odd Unicode), a duplicate name refused with the old name kept. Cameras with unreachable addresses (no video
 * needed), an alarm written into the running server's database as live analytics stores it. Only 127.0.0.1 is
 * contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { openConsole, wallSiteYaml } from '../support/console.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { apiClient } from '../support/api.ts';
import { seedAlarm } from '../support/alarms.ts';

const CAMERAS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
const ODD = '东门 ①\u202e';

describe('wall: tour through saved views, this browser is a display, rename a view (issue K)', () => {
  let wp: Watchpost;
  let cookie: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const ids: Record<string, number> = {};

  const call = apiClient(() => wp);
  const api = (method: string, path: string, body?: unknown) => call(method, path, { cookie, json: body });
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  /** camera ids of the tiles in slot order ('' = an empty tile) */
  const tiles = () => page.locator('wp-camera-tile[data-slot]').evaluateAll((els) => els.map((e) => e.getAttribute('data-camera-id') ?? ''));
  const tourStatus = () => tid('tour-status');
  const value = (testid: string) => tid(testid).evaluate((s) => (s as unknown as { value: string }).value);
  const stored = (key: string) => page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(key)})`);
  const names = async () => ((await api('GET', '/api/wall-views')).body as { id: number; name: string; display: string | null }[]).map((v) => v.name);

  async function createView(name: string, layout: number, list: (string | null)[], display?: string): Promise<number> {
    const r = await api('POST', '/api/wall-views', { name, layout, tiles: list, ...(display ? { display } : {}) });
    expect(r.status).toBe(201);
    return (ids[name] = (r.body as { id: number }).id);
  }

  function insertAlarm(cameraId: string): number {
    return seedAlarm(wp.dataDir, { cameraId, startMs: Date.now() - 10_000 });
  }

  beforeAll(async () => {
    wp = await startWatchpost({ configYaml: wallSiteYaml(CAMERAS) });
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    browser = await launchChromium();
    // tour prefs as saved before views were toured (no `what`), at a short interval for the test
    ({ page } = await openConsole(browser, wp, {
      cookie, lang: 'zh-CN', viewport: { width: 1600, height: 900 }, errors: pageErrors,
      storage: { 'wp.wall.tour': JSON.stringify({ on: false, intervalS: 2, pauseOnAlarm: true }) }, firstLoadOnly: true,
    }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
  });

  it('tours all saved views: each view’s pages, then the next, the status says which and what next; holds on an alarm', async () => {
    await createView('一号 东门', 4, ['c3', 'c1', 'c6', 'c2', 'c5']); // two pages
    await createView('二号 西门', 1, ['c4']);
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => tiles(), { timeout: 30_000 }).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(await value('tour-what')).toBe('pages'); // old prefs load as a page tour
    expect(await tid('tour-what').locator('option').allTextContents()).toEqual(['本视图各页', '我的全部视图', '本显示屏的视图（未指定）']);
    expect(await tid('tour-what').locator('option[value="display"]').isDisabled()).toBe(true);
    await tid('tour-what').selectOption('views');
    await tid('tour-toggle').click();
    await expect.poll(() => tourStatus().getAttribute('data-state')).toBe('running');
    expect(await tourStatus().textContent()).toMatch(/轮巡中：[0-2] 秒后切换到视图「一号 东门」/);
    expect(JSON.parse((await stored('wp.wall.tour'))!)).toEqual({ on: true, intervalS: 2, pauseOnAlarm: true, what: 'views' });

    const t0 = Date.now();
    await expect.poll(() => tiles(), { timeout: 4000, interval: 100 }).toEqual(['c3', 'c1', 'c6', 'c2']);
    expect(Date.now() - t0).toBeLessThan(3500);
    expect(await tourStatus().getAttribute('data-view-id')).toBe(String(ids['一号 东门']));
    expect(await tourStatus().textContent()).toMatch(/轮巡中：视图「一号 东门」（1 \/ 2），第 1 \/ 2 页；[0-2] 秒后切换到第 2 页/);
    expect(await value('view-select')).toBe(String(ids['一号 东门']));
    await expect.poll(() => tiles(), { timeout: 4000, interval: 100 }).toEqual(['c5', '', '', '']);
    expect(await tourStatus().textContent()).toMatch(/第 2 \/ 2 页；[0-2] 秒后切换到视图「二号 西门」/);
    await expect.poll(() => tiles(), { timeout: 4000, interval: 100 }).toEqual(['c4']);
    expect(await tid('wall-grid').getAttribute('data-layout')).toBe('1'); // the view's own layout
    expect(await tourStatus().textContent()).toMatch(/视图「二号 西门」（2 \/ 2），第 1 \/ 1 页；[0-2] 秒后切换到视图「一号 东门」/);
    await expect.poll(() => tiles(), { timeout: 4000, interval: 100 }).toEqual(['c3', 'c1', 'c6', 'c2']); // after the last, the first

    // an alarm not acknowledged holds the view tour too
    const alarm = insertAlarm('c2');
    await page.reload();
    await tid('alarm-popup').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => tourStatus().getAttribute('data-reason')).toBe('alarm');
    expect(await tourStatus().textContent()).toContain('轮巡已暂停：1 条报警未确认');
    const held = await tiles();
    await page.waitForTimeout(4500); // two intervals
    expect(await tiles()).toEqual(held);
    expect((await api('POST', `/api/alarms/${alarm}/ack`, {})).status).toBe(200);
    await expect.poll(() => tourStatus().getAttribute('data-state')).toBe('running');
    await expect.poll(() => tiles(), { timeout: 4000, interval: 100 }).not.toEqual(held);

    // a hand-made arrangement is not toured away
    await tid('view-select').selectOption('');
    await page.locator('[data-testid="tree-camera"][data-camera-id="c6"]').dragTo(page.locator('wp-camera-tile[data-slot="0"]'));
    await expect.poll(() => tourStatus().getAttribute('data-reason')).toBe('custom');
    expect(await tourStatus().textContent()).toContain('轮巡已暂停：画面已手动排列（未保存）');
    const custom = await tiles();
    await page.waitForTimeout(3000);
    expect(await tiles()).toEqual(custom);
    await tid('tour-toggle').click();
    await expect.poll(() => tourStatus().count()).toBe(0);
  });

  it('?display=大屏2: that display’s views first, "save as" starts with it, the last view chosen on it comes back', async () => {
    await createView('夜班', 4, ['c5', 'c6'], '大屏2');
    await createView('白班', 1, ['c2'], '大屏2');
    await createView('大厅', 4, ['c1'], '大屏1');
    await page.goto(`${wp.url}/wall?layout=4&display=${encodeURIComponent('大屏2')}`);
    await expect.poll(() => tid('display-select').locator('option').count(), { timeout: 30_000 }).toBe(3);
    expect(await value('display-select')).toBe('大屏2');
    expect(await tid('display-select').locator('option').allTextContents()).toEqual(['未指定', '大屏1', '大屏2']);
    expect(await stored('wp.wall.display')).toBe('大屏2');
    const group = tid('view-group-display');
    expect(await group.getAttribute('label')).toBe('大屏2');
    expect((await group.locator('option').allTextContents()).sort()).toEqual(['夜班（大屏2）', '白班（大屏2）'].sort());
    expect((await tid('view-group-others').locator('option').allTextContents()).sort()).toEqual(['二号 西门', '大厅（大屏1）', '一号 东门'].sort());
    // the display's views come before the others in the select
    const all = await tid('view-select').locator('option').allTextContents();
    expect(all.indexOf('白班（大屏2）')).toBeLessThan(all.indexOf('一号 东门'));
    expect(all.indexOf('夜班（大屏2）')).toBeLessThan(all.indexOf('大厅（大屏1）'));

    await tid('view-save-as').click();
    expect(await tid('view-display').inputValue()).toBe('大屏2');
    await tid('view-save-form').locator('button[type="button"]').click();

    await tid('view-select').selectOption(String(ids['白班']));
    await expect.poll(() => tiles()).toEqual(['c2']);
    // the wall opens again on this display (the start page names no view): the view comes back
    await page.goto(`${wp.url}/wall`);
    await expect.poll(() => tiles(), { timeout: 30_000 }).toEqual(['c2']);
    expect(await value('view-select')).toBe(String(ids['白班']));
    await page.goto(`${wp.url}/kiosk?display=${encodeURIComponent('大屏2')}`);
    await expect.poll(() => tiles(), { timeout: 30_000 }).toEqual(['c2']);

    // a tour of this display's views only
    await page.goto(`${wp.url}/wall`);
    await expect.poll(() => tiles(), { timeout: 30_000 }).toEqual(['c2']);
    expect(await tid('tour-what').locator('option[value="display"]').textContent()).toContain('显示屏「大屏2」的视图');
    await tid('tour-what').selectOption('display');
    await tid('tour-toggle').click();
    await expect.poll(() => tourStatus().getAttribute('data-state')).toBe('running');
    const seen = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const before = await tourStatus().getAttribute('data-view-id');
      await expect.poll(() => tourStatus().getAttribute('data-view-id'), { timeout: 4000, interval: 100 }).not.toBe(before);
      seen.add((await tourStatus().getAttribute('data-view-id'))!);
    }
    expect([...seen].sort()).toEqual([String(ids['夜班']), String(ids['白班'])].sort());
    await tid('tour-toggle').click();
    await expect.poll(() => tourStatus().count()).toBe(0);

    // hostile names in the URL: shown as text, cut to 50 characters as the server keeps a display name; empty = none
    const hostile = `<img src=x onerror="document.title='pwned'">${'长'.repeat(60)}`;
    await page.goto(`${wp.url}/wall?display=${encodeURIComponent(hostile)}`);
    await expect.poll(() => value('display-select'), { timeout: 30_000 }).toBe([...hostile].slice(0, 50).join(''));
    expect(await stored('wp.wall.display')).toBe([...hostile].slice(0, 50).join(''));
    expect(await page.title()).not.toBe('pwned');
    await page.goto(`${wp.url}/wall?display=`);
    await expect.poll(() => value('display-select'), { timeout: 30_000 }).toBe('');
    expect(await stored('wp.wall.display')).toBeNull();
    await tid('display-select').selectOption('大屏2');
    expect(await stored('wp.wall.display')).toBe('大屏2');

    // back to no display: a plain picker, nothing restored
    await tid('display-select').selectOption('');
    expect(await stored('wp.wall.display')).toBeNull();
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => tiles(), { timeout: 30_000 }).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(await tid('view-group-display').count()).toBe(0);
  });

  it('renames a view to a Chinese name with odd Unicode (kept after a reload); a duplicate name is refused, the old name kept', async () => {
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => tid('view-select').locator('option').count(), { timeout: 30_000 }).toBe(6);
    expect(await tid('view-rename').isDisabled()).toBe(true); // automatic: nothing to rename
    await tid('view-select').selectOption(String(ids['一号 东门']));
    await expect.poll(() => tiles()).toEqual(['c3', 'c1', 'c6', 'c2']);
    await tid('view-rename').click();
    expect(await tid('view-name').inputValue()).toBe('一号 东门');
    expect(await tid('view-display').inputValue()).toBe('');
    await tid('view-name').fill(ODD);
    await tid('view-display').fill('大屏3');
    await tid('view-save').click();
    await expect.poll(() => names()).toContain(ODD);
    const renamed = ((await api('GET', `/api/wall-views/${ids['一号 东门']}`)).body as { name: string; display: string; layout: number; tiles: string[] });
    expect(renamed).toMatchObject({ name: ODD, display: '大屏3', layout: 4, tiles: ['c3', 'c1', 'c6', 'c2', 'c5'] });
    expect(await tiles()).toEqual(['c3', 'c1', 'c6', 'c2']); // the wall stays as it was

    await page.reload();
    await expect.poll(() => tid('view-select').locator('option:checked').textContent(), { timeout: 30_000 }).toBe(`${ODD}（大屏3）`);
    expect(await tid('display-select').locator('option').allTextContents()).toEqual(['未指定', '大屏1', '大屏2', '大屏3']);

    // another view renamed to that name: refused, said in Chinese, the old name stays
    await tid('view-select').selectOption(String(ids['二号 西门']));
    await tid('view-rename').click();
    await tid('view-name').fill(ODD);
    await tid('view-save').click();
    await expect.poll(() => tid('view-error').textContent()).toBe('已有同名视图');
    expect(await tid('view-select').locator('option:checked').textContent()).toBe('二号 西门');
    expect(await names()).toContain('二号 西门');
    expect((await names()).filter((n) => n === ODD)).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });
});
