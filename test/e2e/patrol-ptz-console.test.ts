/**
 * PTZ presets as patrol stops in the console (issue L point 1), Debian's Chromium against the real server and a
 * virtual ONVIF dome on loopback whose GotoPreset takes 2 s: a supervisor builds a route in the editor picking the
 * dome's preset from the list the camera offers; an operator's round stepper shows "moving to preset …" with the
 * outcome buttons disabled until the camera is there, then the dwell countdown; the stop records the preset.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { openConsole, type ConsoleLang } from '../support/console.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { VirtualOnvifCamera } from '../support/virtual-onvif/camera.ts';

const MOVE_MS = 2000;
let rtsp: RtspServer;
let wp: Watchpost;
let dome: VirtualOnvifCamera;
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

async function pageAs(who: string, lang: ConsoleLang = 'en'): Promise<Page> {
  const { context, page } = await openConsole(browser, wp, { cookie: cookies[who], lang, errors: pageErrors });
  contexts.push(context);
  return page;
}
const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['dome'] });
  dome = await new VirtualOnvifCamera({
    name: 'Dome', mainUri: rtsp.url('dome'), password: 'cam-pw', ptz: true, moveMs: MOVE_MS,
    presets: [{ token: 'p1', name: 'Gate' }, { token: 'p2', name: 'Car park' }],
  }).start();
  wp = await startWatchpost({ configYaml: ['storage: {segmentSeconds: 2}', 'patrol: {liveLatencySeconds: 2}', 'cameras: []'].join('\n') });
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  const added = await apiCall('admin', 'POST', '/api/onvif/cameras', { xaddr: dome.xaddr, id: 'dome', name: 'Dome', username: 'admin', password: 'cam-pw' });
  expect(added.status).toBe(201);
  for (const [u, role] of [['op1', 'operator'], ['sup', 'supervisor']] as const) {
    expect((await apiCall('admin', 'POST', '/api/users', { username: u, password: `${u}-password`, role })).status).toBe(201);
    cookies[u] = await login(wp.url, u, `${u}-password`);
  }
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await wp?.dispose();
  await dome?.stop();
  await rtsp?.stop();
  if (pageErrors.length) console.warn('page errors:', pageErrors);
});

describe('PTZ preset stops in the console', () => {
  it('the route editor offers the dome presets', async () => {
    const page = await pageAs('sup');
    await page.goto(`${wp.url}/rounds`);
    await tid(page, 'new-route').click({ timeout: 15_000 });
    await tid(page, 'route-name').fill('Dome tour');
    await tid(page, 'route-stop-camera').first().selectOption('dome');
    const preset = tid(page, 'route-stop-preset').first();
    await expect.poll(() => preset.locator('option').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringMatching(/no preset/), 'Gate (p1)', 'Car park (p2)']);
    await preset.selectOption('p2');
    await tid(page, 'route-stop-dwell').first().fill('2');
    await tid(page, 'route-save').click();
    await expect.poll(async () => ((await apiCall('sup', 'GET', '/api/patrol/routes')).body as { name: string }[]).some((r) => r.name === 'Dome tour'), { timeout: 10_000 }).toBe(true);
    const route = ((await apiCall('sup', 'GET', '/api/patrol/routes')).body as { name: string; stops: unknown[] }[]).find((r) => r.name === 'Dome tour')!;
    expect(route.stops).toEqual([{ cameraId: 'dome', preset: 'p2', minDwellS: 2, checklist: [] }]);
  });

  it('the stepper says "moving to preset" until the dome is there, then counts the dwell', async () => {
    await expect
      .poll(async () => ((await apiCall('op1', 'GET', '/api/cameras')).body as { status: string }[])[0]?.status, { timeout: 30_000 })
      .toBe('online');
    const page = await pageAs('op1');
    await page.goto(`${wp.url}/rounds`);
    await tid(page, 'start-round').click({ timeout: 15_000 });
    await tid(page, 'step-ptz-moving').waitFor({ timeout: 5000 });
    const t0 = Date.now();
    expect(await tid(page, 'step-ptz-moving').textContent()).toMatch(/Moving to preset p2/);
    expect(await tid(page, 'step-normal').isDisabled()).toBe(true);
    await tid(page, 'step-dwell').waitFor({ timeout: 10_000 });
    const shown = Date.now() - t0;
    expect(shown).toBeGreaterThan(MOVE_MS / 2); // the message stayed while the dome moved
    console.info(`PTZ console: "moving" shown ${shown} ms for a ${MOVE_MS} ms move`);
    expect(dome.state.gotos.map((g) => g.preset)).toEqual(['p2']);
    await tid(page, 'step-normal').click({ timeout: 10_000 });
    await tid(page, 'round-done').waitFor({ timeout: 15_000 });
    const r = (await apiCall('op1', 'GET', '/api/patrol/rounds')).body as { stops: { preset: string; arrivedMs: number; gotoMs: number; outcome: string }[] }[];
    expect(r[0]!.stops[0]).toMatchObject({ preset: 'p2', outcome: 'normal' });
    expect(r[0]!.stops[0]!.arrivedMs - r[0]!.stops[0]!.gotoMs).toBeGreaterThanOrEqual(MOVE_MS);
  });
});
