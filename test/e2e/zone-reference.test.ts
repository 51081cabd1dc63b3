/**
 * The exit zone's learned clear reference in the zone editor (issue H point 2), Debian's Chromium against the
 * real server with its demo cameras and the real model: the editor shows the reference state and, once learned,
 * the image; "re-learn" starts learning again and is audited (zone.relearn). Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { loginInPage, openConsole } from '../support/console.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('zone editor: clear reference', () => {
  let wp: Watchpost;
  let browser: Browser;
  let page: Page;
  let cookie = '';
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    wp = await startWatchpost();
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    const r = await fetch(`${wp.url}/api/cameras/demo-2/zones`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ zones: [{ name: '消防通道 lane', kind: 'exit', polygon: [[0.05, 0.6], [0.4, 0.6], [0.4, 0.95], [0.05, 0.95]], dwellSeconds: 30 }] }),
    });
    expect(r.status).toBe(200);
    browser = await launchChromium();
    ({ page } = await openConsole(browser, wp, { viewport: { width: 1366, height: 900 } }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
  });

  it('shows the learned reference and re-learns it on request, audited', async () => {
    const scene = async () => ((await (await fetch(`${wp.url}/api/analytics/status`, { headers: { cookie } })).json()) as Json).cameras?.find((c: Json) => c.cameraId === 'demo-2')?.scenes?.[0];
    const until = Date.now() + 60_000;
    while ((await scene())?.state !== 'ready') {
      if (Date.now() > until) throw new Error(`the lane was not learned: ${JSON.stringify(await scene())}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await page.goto(`${wp.url}/camera/demo-2`);
    await page.waitForURL(/\/login/);
    await loginInPage(page, 'admin', wp.adminPassword);
    await tid('zones-toggle').click();
    await expect.poll(() => tid('zone-reference-state').getAttribute('data-state')).toBe('ready');
    await expect.poll(() => tid('zone-reference-img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await tid('zone-relearn').click();
    await expect.poll(() => tid('zone-reference-state').getAttribute('data-state')).toBe('learning');
    const audit = (await (await fetch(`${wp.url}/api/audit?action=zone.relearn`, { headers: { cookie } })).json()) as Json;
    expect(audit.entries[0]).toMatchObject({ action: 'zone.relearn', cameraId: 'demo-2', detail: { fields: { zone: '消防通道 lane' } } });
  }, 120_000);
});
