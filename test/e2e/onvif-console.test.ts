/**
 * Browser e2e of ONVIF onboarding. Everything runs inside a throw-away network namespace — the RTSP server, two
 * virtual ONVIF cameras answering WS-Discovery, Watchpost and Chromium (driven from here over a pipe) — so the
 * multicast never reaches the host's network. An admin discovers the cameras, gets "authentication failed" for a
 * wrong password, adds one with the right credentials, sees it live on the wall and moves it to a PTZ preset.
 */
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsSupport } from '../support/netns.ts';
import { needCapability } from '../support/capability.ts';
import { startOnvifSite, type OnvifSite } from '../support/virtual-onvif/site.ts';

const NS = netnsSupport();
if (!NS.ok) console.warn(`SKIPPED onvif-console e2e: ${NS.reason}`);
const PW = 'e2e-cam-pw-3';

async function advancing(page: Page, videos: Locator): Promise<number> {
  const times = () => videos.evaluateAll((els) => els.map((v) => (v as unknown as { currentTime: number }).currentTime));
  const before = await times();
  await page.waitForTimeout(1500);
  const after = await times();
  return after.filter((t, i) => before[i] !== undefined && t > before[i]! + 0.3).length;
}

describe('ONVIF onboarding in the console', () => {
  let site: OnvifSite;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    needCapability('onvif-console: a network namespace', NS.ok, NS.reason);
    site = await startOnvifSite({
      rtspUser: 'admin',
      rtspPassword: PW,
      cameras: [
        { name: 'Gate East', main: 'main1', sub: 'sub1', password: PW, ptz: true, presets: [{ token: 'p1', name: 'Door' }, { token: 'p2', name: 'Yard' }], clockSkewMs: 20_000, discovery: true },
        { name: 'Car Park', main: 'main2', password: PW, discovery: true },
      ],
    });
    browser = await chromium.launch({
      executablePath: site.ns.wrapper('/usr/bin/chromium'),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await site?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  it('an admin discovers the cameras and adds one with its credentials', async () => {
    await page.goto(`${site.baseUrl}/cameras`);
    await page.waitForURL(/\/login/);
    await page.locator('[data-testid="login-username"]').fill('admin');
    await page.locator('[data-testid="login-password"]').fill(site.adminPassword);
    await page.locator('[data-testid="login-submit"]').click();
    await page.waitForURL(/\/cameras/);

    await page.locator('[data-testid="open-discovery"]').click();
    await page.locator('[data-testid="discover-run"]').click();
    const rows = page.locator('[data-testid="discovered-device"]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const gate = page.locator('[data-testid="discovered-device"][data-name="Gate East"]');
    await gate.locator('[data-testid="device-add"]').click();

    await page.locator('[data-testid="onboard-username"]').fill('admin');
    await page.locator('[data-testid="onboard-password"]').fill('not-the-password');
    await page.locator('[data-testid="onboard-connect"]').click();
    await expect.poll(() => page.locator('[data-testid="onboard-error"]').textContent(), { timeout: 10_000 }).toMatch(/Authentication failed/);

    await page.locator('[data-testid="onboard-password"]').fill(PW);
    await page.locator('[data-testid="onboard-connect"]').click();
    await expect.poll(() => page.locator('[data-testid="onboard-preview"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('[data-testid="onboard-clock"]').getAttribute('data-warning')).toBe('true');
    await expect.poll(() => page.locator('[data-testid="onboard-thumbnail"]').count()).toBe(1);
    expect(await page.locator('[data-testid="onboard-name"]').inputValue()).toBe('Gate East');
    await page.locator('[data-testid="onboard-add"]').click();

    await expect.poll(() => gate.locator('[data-testid="device-added"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('[data-testid="onboard-password"]').count()).toBe(0); // the form with the password is gone
    const row = page.locator('[data-testid="camera-row"][data-camera-id="gate-east"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => row.locator('[data-testid="credentials-saved"]').count()).toBe(1);
    await expect.poll(() => row.locator('[data-testid="clock-warning"]').count()).toBe(1);
    expect(await page.content()).not.toContain(PW);
  });

  it('sees it live on the wall', async () => {
    await page.goto(`${site.baseUrl}/wall`);
    const tile = page.locator('[data-testid="tile"][data-camera-id="gate-east"]');
    await expect
      .poll(() => tile.locator('[data-testid="status-badge"][data-status="online"]').count(), { timeout: 60_000, interval: 500 })
      .toBe(1);
    await expect.poll(() => advancing(page, tile.locator('video[data-testid="tile-video"]')), { timeout: 60_000, interval: 200 }).toBe(1);
  });

  it('moves the camera to a PTZ preset from the camera page', async () => {
    await page.goto(`${site.baseUrl}/camera/gate-east`);
    const select = page.locator('[data-testid="ptz-preset-select"]');
    await expect.poll(() => select.count(), { timeout: 10_000 }).toBe(1);
    await select.selectOption('p2');
    await page.locator('[data-testid="ptz-go"]').click();
    await expect.poll(() => page.locator('[data-testid="ptz-status"]').textContent(), { timeout: 10_000 }).toMatch(/Yard/);
    expect((await site.cameraState(site.cameras.find((c) => c.name === 'Gate East')!.xaddr)).lastPreset).toBe('p2');
  });
});
