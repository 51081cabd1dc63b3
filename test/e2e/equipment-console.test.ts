/**
 * The daily equipment check page (issue L point 3) in Debian's Chromium against the real server with its 4 demo
 * cameras, in 简体中文: the table lists every camera with its recording completeness; the duty operator signs the
 * check off and the entry is in the chained duty log. Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

describe('equipment check page', () => {
  let wp: Watchpost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    wp = await startWatchpost();
    const cookie = await login(wp.url, 'admin', wp.adminPassword);
    await fetch(`${wp.url}/api/users`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'duty-op', password: 'duty-operator-pass-1', role: 'operator' }) });
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    await ctx.addInitScript({ content: "localStorage.setItem('wp.lang', 'zh-CN')" });
    page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  it('lists every camera with its completeness and signs the check off into the duty log', async () => {
    await page.goto(`${wp.url}/equipment`);
    await page.waitForURL(/\/login/);
    await tid('login-username').fill('duty-op');
    await tid('login-password').fill('duty-operator-pass-1');
    await tid('login-submit').click();
    await page.waitForURL(/\/equipment$/);
    await expect.poll(() => tid('equipment-row').count()).toBe(4);
    expect(await page.locator('h1').first().textContent()).toContain('监控设备日常巡检');
    expect(await tid('equipment-summary').textContent()).toMatch(/共 4 路摄像机/);
    expect(await tid('nav-equipment').textContent()).toBe('设备巡检');
    await tid('equipment-note').fill('北侧围墙摄像机画面偏暗，已报修');
    await tid('equipment-sign').click();
    await expect.poll(() => tid('equipment-notice').textContent()).toMatch(/已签字确认：监控记录第 \d+ 条/);
    const cookie = await login(wp.url, 'admin', wp.adminPassword);
    const entries = (await (await fetch(`${wp.url}/api/dutylog`, { headers: { cookie } })).json()) as { kind: string; text: string; authorName: string }[];
    expect(entries.find((e) => e.kind === 'equipment_check')).toMatchObject({ authorName: 'duty-op', text: expect.stringContaining('已报修') });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
