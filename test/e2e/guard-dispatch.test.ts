/**
 * Issue L point 2, the guard flow in Debian's Chromium against the real server: the post dispatches an alarm to a
 * guard account from the alarm queue (the pick-list offers the guard accounts); the guard's phone page (390×844,
 * touch, zh-CN first) shows it within 2 s; the guard answers on my way → arrived → handled with a photo from the
 * phone's camera input and a note; the post sees each step live on the alarm and on the wall pop-up; the duty log
 * has every step and its verify endpoint says the chain is intact. Only 127.0.0.1 is contacted.
 */
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { seedAlarm } from '../support/alarms.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('guard dispatch to a phone (issue L point 2)', () => {
  let wp: Watchpost;
  let cookie: string;
  let browser: Browser;
  let post: Page;
  let wall: Page;
  let phone: Page;
  let alarmId: number;
  const pageErrors: string[] = [];

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const r = await fetch(`${wp.url}${path}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };

  beforeAll(async () => {
    wp = await startWatchpost({
      configYaml: ['server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}', 'cameras:', '  - {id: gate, name: "东门 East gate", url: "rtsp://127.0.0.1:9/none"}'].join('\n'),
    });
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    expect((await api('POST', '/api/users', { username: 'wang', password: 'wang-guard-pass-2026', role: 'guard', displayName: '王保安' })).status).toBe(201);
    alarmId = seedAlarm(wp.dataDir, { cameraId: 'gate', zone: '消防通道', kind: 'blocked_exit', priority: 1 });
    expect((await api('POST', `/api/alarms/${alarmId}/ack`, {})).status).toBe(200);

    browser = await launchChromium();
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const [name, value] = cookie.split('=') as [string, string];
    await desk.addCookies([{ name, value, url: wp.url }]);
    await desk.addInitScript({ content: `localStorage.setItem('wp.lang', 'en');` });
    post = await desk.newPage();
    wall = await desk.newPage();
    // the phone: no saved language, an English browser — the guard page is zh-CN first
    const mobile = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' });
    phone = await mobile.newPage();
    for (const p of [post, wall, phone]) p.on('pageerror', (e) => pageErrors.push(e.message));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
  });

  it('the guard logs in on the phone and lands on /guard (zh-CN, nothing dispatched yet)', async () => {
    await phone.goto(`${wp.url}/guard`);
    await phone.getByTestId('login-username').fill('wang');
    await phone.getByTestId('login-password').fill('wang-guard-pass-2026');
    await phone.getByTestId('login-submit').click();
    await phone.getByTestId('guard-none').waitFor({ timeout: 10_000 });
    expect(new URL(phone.url()).pathname).toBe('/guard');
    expect(await phone.getByTestId('guard-none').textContent()).toContain('暂无派给您的任务');
    await phone.getByTestId('guard-live').filter({ hasText: '实时' }).waitFor({ timeout: 5000 });
    // a phone-sized page: nothing wider than the screen
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  }, 20_000);

  it('the post dispatches to the guard account; the phone shows it within 2 s', async () => {
    await post.goto(`${wp.url}/alarms`);
    const item = post.locator(`[data-testid="alarm-item"][data-alarm-id="${alarmId}"]`);
    await item.waitFor();
    // the pick-list offers the guard accounts
    await post.locator('datalist#guard-accounts option[value="wang"]').waitFor({ state: 'attached' });
    await wall.goto(`${wp.url}/wall`);
    await item.getByTestId('alarm-to').fill('wang');
    await item.getByTestId('alarm-note').fill('东门消防通道被堵');
    const t0 = Date.now();
    await item.getByTestId('alarm-dispatch').click();
    const card = phone.getByTestId('guard-dispatch');
    await card.getByTestId('guard-on-way').waitFor({ timeout: 2000 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await card.getByTestId('guard-where').textContent()).toContain('东门 East gate');
    expect(await card.getByTestId('guard-where').textContent()).toContain('消防通道');
    expect(await card.getByTestId('guard-post-note').textContent()).toContain('东门消防通道被堵');
    await item.locator('[data-testid="dispatch-steps"][data-state="sent"]').waitFor();
  }, 20_000);

  it('the guard answers on my way, arrived, handled with a photo; the post sees each step live', async () => {
    const card = phone.getByTestId('guard-dispatch');
    const steps = post.locator(`[data-testid="alarm-item"][data-alarm-id="${alarmId}"] [data-testid="dispatch-steps"]`);
    const popup = wall.locator(`[data-testid="dispatch-popup"][data-alarm-id="${alarmId}"] [data-testid="dispatch-steps"]`);

    await card.getByTestId('guard-on-way').tap();
    await steps.and(post.locator('[data-state="on_way"]')).waitFor({ timeout: 2000 });
    await popup.and(wall.locator('[data-state="on_way"]')).waitFor({ timeout: 2000 });

    await card.getByTestId('guard-arrived').tap();
    await steps.and(post.locator('[data-state="arrived"]')).waitFor({ timeout: 2000 });

    const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#a33' } }).jpeg().toBuffer();
    expect(await card.getByTestId('guard-photo').getAttribute('capture')).toBe('environment');
    // not a photo: a clear message on the phone, nothing stored
    await card.getByTestId('guard-photo').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    await card.getByTestId('guard-error').filter({ hasText: '这不是照片' }).waitFor({ timeout: 5000 });
    // a big PNG is re-encoded on the phone as a JPEG under the limit
    const big = await sharp({ create: { width: 2600, height: 1200, channels: 3, background: '#39c' } }).png({ compressionLevel: 0 }).toBuffer();
    expect(big.length).toBeGreaterThan(8 * 1024 * 1024);
    await card.getByTestId('guard-photo').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await card.getByTestId('guard-photo-label').filter({ hasText: '1/3' }).waitFor({ timeout: 5000 });
    await card.getByTestId('guard-photo').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
    await card.getByTestId('guard-photo-label').filter({ hasText: '2/3' }).waitFor({ timeout: 10_000 });
    expect(await card.getByTestId('guard-error').count()).toBe(0);
    await steps.getByTestId('dispatch-photo').nth(1).waitFor({ timeout: 2000 });
    await card.getByTestId('guard-note').fill('杂物已清走，通道畅通');
    await card.getByTestId('guard-handled').tap();
    await card.getByTestId('guard-done').waitFor({ timeout: 2000 });

    await steps.and(post.locator('[data-state="handled"]')).waitFor({ timeout: 2000 });
    expect(await steps.getByTestId('dispatch-handled-note').textContent()).toContain('杂物已清走');
    await popup.and(wall.locator('[data-state="handled"]')).waitFor({ timeout: 2000 });
    expect(await popup.getByTestId('dispatch-photo').count()).toBe(2);
    const src = await popup.getByTestId('dispatch-photo').nth(1).getAttribute('src');
    const photoOk = (await wall.request.get(`${wp.url}${src}`)).status();
    expect(photoOk).toBe(200);
  }, 30_000);

  it('the duty log has every step and verifies; compliance shows the response times', async () => {
    const entries = ((await api('GET', '/api/dutylog?limit=100')).body as Json[]).filter((e) => e.data?.alarmId === alarmId).reverse();
    expect(entries.map((e) => e.kind)).toEqual(['alarm_ack', 'alarm_dispatch', 'dispatch_on_way', 'dispatch_arrived', 'dispatch_handled']);
    expect(entries.at(-1).data.photos.map((p: Json) => p.mime)).toEqual(['image/jpeg', 'image/jpeg']);
    expect(entries.at(-1).data.photos[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    // the response times are on the compliance page
    await post.goto(`${wp.url}/compliance`);
    const day = post.getByTestId('dispatch-times-day');
    await day.waitFor({ timeout: 5000 });
    expect(await day.getByTestId('times-handled').textContent()).toMatch(/\d+ s \/ \d+ s/);
    const v = (await api('GET', '/api/dutylog/verify')).body;
    expect(v.ok, JSON.stringify(v)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
