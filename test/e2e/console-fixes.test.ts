/**
 * Browser e2e of the issue K bugs in Debian's Chromium against the real server (two cameras that never connect:
 * nothing here needs video): a manual duty-log entry clears the form and shows once with no error; `/review`
 * opened or reloaded directly shows its camera, not "No cameras."; the handover counts open alarms, not cameras
 * with open alarms. Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { seedAlarms } from '../support/alarms.ts';

let wp: Watchpost;
let browser: Browser;
let page: Page;
let cookie = '';
const pageErrors: string[] = [];

beforeAll(async () => {
  wp = await startWatchpost({
    configYaml: [
      'demo: false',
      'cameras:',
      '  - {id: gate, name: "东门 Gate", url: "rtsp://127.0.0.1:9/none"}',
      '  - {id: yard, name: "Yard", url: "rtsp://127.0.0.1:9/none2"}',
    ].join('\n'),
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: wp.url }]);
  await context.addInitScript("localStorage.setItem('wp.lang', 'en')");
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await wp?.dispose();
  if (pageErrors.length) console.warn('page errors:', pageErrors);
});

describe('issue K bugs in the console', () => {
  it('duty log: a manual entry clears the form, shows once in the list and no error', async () => {
    await page.goto(`${wp.url}/dutylog`);
    await page.locator('[data-testid="log-form"]').waitFor();
    const rows = page.locator('[data-testid="log-row"]');
    await page.locator('[data-testid="log-verify"]').waitFor();
    await page.locator('[data-testid="log-camera"]').selectOption('gate');
    await page.locator('[data-testid="log-text"]').fill('courier waiting at the east gate');
    await page.locator('[data-testid="log-submit"]').click();
    await expect.poll(() => rows.filter({ hasText: 'courier waiting at the east gate' }).count()).toBe(1);
    expect(await page.locator('[data-testid="log-text"]').inputValue()).toBe('');
    expect(await page.locator('wp-dutylog-page .error').count()).toBe(0);
    expect(await page.locator('wp-dutylog-page').textContent()).not.toMatch(/Cannot read|错误/);
    const saved = (await (await fetch(`${wp.url}/api/dutylog`, { headers: { cookie } })).json()) as unknown;
    expect(JSON.stringify(saved).match(/courier waiting at the east gate/g)).toHaveLength(1);
  });

  it('review: opening and reloading /review directly shows the first camera', async () => {
    await page.goto(`${wp.url}/review`);
    const select = page.locator('[data-testid="review-camera"]');
    await select.waitFor({ timeout: 15_000 });
    expect(await select.inputValue()).toBe('gate');
    await page.reload();
    await select.waitFor({ timeout: 15_000 });
    expect(await page.locator('wp-review-page').textContent()).not.toContain('No cameras.');
    expect(await page.locator('[data-testid="review-player"]').count()).toBe(1);
  });

  it('handover: counts open alarms, not cameras, and lists them per camera', async () => {
    // 17 open alarms on one camera, 2 on another, 1 resolved: 19 open
    const now = Date.now();
    seedAlarms(wp.dataDir, Array.from({ length: 20 }, (_, i) => ({
      cameraId: i < 17 ? 'gate' : 'yard', zone: 'exit', status: i === 19 ? 'resolved' : i % 3 === 0 ? 'acknowledged' : 'open', sinceMs: now - i * 1000, startMs: now - i * 1000, lastSeenMs: now,
    } as const)));

    const draft = (await (await fetch(`${wp.url}/api/handovers/draft`, { headers: { cookie } })).json()) as {
      openItems: { openAlarms: number; alarms: { cameraId: string; count: number }[] };
    };
    expect(draft.openItems.openAlarms).toBe(19);
    expect(draft.openItems.alarms).toEqual([
      expect.objectContaining({ cameraId: 'gate', count: 17 }),
      expect.objectContaining({ cameraId: 'yard', count: 2 }),
    ]);

    await page.goto(`${wp.url}/handover`);
    const alarms = page.locator('[data-testid="handover-alarms"]').first();
    await alarms.waitFor();
    expect(await page.locator('[data-testid="handover-alarm-count"]').first().textContent()).toContain('19');
    expect(await alarms.textContent()).toMatch(/东门 Gate.*17/);
    expect(await alarms.textContent()).toMatch(/Yard.*2/);

    await page.locator('[data-testid="handover-notes"]').fill('gate alarms still open');
    await page.locator('[data-testid="handover-submit"]').click();
    await page.locator('[data-testid="handover-latest"]').waitFor();
    const log = (await (await fetch(`${wp.url}/api/dutylog`, { headers: { cookie } })).json()) as unknown;
    expect(JSON.stringify(log)).toContain('19 open alarms');
    expect(pageErrors).toEqual([]);
  });
});
