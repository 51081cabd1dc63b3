/**
 * Browser e2e of alarms in Debian's Chromium against the real server, model and ffmpeg: a looped scenario
 * clip with a person loitering, a zone set over the API; the wall shows the pop-up (and beeps through
 * WebAudio) with a red tile frame, and the operator acknowledges, dispatches and resolves the alarm from
 * the alarm page, which links the alarm to its footage. Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { ensureScenarios, type Scenario } from '../support/scenarios.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

describe('alarms in the console', () => {
  let scenario: Scenario;
  let wp: Watchpost;
  let cookie: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const putZones = (zones: unknown[]) =>
    fetch(`${wp.url}/api/cameras/walk/zones`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ zones }) });

  beforeAll(async () => {
    [scenario] = (await ensureScenarios(['loiter-walkway'])) as [Scenario];
    wp = await startWatchpost({
      configYaml: ['server: {host: 127.0.0.1}', 'demo: false', 'analytics: {fps: 2}', 'cameras:', `  - {id: walk, name: "Walkway", file: "${scenario.video}"}`].join('\n'),
    });
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: wp.url }]);
    // count oscillators started by the alarm beep
    await context.addInitScript({
      content: `window.__beeps = 0;
        const orig = AudioContext.prototype.createOscillator;
        AudioContext.prototype.createOscillator = function () { window.__beeps++; return orig.call(this); };`,
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  it('pops up on the wall with a beep and a red tile, and is handled from the alarm page', async () => {
    await page.goto(`${wp.url}/wall?layout=1`);
    await page.locator('[data-testid="tile"][data-camera-id="walk"]').waitFor();
    await page.evaluate("localStorage.setItem('wp.lang', 'en')");
    expect((await putZones([{ ...scenario.zones[0]!, dwellSeconds: 4 }])).status).toBe(200);

    const popup = page.locator('[data-testid="alarm-popup"]');
    await popup.first().waitFor({ timeout: 60_000 });
    // one episode is enough: stop analysing so no second alarm arrives while we handle this one
    expect((await putZones([])).status).toBe(200);
    await expect.poll(() => popup.first().textContent()).toContain('Loitering');
    expect(await popup.first().textContent()).toContain('Walkway');
    expect(await popup.locator('img').first().getAttribute('src')).toMatch(/^\/api\/alarms\/\d+\/snapshot\.jpg$/);
    expect(await page.evaluate('window.__beeps')).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="tile"][data-camera-id="walk"]').getAttribute('alarm')).not.toBeNull();
    const id = await popup.first().getAttribute('data-alarm-id');

    await page.locator('[data-testid="popup-open"]').first().click();
    await page.waitForURL(/\/alarms$/);
    const item = page.locator(`[data-testid="alarm-item"][data-alarm-id="${id}"]`);
    await item.waitFor();
    expect(await item.locator('img').count()).toBe(1);
    // "Footage" opens the review at the alarm's recording time (its pre-roll)
    const alarm = (await (await fetch(`${wp.url}/api/alarms/${id}`, { headers: { cookie } })).json()) as { recordingMs: number };
    expect(await item.locator('[data-testid="alarm-footage"]').getAttribute('href')).toBe(`/review/walk?t=${alarm.recordingMs}`);
    await item.locator('[data-testid="alarm-note"]').fill('seen on camera');
    await item.locator('[data-testid="alarm-ack"]').click();
    await expect.poll(() => item.locator('[data-testid="alarm-state"]').textContent()).toBe('Acknowledged');
    expect(await item.locator('[data-testid="step-ack"]').textContent()).toMatch(/Acknowledged by admin .*seen on camera/);
    await item.locator('[data-testid="alarm-to"]').fill('guard Li');
    await item.locator('[data-testid="alarm-dispatch"]').click();
    await expect.poll(() => item.locator('[data-testid="alarm-state"]').textContent()).toBe('Dispatched');
    await item.locator('[data-testid="alarm-note"]').fill('visitor waiting for a taxi');
    await item.locator('[data-testid="alarm-outcome-select"]').selectOption('genuine'); // issue H point 4: the outcome is asked for
    await item.locator('[data-testid="alarm-resolve"]').click();
    await expect.poll(() => item.count()).toBe(0); // resolved alarms are hidden by default
    await page.locator('[data-testid="alarms-show-all"]').check();
    await expect.poll(() => item.locator('[data-testid="alarm-state"]').textContent()).toBe('Resolved');
    expect(await item.locator('[data-testid="step-dispatch"]').textContent()).toContain('guard Li');
    expect(await item.locator('[data-testid="step-resolve"]').textContent()).toMatch(/Resolved by admin .*\(after .*\).*Genuine.*taxi/s);

    await page.locator('[data-testid="nav-wall"]').click();
    await page.locator('[data-testid="tile"][data-camera-id="walk"]').waitFor();
    expect(await popup.count()).toBe(0);
    expect(await page.locator('[data-testid="tile"][data-camera-id="walk"]').getAttribute('alarm')).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
