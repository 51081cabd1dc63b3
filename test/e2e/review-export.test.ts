/**
 * Browser e2e of recording review and evidence export in Debian's Chromium against the real server recording
 * the GStreamer RTSP test camera: an audit-trail row (an evidence lock, as an alarm would be) → "Footage" →
 * the review page plays the recording from that time (hls.js VOD) with the timeline → export the range with a
 * case and reason → progress → download → the bundle verifies; a second camera plays in sync and goes into the
 * same bundle; a duty-log entry's "Footage" link opens the review at the entry's time, with its marker on the
 * timeline. Only 127.0.0.1 is contacted.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../server/evidence/verify.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

const tmp = mkdtempSync(join(tmpdir(), 'wp-review-e2e-'));
let rtsp: RtspServer;
let wp: Watchpost;
let browser: Browser;
let page: Page;
let cookie = '';
let lockFrom = 0;
let logEntry: { seq: number; ts: number } = { seq: 0, ts: 0 };
const pageErrors: string[] = [];

const pad = (n: number) => String(n).padStart(2, '0');
const localInput = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

async function api(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', cookie);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${wp.url}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
}

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['cam', 'side'] });
  wp = await startWatchpost({
    configYaml: [
      'storage: {segmentSeconds: 2}',
      'cameras:',
      `  - {id: gate, name: "东门 Gate", url: "${rtsp.url('cam')}"}`,
      `  - {id: side, name: "Side door", url: "${rtsp.url('side')}"}`,
    ].join('\n'),
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
  // ~14 s of footage, then an "alarm-like" entry in the audit trail: an evidence lock on 8 s of it
  let start = 0;
  for (let i = 0; i < 60; i++) {
    const tl = (await (await api(`/api/cameras/gate/timeline?from=${Date.now() - 120_000}&to=${Date.now()}`)).json()) as { ranges: { start: number; end: number }[] };
    const r = tl.ranges[0];
    if (r && r.end - r.start >= 14_000) {
      start = r.start;
      break;
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
  expect(start).toBeGreaterThan(0);
  lockFrom = start + 3000;
  const lock = await api('/api/locks', { method: 'POST', json: { camera: 'gate', from: lockFrom, to: lockFrom + 8000, reason: 'Alarm: loitering at the east gate' } });
  expect(lock.status).toBe(201);
  // a duty-log entry about the camera, written while it records: its "Footage" link opens the review there
  const entry = await api('/api/dutylog', { method: 'POST', json: { category: 'visitor', text: 'courier at the east gate', cameraId: 'gate' } });
  expect(entry.status).toBe(201);
  logEntry = (await entry.json()) as { seq: number; ts: number };

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', acceptDownloads: true });
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
  rmSync(tmp, { recursive: true, force: true });
  if (pageErrors.length) console.warn('page errors:', pageErrors);
});

describe('recording review and export in the browser', () => {
  it('jumps from an audit entry to the footage and plays it from that time', async () => {
    await page.goto(`${wp.url}/audit`);
    const row = page.locator('[data-testid="audit-row"][data-action="lock.create"]');
    await row.waitFor({ timeout: 15_000 });
    await row.locator('[data-testid="audit-jump"]').click();
    await page.waitForURL(/\/review\/gate\?t=\d+/);
    expect(new URL(page.url()).searchParams.get('t')).toBe(String(lockFrom));

    const video = page.locator('[data-testid="recorded-video"]');
    const time = () => video.evaluate((v) => (v as unknown as { currentTime: number }).currentTime);
    await expect.poll(async () => (await time()) > 0 && (await video.evaluate((v) => !(v as unknown as { paused: boolean }).paused)), { timeout: 20_000 }).toBe(true);
    const t0 = await time();
    await expect.poll(time, { timeout: 10_000 }).toBeGreaterThan(t0 + 1.5); // it plays
    await page.screenshot({ path: join(tmp, 'review.png') });
    if (process.env.WP_E2E_SCREENSHOTS) execFileSync('cp', [join(tmp, 'review.png'), process.env.WP_E2E_SCREENSHOTS]);
    // the wall clock shown follows the footage, starting at the linked time
    const shown = await page.locator('[data-testid="review-clock"]').textContent();
    const clock = new Date(lockFrom);
    expect(shown).toContain(`${pad(clock.getHours())}:${pad(clock.getMinutes())}`);
    // the timeline shows the recording, the lock and the playhead
    const tl = page.locator('[data-testid="review-timeline"]');
    await expect.poll(() => tl.evaluate((el) => el.shadowRoot!.querySelectorAll('rect.range').length)).toBeGreaterThan(0);
    expect(await tl.evaluate((el) => el.shadowRoot!.querySelectorAll('rect.lock').length)).toBeGreaterThan(0);
    expect(await tl.evaluate((el) => el.shadowRoot!.querySelectorAll('[data-testid="timeline-playhead"]').length)).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('plays a second camera in sync with the first', async () => {
    await page.locator('[data-testid="review-add-camera"]').selectOption('side');
    const players = page.locator('wp-recorded-player');
    await expect.poll(() => players.count()).toBe(2);
    const wall = (i: number) => players.nth(i).evaluate((el) => (el as unknown as { wallTime: number | null }).wallTime);
    const side = players.nth(1).locator('video');
    const t0 = await side.evaluate((v) => (v as unknown as { currentTime: number }).currentTime);
    await expect.poll(() => side.evaluate((v) => (v as unknown as { currentTime: number }).currentTime), { timeout: 15_000 }).toBeGreaterThan(t0 + 1);
    const [a, b] = [await wall(0), await wall(1)];
    expect(a).not.toBeNull();
    expect(Math.abs(a! - b!)).toBeLessThan(2500);
  });

  it('seeks on the timeline', async () => {
    const bar = page.locator('[data-testid="review-timeline"] [data-testid="timeline-bar"]');
    const box = (await bar.boundingBox())!;
    await page.locator('[data-testid="review-play"]').click(); // pause
    const clock = page.locator('[data-testid="review-clock"]');
    const before = await clock.textContent();
    await bar.click({ position: { x: box.width * 0.2, y: box.height / 2 } });
    await expect.poll(async () => await clock.textContent()).not.toBe(before);
    await page.locator('[data-testid="review-play"]').click(); // play again
  });

  it('exports both cameras as one signed bundle that verifies', async () => {
    await page.locator('[data-testid="review-export"]').click();
    const dialog = page.locator('[data-testid="export-dialog"]');
    await dialog.waitFor({ state: 'visible' });
    // the cameras on screen are preselected
    expect(await dialog.locator('[data-testid="export-camera"]:checked').count()).toBe(2);
    await dialog.locator('[data-testid="export-from"]').fill(localInput(lockFrom));
    await dialog.locator('[data-testid="export-to"]').fill(localInput(lockFrom + 6000));
    await dialog.locator('[data-testid="export-case"]').fill('CASE-7');
    await dialog.locator('[data-testid="export-reason"]').fill('loitering incident, requested by the police');
    await dialog.locator('[data-testid="export-submit"]').click();
    const download = dialog.locator('[data-testid="export-download"]');
    await download.waitFor({ timeout: 30_000 });
    expect(await dialog.locator('[data-testid="export-hash"]').textContent()).toMatch(/^[0-9a-f]{64}$/);
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const path = join(tmp, 'bundle.zip');
    await file.saveAs(path);
    const key = (await (await api('/api/evidence/public-key')).json()) as { fingerprint: string };
    const v = await verifyBundle(path, { expectKey: key.fingerprint });
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.manifest).toMatchObject({ case: 'CASE-7', exportedBy: { username: 'admin' } });
    expect(v.manifest!.items.map((i) => i.camera.id)).toEqual(['gate', 'side']);
    for (const item of v.manifest!.items) expect(item.actual.startMs).toBeLessThanOrEqual(lockFrom);
    await dialog.locator('[data-testid="export-close"]').click();
    expect(pageErrors).toEqual([]);
  });
  it('jumps from a duty-log entry to the footage at its time, with the entry on the timeline', async () => {
    await page.goto(`${wp.url}/dutylog`);
    const row = page.locator(`[data-testid="log-row"][data-seq="${logEntry.seq}"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.locator('[data-testid="log-footage"]').click();
    await page.waitForURL(/\/review\/gate\?t=\d+/);
    expect(new URL(page.url()).searchParams.get('t')).toBe(String(logEntry.ts));

    const player = page.locator('wp-recorded-player').first();
    const wall = () => player.evaluate((el) => (el as unknown as { wallTime: number | null }).wallTime);
    const video = player.locator('video');
    await expect.poll(() => video.evaluate((v) => !(v as unknown as { paused: boolean }).paused && (v as unknown as { currentTime: number }).currentTime > 0), { timeout: 20_000 }).toBe(true);
    // the player starts at the entry's time (within a few seconds) and plays on from there
    const w0 = (await wall())!;
    expect(Math.abs(w0 - logEntry.ts)).toBeLessThan(4000);
    await expect.poll(async () => (await wall())! - w0, { timeout: 10_000 }).toBeGreaterThan(1000);
    // the timeline cursor follows, and the entry is a marker
    const tl = page.locator('[data-testid="review-timeline"]');
    const playhead = Number(await tl.evaluate((el) => (el as unknown as { playhead: number | null }).playhead));
    expect(Math.abs(playhead - logEntry.ts)).toBeLessThan(8000);
    await expect.poll(() => tl.evaluate((el) => (el as unknown as { data: { markers: { kind: string; id: string }[] } | null }).data?.markers ?? [])).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'duty-log', id: String(logEntry.seq) })]),
    );
    expect(await tl.evaluate((el) => el.shadowRoot!.querySelectorAll('line.marker').length)).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });
});
