/**
 * Browser e2e of video patrol in Debian's Chromium against the real server (two 320x240 RTSP cameras and one
 * that never connects): an operator completes a 3-stop round (one anomaly, one offline stop → not verifiable)
 * surviving a reload, hands over to a second operator who acknowledges, a supervisor sees compliance, replays a
 * stop's recorded footage and records a spot-check; a direct DB edit of the duty log is caught by verify-log.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { freePort, startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, REPO_ROOT, startWatchpost, type Watchpost } from '../support/server.ts';

let rtsp: RtspServer;
let wp: Watchpost;
let browser: Browser;
const contexts: BrowserContext[] = [];
const cookies: Record<string, string> = {};
const pageErrors: string[] = [];

async function apiCall(who: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${wp.url}${path}`, {
    method,
    headers: { cookie: cookies[who]!, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function pageAs(who: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  contexts.push(ctx);
  await ctx.addCookies([{ name: 'wp_session', value: cookies[who]!.split('=')[1]!, url: wp.url }]);
  await ctx.addInitScript("localStorage.setItem('wp.lang', 'en')");
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['a', 'b'] });
  wp = await startWatchpost({
    configYaml: [
      'storage: {segmentSeconds: 2}',
      'media: {rtspTimeoutSeconds: 2}',
      'patrol: {cameraDebounceSeconds: 1, liveLatencySeconds: 2}',
      'cameras:',
      `  - {id: cam-a, name: "东门 Gate", url: "${rtsp.url('a')}"}`,
      `  - {id: dead, name: "Garage", url: "rtsp://127.0.0.1:${await freePort()}/x"}`,
      `  - {id: cam-b, name: "Lobby", url: "${rtsp.url('b')}"}`,
    ].join('\n'),
  });
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  for (const [u, role] of [['op1', 'operator'], ['op2', 'operator'], ['sup', 'supervisor']] as const) {
    expect((await apiCall('admin', 'POST', '/api/users', { username: u, password: `${u}-password`, role })).status).toBe(201);
    cookies[u] = await login(wp.url, u, `${u}-password`);
  }
  const stop = (cameraId: string) => ({ cameraId, minDwellS: 2, checklist: ['fire exit clear'] });
  const route = await apiCall('sup', 'POST', '/api/patrol/routes', {
    name: 'Key areas', post: 'control room', intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10,
    stops: [stop('cam-a'), stop('dead'), stop('cam-b')],
  });
  expect(route.status).toBe(201);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await wp?.dispose();
  await rtsp?.stop();
  if (pageErrors.length) console.warn('page errors:', pageErrors);
});

describe('video patrol in the console', () => {
  it('an operator completes a 3-stop round: normal, offline → not verifiable, anomaly; it survives a reload', async () => {
    await expect
      .poll(async () => (await apiCall('op1', 'GET', '/api/cameras')).body, { timeout: 30_000 })
      .toSatisfy((list: unknown) => (list as { id: string; status: string }[]).filter((c) => c.status === 'online').length === 2);
    const page = await pageAs('op1');
    await page.goto(`${wp.url}/rounds`);
    await tid(page, 'start-round').click();
    await expect.poll(() => tid(page, 'stepper').getAttribute('data-stop')).toBe('0');
    expect(await tid(page, 'step-normal').isDisabled()).toBe(true); // dwell not reached yet
    await tid(page, 'step-normal').click({ timeout: 10_000 });

    await expect.poll(() => tid(page, 'stepper').getAttribute('data-stop')).toBe('1');
    await page.reload(); // server-side state: the round comes back at the same stop
    await expect.poll(() => tid(page, 'stepper').getAttribute('data-stop'), { timeout: 15_000 }).toBe('1');
    await tid(page, 'step-not-verifiable').click({ timeout: 15_000 });

    await expect.poll(() => tid(page, 'stepper').getAttribute('data-stop')).toBe('2');
    await tid(page, 'step-anomaly').click({ timeout: 10_000 });
    await tid(page, 'step-note').fill('Fire exit blocked by boxes');
    await tid(page, 'step-dispatch').check();
    await tid(page, 'step-confirm-anomaly').click();
    await tid(page, 'round-done').waitFor({ timeout: 15_000 });
    expect(await tid(page, 'round-done').textContent()).toMatch(/Normal · Not verifiable · Anomaly/);

    // the recorded range of a watched stop is the video's own time of the frames shown (issue I point 3),
    // not the viewing time minus the configured 3 s: it lies inside what was watched, a little behind it
    const [mine] = (await apiCall('op1', 'GET', '/api/patrol/rounds')).body as unknown as { id: number }[];
    const round = (await apiCall('op1', 'GET', `/api/patrol/rounds/${mine!.id}`)).body as unknown as { stops: { recFromMs: number; recToMs: number; viewStartedMs: number; viewEndedMs: number }[] };
    const s0 = round.stops[0]!;
    expect(s0.recFromMs).not.toBe(s0.viewStartedMs - 3000);
    expect(s0.recFromMs).toBeGreaterThanOrEqual(s0.viewStartedMs - 30_000);
    expect(s0.recToMs).toBeLessThanOrEqual(s0.viewEndedMs + 2000);
    expect(s0.recToMs).toBeGreaterThan(s0.recFromMs);
  });

  it('the outgoing operator hands over; the incoming operator acknowledges', async () => {
    const out = await pageAs('op1');
    await out.goto(`${wp.url}/handover`);
    await tid(out, 'handover-offline').waitFor({ timeout: 15_000 });
    expect(await tid(out, 'handover-offline').textContent()).toContain('Garage');
    await tid(out, 'handover-notes').fill('Garage camera down, maintenance called.');
    await tid(out, 'handover-submit').click();
    await expect.poll(() => tid(out, 'handover-latest').getAttribute('data-acked')).toBe('false');
    expect(await tid(out, 'handover-ack').count()).toBe(0);

    const inc = await pageAs('op2');
    await inc.goto(`${wp.url}/handover`);
    await tid(inc, 'handover-ack').click({ timeout: 15_000 });
    await expect.poll(() => tid(inc, 'handover-latest').getAttribute('data-acked')).toBe('true');
  });

  it('a supervisor sees compliance, replays a stop and records a spot-check', async () => {
    const page = await pageAs('sup');
    await page.goto(`${wp.url}/compliance`);
    await expect.poll(() => tid(page, 'compliance-total').textContent(), { timeout: 15_000 }).toMatch(/100 %/);
    await tid(page, 'open-round').first().click();
    await expect
      .poll(() => tid(page, 'detail-stop').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome'))))
      .toEqual(['normal', 'not_verifiable', 'anomaly']);
    await tid(page, 'replay-stop').first().click();
    const video = page.locator('[data-testid="footage-video"]');
    await expect
      .poll(() => video.evaluate((v) => (v as unknown as { currentTime: number }).currentTime), { timeout: 30_000, interval: 300 })
      .toBeGreaterThan(0.5);
    // exactly the stop's window: it starts at its recorded start and pauses at its end
    const player = tid(page, 'footage');
    const win = await player.evaluate((el) => {
      const p = el as unknown as { from: number; to: number; wallTime: number | null };
      return { from: p.from, to: p.to, wall: p.wallTime };
    });
    expect(win.wall).toBeGreaterThanOrEqual(win.from - 1000);
    await expect.poll(() => video.evaluate((v) => (v as unknown as { paused: boolean }).paused), { timeout: 15_000 }).toBe(true);
    const endWall = (await player.evaluate((el) => (el as unknown as { wallTime: number | null }).wallTime))!;
    expect(Math.abs(endWall - win.to)).toBeLessThan(1000);
    // the replay is a recorded viewing like any other: in the audit trail, by the supervisor
    await expect
      .poll(async () => ((await apiCall('admin', 'GET', '/api/audit?action=recording.view.start&camera=cam-a')).body.entries as { actor: string }[]).map((e) => e.actor))
      .toContain('sup');
    expect(await tid(page, 'stop-footage').first().getAttribute('href')).toMatch(/^\/review\/cam-a\?t=\d+$/);
    await tid(page, 'spot-agree').first().click();
    await expect.poll(() => tid(page, 'spot-verdict').count()).toBe(1);
  });

  it('a supervisor creates a 2-stop route in the editor; it is due on the rounds page (operators see no editor)', async () => {
    const op = await pageAs('op2');
    await op.goto(`${wp.url}/rounds`);
    await tid(op, 'due-item').first().waitFor({ timeout: 15_000 });
    expect(await tid(op, 'new-route').count()).toBe(0);
    expect(await tid(op, 'edit-route').count()).toBe(0);

    const page = await pageAs('sup');
    await page.goto(`${wp.url}/rounds`);
    await tid(page, 'new-route').click({ timeout: 15_000 });
    await tid(page, 'route-name').fill('Editor route');
    await tid(page, 'route-save').click(); // no camera picked yet: the server's 400 is shown under the camera field
    await expect.poll(() => page.locator('[data-testid="field-error"][data-field="stops.0.cameraId"]').textContent()).toMatch(/required/i);
    await tid(page, 'route-stop-camera').first().selectOption('cam-a');
    await tid(page, 'route-stop-checklist').first().fill('Gate closed\nNo loiterers');
    await tid(page, 'route-add-stop').click();
    await tid(page, 'route-stop-camera').nth(1).selectOption('cam-b');
    await tid(page, 'route-stop-dwell').nth(1).fill('5');
    await tid(page, 'route-save').click();
    const item = page.locator('[data-testid="due-item"]', { hasText: 'Editor route' });
    await expect.poll(() => item.getAttribute('data-state'), { timeout: 15_000 }).toBe('due');
    expect(await item.textContent()).toContain('2 stops');
    const routes = (await apiCall('sup', 'GET', '/api/patrol/routes')).body as unknown as { name: string; stops: unknown[] }[];
    expect(routes.find((r) => r.name === 'Editor route')?.stops).toEqual([
      { cameraId: 'cam-a', preset: null, minDwellS: 10, checklist: ['Gate closed', 'No loiterers'] },
      { cameraId: 'cam-b', preset: null, minDwellS: 5, checklist: [] },
    ]);
  });

  it('the duty log holds it all; a direct DB edit is caught by verify-log', async () => {
    const page = await pageAs('sup');
    await page.goto(`${wp.url}/dutylog`);
    await expect.poll(() => tid(page, 'log-verify').getAttribute('data-ok'), { timeout: 15_000 }).toBe('true');
    const kinds = await tid(page, 'log-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['round_anomaly', 'round_completed', 'handover', 'handover_ack', 'spot_check']));

    const db = new Database(join(wp.dataDir, 'watchpost.db'));
    db.exec('DROP TRIGGER duty_log_no_update');
    db.prepare("UPDATE duty_log SET text = 'all quiet' WHERE kind = 'round_anomaly'").run();
    db.close();
    const out = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['scripts/verify-log.ts', '--data-dir', wp.dataDir], { cwd: REPO_ROOT }, (err, stdout) =>
        resolve({ code: err ? Number(err.code) : 0, stdout }),
      ),
    );
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/BROKEN at entry \d+/);
  });
});
