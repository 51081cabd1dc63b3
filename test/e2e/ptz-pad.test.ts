/**
 * The PTZ arrow pad on the single-camera view (issue K), Debian's Chromium against the real server and a virtual
 * ONVIF dome on loopback: press and hold an arrow → the dome receives ContinuousMove with the pad's velocities,
 * and Stop when the button is let go (held longer than the server's 1.5 s dead-man timeout: the console's repeats
 * keep it moving); leaving the button stops too; a diagonal at the fast speed, zoom; the arrow keys on the focused
 * picture; the presets list; another user's gesture shown as an error; a camera without PTZ shows no pad; zh-CN.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { launchChromium } from '../support/browser.ts';
import { openConsole, type ConsoleLang } from '../support/console.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { VirtualOnvifCamera } from '../support/virtual-onvif/camera.ts';
import { COLLECT, latinWords, report, type Found } from '../support/zh-text.ts';

let rtsp: RtspServer;
let wp: Watchpost;
let dome: VirtualOnvifCamera;
let fixed: VirtualOnvifCamera;
let browser: Browser;
const contexts: BrowserContext[] = [];
const cookies: Record<string, string> = {};
const pageErrors: string[] = [];
const call = apiClient(() => wp, { timeoutMs: 15_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const velocities = (from = 0) => dome.state.moves.slice(from).map(({ pan, tilt, zoom }) => [pan, tilt, zoom]);

async function pageAs(who: string, lang: ConsoleLang = 'en'): Promise<Page> {
  const { context, page } = await openConsole(browser, wp, { cookie: cookies[who], lang, errors: pageErrors });
  contexts.push(context);
  return page;
}
const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/** Press the mouse on a pad button, hold it `ms`, and report what the dome had received just before the release. */
async function holdButton(page: Page, id: string, ms: number): Promise<{ stopsBeforeRelease: number; releasedAt: number }> {
  await tid(page, id).hover();
  await page.mouse.down();
  await sleep(ms);
  const stopsBeforeRelease = dome.state.stops.length;
  const releasedAt = Date.now();
  await page.mouse.up();
  return { stopsBeforeRelease, releasedAt };
}
async function waitStops(n: number): Promise<void> {
  await expect.poll(() => dome.state.stops.length, { timeout: 5000, interval: 20 }).toBe(n);
}

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['dome', 'fixed'] });
  dome = await new VirtualOnvifCamera({
    name: 'Dome', mainUri: rtsp.url('dome'), password: 'cam-pw', ptz: true,
    presets: [{ token: 'p1', name: 'Gate' }, { token: 'p2', name: 'Car park' }],
  }).start();
  fixed = await new VirtualOnvifCamera({ name: 'Fixed', mainUri: rtsp.url('fixed'), password: 'cam-pw' }).start();
  wp = await startWatchpost({ configYaml: ['storage: {segmentSeconds: 2}', 'cameras: []'].join('\n') });
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  for (const [id, c] of [['dome', dome], ['fixed', fixed]] as const) {
    const r = await call('POST', '/api/onvif/cameras', { cookie: cookies.admin, json: { xaddr: c.xaddr, id, name: c.opts.name, username: 'admin', password: 'cam-pw' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  for (const u of ['op1', 'op2']) {
    expect((await call('POST', '/api/users', { cookie: cookies.admin, json: { username: u, password: `${u}-password-2026`, role: 'operator' } })).status).toBe(201);
    cookies[u] = await login(wp.url, u, `${u}-password-2026`);
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await wp?.dispose();
  await Promise.all([dome?.stop(), fixed?.stop()]);
  await rtsp?.stop();
  if (pageErrors.length) console.warn('page errors:', pageErrors);
});

describe('the PTZ pad on the single view', () => {
  let page: Page;

  it('press and hold an arrow: ContinuousMove at once, held past the dead-man timeout, Stop on release', async () => {
    page = await pageAs('op1');
    await page.goto(`${wp.url}/camera/dome`);
    await tid(page, 'ptz-pad').waitFor({ timeout: 15_000 });
    const pressedAt = Date.now();
    const { stopsBeforeRelease, releasedAt } = await holdButton(page, 'ptz-right', 2500);
    expect(stopsBeforeRelease).toBe(0); // 2.5 s held: the console's repeats kept the server from stopping it
    await waitStops(1);
    expect(velocities()).toEqual([[0.6, 0, 0]]); // the normal speed, pan right; repeats were not re-sent to the dome
    const move = dome.state.moves[0]!;
    const stop = dome.state.stops[0]!;
    expect(move.at - pressedAt).toBeLessThan(2000); // hover + press + a clock read and the move on a busy box
    expect(stop.at - releasedAt).toBeLessThan(1000); // the release's Stop, not the server's timeout
    console.info(`PTZ pad: press → ContinuousMove ${move.at - pressedAt} ms, release → Stop ${stop.at - releasedAt} ms`);
    expect(dome.isTurning()).toBe(false);
  });

  it('leaving the button stops; a diagonal at the fast speed; zoom out', async () => {
    const n = dome.state.moves.length;
    await tid(page, 'ptz-up').hover();
    await page.mouse.down();
    await expect.poll(() => dome.state.moves.length, { timeout: 3000, interval: 20 }).toBe(n + 1);
    await page.mouse.move(5, 5); // off the button, still pressed
    await waitStops(2);
    await page.mouse.up();
    await tid(page, 'ptz-speed-1').click();
    expect(await tid(page, 'ptz-speed-1').getAttribute('aria-pressed')).toBe('true');
    await holdButton(page, 'ptz-up-left', 600);
    await waitStops(3);
    await holdButton(page, 'ptz-zoom-out', 600);
    await waitStops(4);
    expect(velocities(n)).toEqual([[0, 0.6, 0], [-1, 1, 0], [0, 0, -1]]);
  });

  it('arrow keys on the focused picture move the camera while held; two arrows = a diagonal; losing the focus stops', async () => {
    const n = dome.state.moves.length;
    const stops = dome.state.stops.length;
    await tid(page, 'camera-picture').focus();
    await page.keyboard.down('ArrowDown');
    await sleep(300);
    await page.keyboard.down('ArrowLeft');
    await sleep(300);
    await page.keyboard.up('ArrowDown');
    await page.keyboard.up('ArrowLeft');
    await waitStops(stops + 1);
    // down, down + left, left alone once down is let go; the pad's speed (fast) applies to the keys too
    expect(velocities(n)).toEqual([[0, -1, 0], [-1, -1, 0], [-1, 0, 0]]);
    await page.keyboard.down('+');
    await sleep(300);
    await page.keyboard.up('+');
    await waitStops(stops + 2);
    expect(velocities(n).at(-1)).toEqual([0, 0, 1]);
    // the picture loses the focus while a key is held (Tab away): stop, without waiting for the key's release
    await page.keyboard.down('ArrowRight');
    await expect.poll(() => velocities(n).at(-1), { timeout: 3000, interval: 20 }).toEqual([1, 0, 0]);
    await page.keyboard.press('Tab');
    await waitStops(stops + 3);
    await page.keyboard.up('ArrowRight');
    await sleep(300);
    expect(dome.state.stops).toHaveLength(stops + 3); // the key's release sends nothing more
  });

  it('the presets list moves the dome', async () => {
    await tid(page, 'ptz-preset-select').selectOption('p2');
    await tid(page, 'ptz-go').click();
    await expect.poll(() => tid(page, 'ptz-status').textContent(), { timeout: 10_000 }).toMatch(/Car park/);
    expect(dome.state.gotos.at(-1)!.preset).toBe('p2');
  });

  it("another user's gesture: the pad says who is moving the camera, nothing is sent for this one", async () => {
    const n = dome.state.moves.length;
    expect((await call('POST', '/api/onvif/cameras/dome/ptz/move', { cookie: cookies.op2, json: { pan: 0.2 } })).status).toBe(200);
    await tid(page, 'ptz-down').hover();
    await page.mouse.down();
    await expect.poll(() => tid(page, 'ptz-pad-error').textContent(), { timeout: 5000 }).toBe('op2 is moving this camera right now.');
    await page.mouse.up();
    expect(velocities(n)).toEqual([[0.2, 0, 0]]); // op2's only
    expect((await call('POST', '/api/onvif/cameras/dome/ptz/stop', { cookie: cookies.op2, json: {} })).status).toBe(204);
  });

  it('a camera without PTZ shows no pad, no presets, and the picture takes no arrow keys', async () => {
    await page.goto(`${wp.url}/camera/fixed`);
    await tid(page, 'camera-info').waitFor({ timeout: 15_000 });
    await expect.poll(() => tid(page, 'camera-title').textContent()).toBe('Fixed');
    expect(await tid(page, 'ptz-pad').count()).toBe(0);
    expect(await page.locator('wp-ptz-presets').count()).toBe(0);
    expect(await tid(page, 'camera-picture').getAttribute('tabindex')).toBeNull();
  });

  it('zh-CN: the pad, its buttons, speeds and hint are in Chinese', async () => {
    const zh = await pageAs('op1', 'zh-CN');
    await zh.goto(`${wp.url}/camera/dome`);
    await tid(zh, 'ptz-pad').waitFor({ timeout: 15_000 });
    const pad = zh.locator('wp-ptz-pad');
    const labels = await pad.locator('button[data-testid^="ptz-"][aria-label]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(labels).toEqual(['左上', '上仰', '右上', '左转', '右转', '左下', '下俯', '右下', '放大', '缩小']);
    // the pad's text lives in its shadow root: read each part (locators pierce it)
    const parts = await Promise.all(['h2', '.pad', '.speed', '.hint'].map((sel) => pad.locator(sel).innerText()));
    const text = parts.join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('云台控制');
    expect(text).toMatch(/速度 慢 中 快/);
    expect(text).toContain('按住按钮转动摄像机，松开即停止');
    expect(text.replace(/PTZ/g, '')).not.toMatch(/[A-Za-z]/);
    // issue K's rule, as in the zh-CN walk: every text of the pad and the presets (attributes and tooltips too)
    // (the preset names are the camera's own data, like a camera name)
    const read = ((await zh.evaluate(COLLECT)) as Found[]).filter((f) => /wp-ptz-(pad|presets)/.test(f.where) && !['Gate', 'Car park'].includes(f.text));
    expect(read.length).toBeGreaterThan(10);
    const bad = read.filter((f) => latinWords(f).length > 0);
    expect(bad.length, report(bad, (f) => `[${latinWords(f).join(', ')}]`)).toBe(0);
    expect(await tid(zh, 'camera-picture').getAttribute('aria-label')).toBe('实时画面：方向键转动摄像机，+ / − 变焦');
    // a press in zh-CN moves the dome too
    const n = dome.state.moves.length;
    const stops = dome.state.stops.length;
    await holdButton(zh, 'ptz-left', 400);
    await waitStops(stops + 1);
    expect(velocities(n)).toEqual([[-0.6, 0, 0]]);
    expect(pageErrors).toEqual([]);
  });
});
