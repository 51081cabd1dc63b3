/**
 * Issue K "times everywhere in the site's time zone", in Debian's Chromium against the real server: the site is in
 * 上海 (site.timeZone), the browser's PC in New York (a wall PC set to the wrong zone). An alarm at a fixed instant
 * shows the Shanghai date and hour in the alarm list, the review clock and the timeline axis are Shanghai time,
 * the export dialog's range typed as 08:00 reaches the server as 08:00+08:00, and the header says "Site time
 * (UTC+8)" / "现场时间（UTC+8）". Alarms are written into the running server's database. Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { seedAlarms } from '../support/alarms.ts';

// 2026-12-03 23:07:00 UTC = 2026-12-04 07:07:00 in Shanghai = 2026-12-03 18:07:00 in New York
const T = Date.UTC(2026, 11, 3, 23, 7, 0);
const shanghai = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });

describe('times in the site zone, not the browser zone (issue K)', () => {
  let wp: Watchpost;
  let browser: Browser;
  let page: Page;
  let alarmId = 0;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    wp = await startWatchpost({
      configYaml: [
        'server: {host: 127.0.0.1}',
        'demo: false',
        'analytics: {enabled: false}',
        'site: {timeZone: Asia/Shanghai}',
        'cameras:',
        '  - {id: gate, name: "East gate", url: "rtsp://127.0.0.1:9/none"}',
      ].join('\n'),
    });
    const cookie = await login(wp.url, 'admin', wp.adminPassword);
    [alarmId] = seedAlarms(wp.dataDir, [{ cameraId: 'gate', zone: 'Lawn', startMs: T, status: 'acknowledged' }]) as [number];
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'America/New_York' });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: wp.url }]);
    await context.addInitScript("if (!localStorage.getItem('wp.lang')) localStorage.setItem('wp.lang', 'en')");
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
  });

  it('the browser really runs in New York, the session says Shanghai', async () => {
    await page.goto(`${wp.url}/alarms`);
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/New_York');
    const s = (await page.evaluate(async () => (await fetch('/api/session')).json())) as { site?: { timeZone: string } };
    expect(s.site).toEqual({ timeZone: 'Asia/Shanghai' });
  });

  it('an alarm shows the Shanghai date and hour in the list, and the header says the times are the site’s', async () => {
    const item = page.locator(`[data-testid="alarm-item"][data-alarm-id="${alarmId}"]`);
    await item.waitFor();
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('2026-12-04 07:07:00');
    expect(text).not.toContain('18:07:00');
    expect(await page.locator('[data-testid="site-zone"]').first().textContent()).toBe('Site time (UTC+8)');
    await page.evaluate("localStorage.setItem('wp.lang', 'zh-CN')");
    await page.reload();
    await item.waitFor();
    expect(await page.locator('[data-testid="site-zone"]').first().textContent()).toBe('现场时间（UTC+8）');
    expect(await item.textContent()).toContain('2026-12-04 07:07:00');
    await page.evaluate("localStorage.setItem('wp.lang', 'en')");
  });

  it('the review clock and the timeline axis are Shanghai time', async () => {
    await page.goto(`${wp.url}/review/gate?t=${T}`);
    const clock = page.locator('[data-testid="review-clock"]');
    await expect.poll(() => clock.textContent()).toBe('2026-12-04 07:07:00');
    const tl = page.locator('[data-testid="review-timeline"]');
    const ticks = () => tl.evaluate((el) => [...el.shadowRoot!.querySelectorAll('.ticks span')].map((s) => s.textContent ?? ''));
    await expect.poll(async () => (await ticks()).length).toBeGreaterThan(3);
    const view = (await tl.evaluate((el) => ({ from: (el as unknown as { from: number }).from, to: (el as unknown as { to: number }).to }))) as { from: number; to: number };
    expect(view.from).toBeLessThan(T);
    expect(view.to).toBeGreaterThan(T);
    const labels = await ticks();
    // every label is a Shanghai clock reading inside the view (hours 06–08 here, never New York's 17–19)
    for (const l of labels) expect(l).toMatch(/^0[678]:\d\d(:\d\d)?$/);
    const inView = new Set<string>();
    for (let m = Math.ceil(view.from / 60_000) * 60_000; m < view.to; m += 60_000) inView.add(shanghai.format(m));
    for (const l of labels) expect(inView.has(l.slice(0, 5))).toBe(true);
  });

  it('the time jump reads a typed time as Shanghai time', async () => {
    const jump = page.locator('[data-testid="review-jump"]');
    expect(await jump.inputValue()).toMatch(/^2026-12-04T07:07(:00)?$/); // Chromium drops :00 seconds
    await jump.fill('2026-12-04T07:30:00');
    await jump.press('Enter');
    const tl = page.locator('[data-testid="review-timeline"]');
    await expect.poll(() => tl.evaluate((el) => (el as unknown as { playhead: number | null }).playhead)).toBe(Date.parse('2026-12-04T07:30:00+08:00'));
    expect(await page.locator('[data-testid="review-clock"]').textContent()).toBe('2026-12-04 07:30:00');
    await page.goto(`${wp.url}/review/gate?t=${T}`);
    await expect.poll(() => page.locator('[data-testid="review-clock"]').textContent()).toBe('2026-12-04 07:07:00');
  });

  it('an export range typed as 08:00 reaches the server as 08:00 Shanghai time', async () => {
    await page.locator('[data-testid="review-export"]').click();
    const dialog = page.locator('[data-testid="export-dialog"]');
    await dialog.waitFor({ state: 'visible' });
    // the preset range (the playhead ± 30 s) is shown in Shanghai time
    expect(await dialog.locator('[data-testid="export-from"]').inputValue()).toBe('2026-12-04T07:06:30');
    expect(await dialog.locator('[data-testid="site-zone"]').textContent()).toBe('Site time (UTC+8)');
    await dialog.locator('[data-testid="export-from"]').fill('2026-12-04T08:00:00');
    await dialog.locator('[data-testid="export-to"]').fill('2026-12-04T08:00:30');
    await dialog.locator('[data-testid="export-reason"]').fill('police request, site time test');
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/exports') && r.method() === 'POST'),
      dialog.locator('[data-testid="export-submit"]').click(),
    ]);
    const body = req.postDataJSON() as { from: number; to: number; cameras: string[] };
    expect(body.cameras).toEqual(['gate']);
    expect(body.from).toBe(Date.parse('2026-12-04T08:00:00+08:00'));
    expect(body.to).toBe(Date.parse('2026-12-04T08:00:30+08:00'));
    expect(pageErrors).toEqual([]);
  });

  it('the zone editor says an empty zone\'s outline problem once', async () => {
    await page.goto(`${wp.url}/camera/gate`);
    const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
    await tid('zones-toggle').click();
    await tid('zone-new').click();
    await tid('zone-save').click();
    await tid('zone-error').waitFor();
    const text = (await tid('zone-error').textContent()) ?? '';
    expect(text.match(/Zone outline/g)).toHaveLength(1);
    expect(text.match(/at least 3 points/g)).toHaveLength(1);
  });
});
