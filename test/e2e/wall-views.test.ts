/**
 * Named wall views and the camera tree (issue K, the wall) in Chromium against the real server, in zh-CN: the
 * tree groups cameras by camera group (the rest under 未分组); a camera dragged from the tree onto a tile goes
 * there (HTML5 drag and drop); the arrangement is saved as a view with a Chinese name, survives a reload, is
 * switched back to from the picker, and `?view=<id>` boots into it. Cameras with unreachable addresses (no video
 * needed). Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { openConsole, wallSiteYaml } from '../support/console.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { apiClient } from '../support/api.ts';

const CAMERAS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

describe('wall views and camera tree (issue K)', () => {
  let wp: Watchpost;
  let cookie: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const call = apiClient(() => wp);
  const api = (method: string, path: string, body?: unknown) => call(method, path, { cookie, json: body });
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  /** camera ids of the tiles in slot order ('' = an empty tile) */
  const tiles = () => page.locator('wp-camera-tile[data-slot]').evaluateAll((els) => els.map((e) => e.getAttribute('data-camera-id') ?? ''));

  beforeAll(async () => {
    wp = await startWatchpost({ configYaml: wallSiteYaml(CAMERAS) });
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    expect((await api('POST', '/api/camera-groups', { name: '东区', cameras: ['c1', 'c2'] })).status).toBe(201);
    browser = await launchChromium();
    ({ page } = await openConsole(browser, wp, { cookie, lang: 'zh-CN', viewport: { width: 1366, height: 768 }, errors: pageErrors, firstLoadOnly: true }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
  });

  it('the tree groups cameras by group, the rest under 未分组, with status dots; collapsible', async () => {
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => page.locator('[data-testid="tree-camera"]').count(), { timeout: 30_000 }).toBe(6);
    const group = tid('tree-group');
    expect(await group.locator('h3').textContent()).toBe('东区');
    expect(await group.locator('[data-testid="tree-camera"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-camera-id')))).toEqual(['c1', 'c2']);
    expect(await tid('tree-ungrouped').locator('h3').textContent()).toBe('未分组');
    expect(await tid('tree-ungrouped').locator('[data-testid="tree-camera"]').count()).toBe(4);
    expect(await page.locator('[data-testid="tree-camera"] .dot').count()).toBe(6);
    await tid('tree-toggle').click();
    await expect.poll(() => page.locator('[data-testid="tree-camera"]').count()).toBe(0);
    await tid('tree-toggle').click();
    await expect.poll(() => page.locator('[data-testid="tree-camera"]').count()).toBe(6);
    // not in wall mode
    await page.goto(`${wp.url}/kiosk?layout=4`);
    await expect.poll(() => page.locator('[data-testid="tile"]').count(), { timeout: 30_000 }).toBe(4);
    expect(await tid('camera-tree').count()).toBe(0);
  });

  it('drag a camera onto a tile, save as a view with a Chinese name, reload, switch back to it', async () => {
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => tiles(), { timeout: 30_000 }).toEqual(['c1', 'c2', 'c3', 'c4']);
    await page.locator('[data-testid="tree-camera"][data-camera-id="c6"]').dragTo(page.locator('wp-camera-tile[data-slot="0"]'));
    // c6 takes tile 1; c1 goes where c6 was (page 2)
    await expect.poll(() => tiles()).toEqual(['c6', 'c2', 'c3', 'c4']);
    await page.locator('[data-testid="tree-camera"][data-camera-id="c5"]').dragTo(page.locator('wp-camera-tile[data-slot="3"]'));
    await expect.poll(() => tiles()).toEqual(['c6', 'c2', 'c3', 'c5']);
    // the picker says the wall is arranged by hand, not saved
    expect(await tid('view-select').locator('option:checked').textContent()).toBe('手动排列（未保存）');

    await tid('view-save-as').click();
    await tid('view-name').fill('夜班 东门');
    await tid('view-display').fill('大屏1');
    await tid('view-save').click();
    await expect.poll(async () => ((await api('GET', '/api/wall-views')).body as { name: string }[]).map((v) => v.name)).toEqual(['夜班 东门']);
    const saved = ((await api('GET', '/api/wall-views')).body as { id: number; layout: number; tiles: string[]; display: string }[])[0]!;
    expect(saved).toMatchObject({ layout: 4, display: '大屏1' });
    expect(saved.tiles.slice(0, 4)).toEqual(['c6', 'c2', 'c3', 'c5']);
    await expect.poll(() => page.evaluate<string>('location.search')).toContain(`view=${saved.id}`);
    const selected = () => tid('view-select').evaluate((s) => (s as unknown as { value: string }).value);
    expect(await selected()).toBe(String(saved.id));
    expect(await tid('view-select').locator('option:checked').textContent()).toBe('夜班 东门（大屏1）');

    // back to automatic: the operator's order again, the URL no longer names the view
    await tid('view-select').selectOption('');
    await expect.poll(() => tiles()).toEqual(['c1', 'c2', 'c3', 'c4']);
    await expect.poll(() => page.evaluate<string>('location.search')).not.toContain('view=');

    await page.reload();
    await expect.poll(() => tiles(), { timeout: 30_000 }).toEqual(['c1', 'c2', 'c3', 'c4']);
    await expect.poll(() => tid('view-select').locator('option').count()).toBe(2);
    await tid('view-select').selectOption(String(saved.id));
    await expect.poll(() => tiles()).toEqual(['c6', 'c2', 'c3', 'c5']);

    // a change by hand to the view, saved back into it
    expect(await tid('view-update').count()).toBe(0);
    await page.locator('[data-testid="tree-camera"][data-camera-id="c1"]').dragTo(page.locator('wp-camera-tile[data-slot="1"]'));
    await expect.poll(() => tiles()).toEqual(['c6', 'c1', 'c3', 'c5']);
    expect(await tid('view-update').textContent()).toContain('保存到「夜班 东门」');
    await tid('view-update').click();
    await expect.poll(async () => ((await api('GET', `/api/wall-views/${saved.id}`)).body as { tiles: string[] }).tiles.slice(0, 4)).toEqual(['c6', 'c1', 'c3', 'c5']);
    expect(await selected()).toBe(String(saved.id));
    expect(await tid('view-update').count()).toBe(0);
  });

  it('?view=<id> boots into the view (its layout too), also in wall mode', async () => {
    const v = await api('POST', '/api/wall-views', { name: '单画面', layout: 1, tiles: ['c3'] });
    expect(v.status).toBe(201);
    const id = (v.body as { id: number }).id;
    await page.goto(`${wp.url}/kiosk?layout=4&view=${id}`);
    await expect.poll(() => tiles(), { timeout: 30_000 }).toEqual(['c3']);
    expect(await tid('wall-grid').getAttribute('data-layout')).toBe('1');
    expect(await tid('view-select').evaluate((s) => (s as unknown as { value: string }).value)).toBe(String(id));
  });

  it('deletes a view (a second click confirms); a duplicate name says so in Chinese', async () => {
    await page.goto(`${wp.url}/wall?layout=4`);
    await expect.poll(() => tid('view-select').locator('option').count(), { timeout: 30_000 }).toBe(3);
    await tid('view-save-as').click();
    await tid('view-name').fill('单画面');
    await tid('view-save').click();
    await expect.poll(() => tid('view-error').textContent()).toBe('已有同名视图');
    const id = ((await api('GET', '/api/wall-views')).body as { id: number; name: string }[]).find((v) => v.name === '单画面')!.id;
    await tid('view-select').selectOption(String(id));
    await tid('view-delete').click();
    expect(await tid('view-delete').textContent()).toContain('再次点击确认删除');
    await tid('view-delete').click();
    await expect.poll(async () => ((await api('GET', '/api/wall-views')).body as { name: string }[]).map((v) => v.name)).toEqual(['夜班 东门']);
    expect(pageErrors).toEqual([]);
  });
});
