/**
 * Issue K in Debian's Chromium against the real server: the camera form's "test connection" probes the GStreamer
 * RTSP source (test/support/rtsp.ts) and shows its resolution, codec, frame rate and bit rate before saving; an
 * unreachable port shows the translated error; the name of an existing camera (any case, spaces around) shows a
 * warning that does not block saving. Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { freePort, startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

describe('camera form: test connection and duplicate name', () => {
  let wp: Watchpost;
  let rtsp: RtspServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    [wp, rtsp, browser] = await Promise.all([
      startWatchpost({
        configYaml: ['server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}', 'cameras:', '  - {id: gate, name: "Gate East", url: "rtsp://127.0.0.1:9/none"}'].join('\n'),
      }),
      startRtspServer({ width: 640, height: 360, fps: 10 }),
      launchChromium(),
    ]);
    const cookie = await login(wp.url, 'admin', wp.adminPassword);
    const yard = await fetch(`${wp.url}/api/cameras`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'yard', name: 'Yard', url: 'rtsp://127.0.0.1:9/yard', enabled: false }),
    });
    expect(yard.status).toBe(201);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([wp?.dispose(), rtsp?.stop()]);
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  it('probes the source before saving and warns on a duplicate name', async () => {
    await page.goto(`${wp.url}/cameras`);
    await page.waitForURL(/\/login/);
    await tid('login-username').fill('admin');
    await tid('login-password').fill(wp.adminPassword);
    await tid('login-submit').click();
    await page.waitForURL(/\/cameras/);
    await tid('add-camera').click();
    await tid('camera-form').waitFor();

    // nothing to test yet
    await tid('form-test').click();
    await expect.poll(() => tid('form-test-error').getAttribute('data-code')).toBe('needs_url');

    await tid('form-url').fill(rtsp.url());
    await tid('form-test').click();
    await tid('form-test-result').waitFor({ timeout: 12_000 });
    expect(await tid('test-resolution').textContent()).toBe('640×360');
    expect(await tid('test-codec').textContent()).toBe('H.264');
    expect(await tid('test-fps').textContent()).toBe('10 fps');
    expect((await tid('test-bitrate').textContent())?.trim()).toMatch(/^\d+ kbit\/s$/);
    expect(await tid('form-test').isEnabled()).toBe(true);

    // the source changes: the old result goes
    const port = await freePort();
    await tid('form-url').fill(`rtsp://127.0.0.1:${port}/cam`);
    expect(await tid('form-test-result').count()).toBe(0);
    await tid('form-test').click();
    await expect.poll(() => tid('form-test-error').getAttribute('data-code'), { timeout: 12_000 }).toBe('unreachable');
    expect(await tid('form-test-error').textContent()).toContain('Camera unreachable');

    // duplicate name: a warning, case-insensitive and trimmed; another name clears it
    expect(await tid('form-duplicate-name').count()).toBe(0);
    await tid('form-name').fill('  gate EAST ');
    await tid('form-duplicate-name').waitFor();
    expect(await tid('form-duplicate-name').textContent()).toContain('Gate East');
    await tid('form-name').fill('Gate West');
    expect(await tid('form-duplicate-name').count()).toBe(0);

    // a warning, not a block: the duplicate saves
    await tid('form-name').fill('gate east');
    await tid('form-url').fill(rtsp.url());
    await tid('form-submit').click();
    await tid('camera-form').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('[data-testid="camera-row"]').count()).toBe(3);

    // editing a camera: its own name is no duplicate of itself, another camera's is
    await page.locator('[data-testid="camera-row"][data-camera-id="yard"] [data-testid="camera-edit"]').click();
    await tid('camera-form').waitFor();
    expect(await tid('form-name').inputValue()).toBe('Yard');
    expect(await tid('form-duplicate-name').count()).toBe(0);
    await tid('form-name').fill('yard ');
    expect(await tid('form-duplicate-name').count()).toBe(0);
    await tid('form-name').fill('Gate east');
    await tid('form-duplicate-name').waitFor();
    expect(pageErrors).toEqual([]);
  }, 25_000);
});
