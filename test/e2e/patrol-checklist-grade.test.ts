/**
 * Issue K, patrol, in Debian's Chromium against the real server (two 320x240 RTSP cameras): on a route that
 * requires the checklist, "normal" stays disabled and says why until every item is ticked, while an anomaly can
 * be reported unticked; the stepper's last screen shows the round's grade and counts in zh-CN; the supervisor's
 * spot-check player plays directly under the stop it replays (bounding boxes); a field's error shows under that
 * field (route editor, anomaly note, spot-check note), not at the top of the page.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { apiClient } from '../support/api.ts';

let rtsp: RtspServer;
let wp: Watchpost;
let browser: Browser;
const contexts: BrowserContext[] = [];
const cookies: Record<string, string> = {};
const pageErrors: string[] = [];

const call = apiClient(() => wp);
const apiCall = (who: string, method: string, path: string, body?: unknown) => call(method, path, { cookie: cookies[who], json: body });

async function pageAs(who: string, lang: 'en' | 'zh-CN'): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: lang === 'en' ? 'en-US' : 'zh-CN' });
  contexts.push(ctx);
  await ctx.addCookies([{ name: 'wp_session', value: cookies[who]!.split('=')[1]!, url: wp.url }]);
  await ctx.addInitScript(`localStorage.setItem('wp.lang', '${lang}')`);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
const box = async (l: Locator) => {
  const b = await l.boundingBox();
  if (!b) throw new Error('element not rendered');
  return b;
};
/** `below` starts right under `above` (within `gap` px) and they overlap horizontally. */
async function expectUnder(below: Locator, above: Locator, gap: number): Promise<void> {
  const a = await box(above);
  const b = await box(below);
  expect(b.y).toBeGreaterThanOrEqual(a.y + a.height - 1);
  expect(b.y - (a.y + a.height)).toBeLessThan(gap);
  expect(b.x).toBeLessThan(a.x + a.width);
  expect(b.x + b.width).toBeGreaterThan(a.x);
}

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['a', 'b'] });
  wp = await startWatchpost({
    configYaml: [
      'storage: {segmentSeconds: 2}',
      'patrol: {cameraDebounceSeconds: 1, liveLatencySeconds: 2}',
      'cameras:',
      `  - {id: cam-a, name: "东门", url: "${rtsp.url('a')}"}`,
      `  - {id: cam-b, name: "大厅", url: "${rtsp.url('b')}"}`,
    ].join('\n'),
  });
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  for (const [u, role] of [['op1', 'operator'], ['sup', 'supervisor']] as const) {
    expect((await apiCall('admin', 'POST', '/api/users', { username: u, password: `${u}-password`, role })).status).toBe(201);
    cookies[u] = await login(wp.url, u, `${u}-password`);
  }
  const route = await apiCall('sup', 'POST', '/api/patrol/routes', {
    name: '重点区域', post: '监控中心', intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10, requireChecklist: true,
    stops: [{ cameraId: 'cam-a', minDwellS: 1, checklist: ['消防通道畅通', '无可疑人员'] }, { cameraId: 'cam-b', minDwellS: 1, checklist: ['大厅无人逗留'] }],
  });
  expect(route.status).toBe(201);
  browser = await launchChromium();
  const end = Date.now() + 30_000;
  const online = async () => ((await apiCall('op1', 'GET', '/api/cameras')).body as unknown as { status: string }[]).filter((c) => c.status === 'online').length;
  while ((await online()) < 2) {
    if (Date.now() > end) throw new Error('the cameras did not come online');
    await new Promise((r) => setTimeout(r, 300));
  }
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await wp?.dispose();
  await rtsp?.stop();
  if (pageErrors.length) console.warn('page errors:', pageErrors);
});

describe('patrol: required checklist, grade at the end, replay by its stop, errors by their field', () => {
  it('zh-CN: "normal" is disabled with its reason until all is ticked; an anomaly needs no ticks; the last screen shows the grade', async () => {
    const page = await pageAs('op1', 'zh-CN');
    await page.goto(`${wp.url}/rounds`);
    await tid(page, 'start-round').click({ timeout: 15_000 });
    await expect.poll(() => tid(page, 'stepper').getAttribute('data-stop')).toBe('0');
    await expect.poll(() => tid(page, 'step-dwell').getAttribute('class'), { timeout: 10_000 }).toContain('ready');

    const normal = tid(page, 'step-normal');
    const reason = tid(page, 'step-normal-reason');
    expect(await normal.isDisabled()).toBe(true);
    expect(await reason.textContent()).toBe('勾选全部检查项后才能确认“正常”（还有 2 项未勾选）。任何时候都可以上报异常。');
    expect(await normal.getAttribute('title')).toBe(await reason.textContent());
    expect(await normal.getAttribute('aria-describedby')).toBe('normal-why');
    await expectUnder(reason, normal, 40); // the reason is right by the button
    await tid(page, 'step-check').nth(0).check();
    await expect.poll(() => reason.textContent()).toContain('还有 1 项');
    expect(await normal.isDisabled()).toBe(true);
    await tid(page, 'step-check').nth(1).check();
    await expect.poll(() => normal.isDisabled()).toBe(false);
    expect(await reason.count()).toBe(0);
    await normal.click();

    await expect.poll(() => tid(page, 'stepper').getAttribute('data-stop')).toBe('1');
    await expect.poll(() => tid(page, 'step-dwell').getAttribute('class'), { timeout: 10_000 }).toContain('ready');
    expect(await tid(page, 'step-normal').isDisabled()).toBe(true); // nothing ticked…
    await tid(page, 'step-anomaly').click(); // …but an anomaly can always be reported
    await tid(page, 'step-confirm-anomaly').click(); // without a note: the error shows under the note
    const noteError = page.locator('[data-testid="field-error"][data-field="note"]');
    await expect.poll(() => noteError.textContent()).toBe('请描述异常情况');
    await expectUnder(noteError, tid(page, 'step-note'), 20);
    expect(await tid(page, 'step-error').count()).toBe(0);
    await tid(page, 'step-note').fill('大厅有人逗留');
    await tid(page, 'step-confirm-anomaly').click();

    // the last screen: the grade and the counts, in Chinese
    const result = tid(page, 'round-result');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute('data-status')).toBe('completed');
    expect(await tid(page, 'round-grade').getAttribute('data-grade')).toBe('on_time');
    expect(await tid(page, 'round-grade').textContent()).toBe('准时');
    expect(await tid(page, 'count-normal').getAttribute('data-n')).toBe('1');
    expect(await tid(page, 'count-anomaly').getAttribute('data-n')).toBe('1');
    expect(await tid(page, 'count-not-verifiable').getAttribute('data-n')).toBe('0');
    expect(await tid(page, 'count-missed').getAttribute('data-n')).toBe('0');
    expect(await tid(page, 'round-counts').textContent()).toMatch(/正常[\s\S]*异常[\s\S]*无法核实[\s\S]*漏查点位/);
    expect(await tid(page, 'round-timing').textContent()).toMatch(/开始于 .*前开始为准时.*结束于/);
    expect(await tid(page, 'round-done').textContent()).toBe('点位：正常 · 异常');
    expect(await tid(page, 'step-title').textContent()).toBe('重点区域 · 本轮巡查完成');
    // no Latin word on the whole last screen
    expect(await page.locator('wp-round-stepper').evaluate((el) => el.shadowRoot!.textContent)).not.toMatch(/[A-Za-z]{2,}/);
    await tid(page, 'step-back').click();
    await tid(page, 'due-item').first().waitFor({ timeout: 10_000 });
    expect(await tid(page, 'due-item').first().getAttribute('data-state')).toBe('done');
  });

  it('the spot-check player plays directly under the stop it replays; a spot-check note error is under that note', async () => {
    const page = await pageAs('sup', 'en');
    await page.goto(`${wp.url}/compliance`);
    await tid(page, 'open-round').first().click({ timeout: 15_000 });
    const rows = tid(page, 'detail-stop');
    await expect.poll(() => rows.count()).toBe(2);
    for (const idx of [1, 0]) {
      await rows.nth(idx).locator('[data-testid="replay-stop"]').click();
      const player = tid(page, 'footage');
      await expect.poll(() => player.count()).toBe(1);
      expect(await tid(page, 'replay-row').getAttribute('data-idx')).toBe(String(idx));
      await expectUnder(player, rows.nth(idx), 24);
      if (idx === 0) {
        // and above the next stop
        const p = await box(player);
        expect(p.y + p.height).toBeLessThanOrEqual((await box(rows.nth(1))).y + 1);
      }
    }

    await rows.nth(1).locator('[data-testid="spot-disagree"]').click(); // no note
    const err = page.locator('[data-testid="field-error"][data-field="note"]');
    await expect.poll(() => err.textContent()).toBe('Say what you disagree with');
    await expectUnder(err, rows.nth(1).locator('textarea'), 20);
  });

  it('route editor (zh-CN): a field error shows under its field; the "require checklist" option is saved', async () => {
    const page = await pageAs('sup', 'zh-CN');
    await page.goto(`${wp.url}/rounds`);
    await tid(page, 'new-route').click({ timeout: 15_000 });
    await tid(page, 'route-name').fill('大门路线');
    await tid(page, 'route-stop-checklist').first().fill('大门关闭');
    await tid(page, 'route-save').click(); // no camera picked
    const err = page.locator('[data-testid="field-error"][data-field="stops.0.cameraId"]');
    await expect.poll(() => err.textContent()).toBe('必填');
    await expectUnder(err, tid(page, 'route-stop-camera').first(), 20);
    expect(await tid(page, 'route-stop-camera').first().getAttribute('aria-invalid')).toBe('true');
    expect(await tid(page, 'route-error').count()).toBe(0);
    const stop = await box(tid(page, 'route-stop').first());
    const e = await box(err);
    expect(e.y + e.height).toBeLessThanOrEqual(stop.y + stop.height); // inside its stop, not above the form

    await tid(page, 'route-stop-camera').first().selectOption('cam-a');
    await tid(page, 'route-require-checklist').check();
    await tid(page, 'route-save').click();
    await page.locator('[data-testid="due-item"]', { hasText: '大门路线' }).waitFor({ timeout: 15_000 });
    const routes = (await apiCall('sup', 'GET', '/api/patrol/routes')).body as unknown as { name: string; requireChecklist: boolean }[];
    expect(routes.find((r) => r.name === '大门路线')?.requireChecklist).toBe(true);
    expect(routes.find((r) => r.name === '重点区域')?.requireChecklist).toBe(true);
  });
});
