/**
 * The wall of issue K, second part, in Debian's Chromium against the real server, in zh-CN: the camera tour (轮巡)
 * started from the toolbar changes pages at the chosen interval and is remembered; `?cycle=` still tours; with an
 * alarm not acknowledged the tour holds and says so, and goes on once it is acknowledged; the grid shrinks to the
 * cameras on the page ("fit to cameras", switchable); in wall mode a single click shows a tile alone, with a hint,
 * and the open-alarm count is on the wall; the patrol banner counts down to the round due, to the next round, and
 * turns red when a round is overdue. Six cameras with unreachable addresses (no video needed), alarms written into
 * the running server's database as live analytics stores them. One server and one browser for the whole file.
 * Only 127.0.0.1 is contacted.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { openConsole, wallSiteYaml } from '../support/console.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { apiClient } from '../support/api.ts';
import { seedAlarm } from '../support/alarms.ts';

const CAMERAS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

describe('wall tour, fit to cameras, patrol banner, kiosk click (issue K)', () => {
  let wp: Watchpost;
  let cookie: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const call = apiClient(() => wp);
  const api = (method: string, path: string, body?: unknown) => call(method, path, { cookie, json: body });

  function insertAlarm(cameraId: string): number {
    return seedAlarm(wp.dataDir, { cameraId, startMs: Date.now() - 10_000 });
  }

  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  const grid = () => tid('wall-grid');
  const pageNo = async () => Number(/第 (\d+) \//.exec((await tid('page-indicator').textContent()) ?? '')?.[1]);
  const tourStatus = () => tid('tour-status');
  const storedTour = async () => (await page.evaluate(`JSON.parse(localStorage.getItem('wp.wall.tour') ?? 'null')`)) as { on: boolean; intervalS: number; pauseOnAlarm: boolean } | null;
  /** A computed style property of the located element. */
  const style = (loc: Locator, prop: string) =>
    loc.evaluate((e, p) => (e.ownerDocument.defaultView as unknown as { getComputedStyle(x: unknown): Record<string, string> }).getComputedStyle(e)[p]!, prop);

  /** Seconds until the page indicator shows another page than `from`. */
  async function secondsToPageChange(from: number, timeoutMs = 8000): Promise<number> {
    const t0 = Date.now();
    await expect.poll(() => pageNo(), { timeout: timeoutMs, interval: 100 }).not.toBe(from);
    return (Date.now() - t0) / 1000;
  }

  beforeAll(async () => {
    wp = await startWatchpost({ configYaml: wallSiteYaml(CAMERAS) });
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    browser = await launchChromium();
    // a short tour interval for the test (the toolbar offers 10/20/30/60 s and keeps a remembered other value)
    ({ page } = await openConsole(browser, wp, {
      cookie, lang: 'zh-CN', viewport: { width: 1366, height: 768 }, errors: pageErrors,
      storage: { 'wp.wall.tour': JSON.stringify({ on: false, intervalS: 2, pauseOnAlarm: true }) }, firstLoadOnly: true,
    }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  it('fits the grid to the cameras: 6 cameras at 25 → 9 tiles, at 8 → 6; switchable; the last page too', async () => {
    await page.goto(`${wp.url}/wall?layout=25`);
    await expect.poll(() => page.locator('[data-testid="tile"]').count(), { timeout: 30_000 }).toBe(6);
    expect(await grid().getAttribute('data-layout')).toBe('9');
    expect(await page.locator('wp-camera-tile[data-slot]').count()).toBe(9);
    expect(await tid('fit-hint').textContent()).toContain('当前显示 9 画面');
    expect(await tid('layout-25').getAttribute('aria-pressed')).toBe('true'); // the choice stays 25

    await tid('layout-8').click();
    await expect.poll(() => grid().getAttribute('data-layout')).toBe('6');
    expect(await tid('tile-empty').count()).toBe(0);

    // switched off: the chosen layout with its empty tiles (remembered)
    await tid('layout-25').click();
    await expect.poll(() => grid().getAttribute('data-layout')).toBe('9');
    await tid('wall-fit').uncheck();
    await expect.poll(() => grid().getAttribute('data-layout')).toBe('25');
    expect(await tid('tile-empty').count()).toBe(19);
    expect(await tid('fit-hint').count()).toBe(0);
    await page.reload();
    await expect.poll(() => grid().getAttribute('data-layout')).toBe('25');
    await tid('wall-fit').check();
    await expect.poll(() => grid().getAttribute('data-layout')).toBe('9');

    // 6 cameras at 4: page 1 full, page 2 holds 2 cameras in 4 tiles (the smallest of 1/4/9/16/25 that holds them)
    await page.goto(`${wp.url}/wall?layout=4&page=2`);
    await expect.poll(() => page.locator('[data-testid="tile"]').count()).toBe(2);
    expect(await grid().getAttribute('data-layout')).toBe('4');
  });

  it('the tour control starts the tour, pages change at the interval, it is remembered; ?cycle= still tours', async () => {
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => page.locator('[data-testid="tile"]').count()).toBe(4);
    expect(await tourStatus().count()).toBe(0); // off: no indicator
    expect(await tid('tour-toggle').textContent()).toContain('轮巡');
    expect(await tid('tour-pause-alarm').isChecked()).toBe(true); // pause on alarm: on by default

    await tid('tour-toggle').click();
    await expect.poll(() => tourStatus().getAttribute('data-state')).toBe('running');
    expect(await tourStatus().textContent()).toMatch(/轮巡中：第 1 \/ 2 页，[0-2] 秒后切换/);
    expect(await tid('tour-toggle').textContent()).toContain('停止轮巡');
    expect(await storedTour()).toEqual({ on: true, intervalS: 2, pauseOnAlarm: true });

    const first = await secondsToPageChange(1);
    expect(first).toBeLessThan(3.5);
    expect(await pageNo()).toBe(2);
    await expect.poll(() => tourStatus().textContent()).toMatch(/第 2 \/ 2 页/);
    const second = await secondsToPageChange(2);
    expect(second).toBeGreaterThan(1.2);
    expect(second).toBeLessThan(3.5);
    expect(await pageNo()).toBe(1);

    // remembered in this browser
    await page.reload();
    await expect.poll(() => tourStatus().getAttribute('data-state')).toBe('running');
    // another interval from the list
    await tid('tour-interval').selectOption('10');
    await expect.poll(async () => (await storedTour())?.intervalS).toBe(10);
    expect(Number(await tourStatus().getAttribute('data-seconds'))).toBeGreaterThan(5);
    // stop
    await tid('tour-toggle').click();
    await expect.poll(() => tourStatus().count()).toBe(0);
    expect((await storedTour())?.on).toBe(false);
    const before = await pageNo();
    await page.waitForTimeout(2500);
    expect(await pageNo()).toBe(before);

    // the URL's ?cycle= tours although the toolbar's tour is off
    await page.goto(`${wp.url}/wall?layout=4&cycle=2`);
    await expect.poll(() => tourStatus().getAttribute('data-state')).toBe('running');
    expect(await secondsToPageChange(await pageNo())).toBeLessThan(3.5);
  });

  it('holds on an alarm not acknowledged and says so; goes on when it is acknowledged; the count is on the kiosk wall', async () => {
    const id = insertAlarm('c2');
    await page.goto(`${wp.url}/wall?layout=4&cycle=2`);
    await tid('alarm-popup').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => tourStatus().getAttribute('data-reason')).toBe('alarm');
    expect(await tourStatus().textContent()).toContain('轮巡已暂停：1 条报警未确认');
    const held = await pageNo();
    await page.waitForTimeout(4500); // two intervals
    expect(await pageNo()).toBe(held);

    // acknowledged elsewhere (the API): the tour goes on, with no reload
    expect((await api('POST', `/api/alarms/${id}/ack`, {})).status).toBe(200);
    await expect.poll(() => tourStatus().getAttribute('data-state')).toBe('running');
    expect(await secondsToPageChange(held)).toBeLessThan(3.5);

    // "pause on alarm" off: a new alarm does not hold the tour
    const id2 = insertAlarm('c5');
    await page.reload();
    await tid('alarm-popup').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => tourStatus().getAttribute('data-reason')).toBe('alarm');
    await tid('tour-pause-alarm').uncheck();
    await expect.poll(() => tourStatus().getAttribute('data-state')).toBe('running');
    expect(await storedTour()).toMatchObject({ on: true, pauseOnAlarm: false });
    expect(page.url()).not.toContain('cycle='); // changed from the toolbar: the remembered setting from now on
    expect(await secondsToPageChange(await pageNo())).toBeLessThan(3.5);

    // wall mode: the open-alarm count (2 not resolved: one acknowledged, one open) without the top bar
    await page.goto(`${wp.url}/kiosk?layout=4`);
    await expect.poll(() => tid('wall-alarm-count').getAttribute('data-count'), { timeout: 15_000 }).toBe('2');
    expect(await page.locator('wp-top-bar').count()).toBe(0);
    expect(await tid('wall-alarm-count').isVisible()).toBe(true);
    expect(await tid('wall-alarm-count').textContent()).toBe('2 条未处理报警');
    expect((await api('POST', `/api/alarms/${id2}/ack`, {})).status).toBe(200);
    for (const a of [id, id2]) expect((await api('POST', `/api/alarms/${a}/resolve`, { outcome: 'test' })).status).toBe(200);
    await expect.poll(() => tid('wall-alarm-count').count()).toBe(0);
    await tid('tour-toggle').click({ force: true }); // (the toolbar is faded in kiosk until the mouse moves)
    await expect.poll(() => tourStatus().count()).toBe(0);
  });

  it('in wall mode a single click shows a tile alone (with a hint), holding the tour; another click brings the grid back', async () => {
    await page.goto(`${wp.url}/kiosk?layout=4`);
    const tile = page.locator('[data-testid="tile"][data-camera-id="c3"]');
    await tile.waitFor();
    await tile.hover();
    const hint = tile.locator('[data-testid="tile-click-hint"]');
    expect(await hint.textContent()).toBe('单击：单独显示');
    await expect.poll(() => style(hint, 'opacity')).toBe('1');
    await tile.click();
    await expect.poll(() => grid().getAttribute('data-layout')).toBe('1');
    expect(await page.locator('[data-testid="tile"]').getAttribute('data-camera-id')).toBe('c3');
    await tid('tour-toggle').click(); // the tour started while a camera is shown alone holds
    await expect.poll(() => tourStatus().getAttribute('data-reason')).toBe('alone');
    expect(await tourStatus().textContent()).toContain('轮巡已暂停：正在单独显示一路画面');
    await page.waitForTimeout(2500); // past the interval: still alone
    expect(await page.locator('[data-testid="tile"]').getAttribute('data-camera-id')).toBe('c3');
    const alone = page.locator('[data-testid="tile"]');
    await alone.hover();
    expect(await alone.locator('[data-testid="tile-click-hint"]').textContent()).toBe('单击：返回多画面');
    await alone.click();
    await expect.poll(() => grid().getAttribute('data-layout')).toBe('4');
    expect(await page.locator('[data-testid="tile"]').count()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => tourStatus().getAttribute('data-state')).toBe('running');
    await tid('tour-toggle').click();
    await expect.poll(() => tourStatus().count()).toBe(0);
  });

  it('the patrol banner counts down to the round due, to the next round, and is red when a round is overdue', async () => {
    const route = await api('POST', '/api/patrol/routes', { name: '北区', intervalMin: 60, graceMin: 10, stops: [{ cameraId: 'c1' }] });
    expect(route.status).toBe(201);
    await page.goto(`${wp.url}/wall?layout=4`);
    const banner = tid('round-banner');
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 15_000 }).toBe('due');
    const left = async () => /还剩 (\d\d):(\d\d)/.exec((await banner.textContent()) ?? '');
    expect(await banner.textContent()).toMatch(/^\s*巡更「北区」已到期，须在 \d\d:\d\d 前开始，还剩 (09:[0-5]\d|10:00)\s*$/);
    const m0 = (await left())!;
    await expect.poll(async () => (await left())?.[0], { timeout: 4000 }).not.toBe(m0[0]); // it counts down
    const m1 = (await left())!;
    expect(Number(m1[1]) * 60 + Number(m1[2])).toBeLessThan(Number(m0[1]) * 60 + Number(m0[2]));

    // the slot's round done (here: started and abandoned): the banner counts down to the next slot
    const round = await api('POST', '/api/patrol/rounds', { routeId: route.body.id });
    expect(round.status).toBe(201);
    expect((await api('POST', `/api/patrol/rounds/${round.body.id}/abandon`, { reason: '测试' })).status).toBe(200);
    await page.reload();
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 15_000 }).toBe('next');
    expect(await banner.textContent()).toMatch(/^\s*下一轮巡更「北区」\d\d:\d\d 到期，还有 (\d:)?\d\d:\d\d\s*$/);

    // a route with no grace: overdue at once, in red, counting up
    expect((await api('POST', '/api/patrol/routes', { name: '南区', intervalMin: 60, graceMin: 0, stops: [{ cameraId: 'c2' }] })).status).toBe(201);
    await page.reload();
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 15_000 }).toBe('overdue');
    expect(await banner.textContent()).toMatch(/^\s*巡更「南区」已超时 \d\d:\d\d（应在 \d\d:\d\d 前开始）\s*$/);
    const bg = await style(banner, 'backgroundColor');
    expect(bg).toMatch(/^rgb\((\d+), (\d+), (\d+)\)$/);
    const [r, g] = bg.match(/\d+/g)!.map(Number);
    expect(r!).toBeGreaterThan(150);
    expect(g!).toBeLessThan(100);
    // in wall mode too
    await page.goto(`${wp.url}/kiosk?layout=4`);
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 15_000 }).toBe('overdue');
    expect(await banner.isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
