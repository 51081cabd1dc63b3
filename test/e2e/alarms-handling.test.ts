/**
 * Issue H point 4 in Debian's Chromium against the real server: with open alarms, a reload of the wall brings
 * the pop-ups back (high priority first, with the beep) and the open-alarm count on the wall and in the menu,
 * which follow the event stream live; two alarms are acknowledged at once from the alarm page; one is resolved
 * as a false alarm and the zone editor shows the zone's false-alarm rate; with sound refused by the browser
 * (autoplay policy, modelled in the page: see STRICT_AUDIO) the wall offers "click to enable the alarm sound". Alarms are written into the running
 * server's database as live analytics stores them (analytics off: no model). Only 127.0.0.1 is contacted.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { seedAlarm } from '../support/alarms.ts';

describe('alarm handling in the console (issue H point 4)', () => {
  let wp: Watchpost;
  let cookie: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const ids: Record<string, number> = {};
  const square = [[0.1, 0.1], [0.6, 0.1], [0.6, 0.6], [0.1, 0.6]];

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${wp.url}${path}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  function insertAlarm(zone: string, kind: string, priority: number, startMs: number): number {
    return seedAlarm(wp.dataDir, { cameraId: 'gate', zone, kind: kind as 'loitering', priority, startMs });
  }

  /**
   * Headless Chromium plays WebAudio whatever --autoplay-policy says (measured: a fresh AudioContext is
   * "running" with user-gesture-required), so the refusal a desktop browser gives after a reload is modelled
   * in the page: contexts stay "suspended" and resume() only works during a user activation
   * (navigator.userActivation), as the autoplay policy does.
   */
  // Only a real pointer gesture unlocks sound. (navigator.userActivation is not usable here: Playwright runs
  // evaluate() and some actions with a user gesture, which made the refusal depend on timing.)
  const STRICT_AUDIO = `{
    let gesture = false;
    window.addEventListener('pointerdown', (e) => { if (e.isTrusted) gesture = true; }, true);
    const Orig = window.AudioContext;
    window.AudioContext = class extends Orig {
      __ok = false;
      get state() { return this.__ok ? super.state : 'suspended'; }
      resume() {
        if (gesture) { this.__ok = true; return super.resume(); }
        return Promise.resolve();
      }
    };
  }`;

  async function newContext(b: Browser, strictAudio = false): Promise<BrowserContext> {
    const context = await b.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: wp.url }]);
    if (strictAudio) await context.addInitScript({ content: STRICT_AUDIO });
    await context.addInitScript({
      content: `if (!localStorage.getItem('wp.lang')) localStorage.setItem('wp.lang', 'en'); window.__beeps = 0;
        const orig = AudioContext.prototype.createOscillator;
        AudioContext.prototype.createOscillator = function () { window.__beeps++; return orig.call(this); };`,
    });
    return context;
  }

  beforeAll(async () => {
    wp = await startWatchpost({
      configYaml: ['server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}', 'cameras:', '  - {id: gate, name: "East gate", url: "rtsp://127.0.0.1:9/none"}'].join('\n'),
    });
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    const put = await api('PUT', '/api/cameras/gate/zones', {
      zones: [
        { name: 'lawn', kind: 'loitering', polygon: square },
        { name: 'lane', kind: 'exit', polygon: square },
      ],
    });
    expect(put.status).toBe(200);
    const now = Date.now();
    ids.lawnA = insertAlarm('lawn', 'loitering', 2, now - 60_000);
    ids.lane = insertAlarm('lane', 'blocked_exit', 1, now - 50_000);
    ids.lawnB = insertAlarm('lawn', 'loitering', 2, now - 40_000);
    browser = await launchChromium();
    page = await (await newContext(browser)).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  const popups = () => page.locator('[data-testid="alarm-popup"]');
  const wallCount = () => page.locator('[data-testid="wall-alarm-count"]').getAttribute('data-count');
  const navCount = () => page.locator('[data-testid="nav-alarms-count"]').textContent();

  it('the wall shows the open alarms again after a reload, high priority first, with the counts, live', async () => {
    await page.goto(`${wp.url}/wall?layout=1`);
    await expect.poll(() => popups().count(), { timeout: 15_000 }).toBe(3);
    expect(await popups().first().getAttribute('data-alarm-id')).toBe(String(ids.lane)); // the exit (high) first
    expect(await popups().first().locator('[data-testid="popup-priority"]').textContent()).toBe('High priority');
    expect(await wallCount()).toBe('3');
    expect(await page.locator('[data-testid="wall-alarm-count"]').textContent()).toBe('3 open alarms');
    expect(await navCount()).toBe('3');
    expect(await page.evaluate('window.__beeps')).toBeGreaterThan(0);

    // dismissed here: gone until the next reload
    await page.locator(`[data-testid="alarm-popup"][data-alarm-id="${ids.lawnA}"] [data-testid="popup-dismiss"]`).click();
    await expect.poll(() => popups().count()).toBe(2);
    await page.reload();
    await expect.poll(() => popups().count(), { timeout: 15_000 }).toBe(3);
    expect(await page.evaluate('window.__beeps')).toBeGreaterThan(0); // the sound comes back too

    // handled elsewhere (another console, the API): the pop-up goes and the counts follow, without a reload
    expect((await api('POST', `/api/alarms/${ids.lawnB}/ack`, {})).status).toBe(200);
    await expect.poll(() => popups().count()).toBe(2);
    expect(await wallCount()).toBe('3'); // acknowledged is still not resolved
    expect((await api('POST', `/api/alarms/${ids.lawnB}/resolve`, { outcome: 'test' })).status).toBe(200);
    await expect.poll(() => wallCount()).toBe('2');
    await expect.poll(() => navCount()).toBe('2');
  });

  it('acknowledges two selected alarms at once from the alarm page', async () => {
    await page.locator('[data-testid="nav-alarms"]').click();
    await page.waitForURL(/\/alarms$/);
    const items = page.locator('[data-testid="alarm-item"]');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.first().getAttribute('data-alarm-id')).toBe(String(ids.lane));
    const ackSelected = page.locator('[data-testid="alarm-ack-selected"]');
    expect(await ackSelected.isDisabled()).toBe(true);
    for (const id of [ids.lane, ids.lawnA]) await page.locator(`[data-testid="alarm-item"][data-alarm-id="${id}"] [data-testid="alarm-select"]`).check();
    expect(await ackSelected.textContent()).toContain('Acknowledge selected (2)');
    await page.locator('[data-testid="bulk-note"]').fill('both seen on camera');
    await ackSelected.click();
    await expect.poll(() => page.locator('[data-testid="bulk-result"]').textContent()).toBe('2 acknowledged.');
    for (const id of [ids.lane, ids.lawnA]) {
      const item = page.locator(`[data-testid="alarm-item"][data-alarm-id="${id}"]`);
      await expect.poll(() => item.locator('[data-testid="alarm-state"]').textContent()).toBe('Acknowledged');
      expect(await item.locator('[data-testid="step-ack"]').textContent()).toMatch(/Acknowledged by admin .*both seen on camera/);
    }
    expect(await page.locator('[data-testid="alarm-select"]').count()).toBe(0); // nothing open is left to select
  });

  it('resolves one as a false alarm and the zone editor shows the zone\'s false-alarm rate', async () => {
    const lawn = page.locator(`[data-testid="alarm-item"][data-alarm-id="${ids.lawnA}"]`);
    await lawn.locator('[data-testid="alarm-resolve"]').click(); // no outcome chosen: refused with a reason
    await expect.poll(() => lawn.locator('[data-testid="alarm-error"]').textContent()).toContain('Choose the outcome');
    await lawn.locator('[data-testid="alarm-outcome-select"]').selectOption('false_alarm');
    await lawn.locator('[data-testid="alarm-note"]').fill('shadow of the tree');
    await lawn.locator('[data-testid="alarm-resolve"]').click();
    await expect.poll(() => lawn.count()).toBe(0);
    const lane = page.locator(`[data-testid="alarm-item"][data-alarm-id="${ids.lane}"]`);
    await lane.locator('[data-testid="alarm-outcome-select"]').selectOption('genuine');
    await lane.locator('[data-testid="alarm-resolve"]').click();
    await expect.poll(() => lane.count()).toBe(0);
    await page.locator('[data-testid="alarms-show-all"]').check();
    await expect.poll(() => lawn.locator('[data-testid="alarm-outcome"]').textContent()).toBe('False alarm');
    expect(await lawn.locator('[data-testid="step-resolve"]').textContent()).toContain('shadow of the tree');
    expect(await page.locator('[data-testid="nav-alarms-count"]').count()).toBe(0); // nothing open: no badge

    await page.goto(`${wp.url}/camera/gate`);
    await page.locator('[data-testid="zones-toggle"]').click();
    const rate = (zone: string) => page.locator(`[data-testid="zone-false-rate"][data-zone="${zone}"]`);
    // lawn: one false alarm and one test (tests do not count) → 100 %; lane: one genuine → 0 %
    await expect.poll(() => rate('lawn').textContent()).toBe('100 % false alarms (1 of 1, last 30 days)');
    expect(await rate('lane').textContent()).toBe('0 % false alarms (0 of 1, last 30 days)');
    expect(await page.locator('[data-testid="zone-priority"]').inputValue()).toBe('2'); // lawn, loitering: normal
    await page.evaluate("localStorage.setItem('wp.lang', 'zh-CN')");
    await page.reload();
    await page.locator('[data-testid="zones-toggle"]').click();
    await expect.poll(() => rate('lawn').textContent()).toBe('误报率 100%（近 30 天 1 条中 1 条）');
    await page.evaluate("localStorage.setItem('wp.lang', 'en')");
    expect(pageErrors).toEqual([]);
  });

  it('offers "click to enable the alarm sound" when the browser refuses sound without a gesture', async () => {
    ids.late = insertAlarm('lane', 'blocked_exit', 1, Date.now() - 5_000);
    const context = await newContext(browser, true);
    try {
      const p = await context.newPage();
      await p.goto(`${wp.url}/wall?layout=1`);
      await p.locator(`[data-testid="alarm-popup"][data-alarm-id="${ids.late}"]`).waitFor({ timeout: 15_000 });
      const enable = p.locator('[data-testid="sound-blocked"]');
      await enable.waitFor();
      expect(await enable.textContent()).toContain('Click to enable the alarm sound');
      const before = (await p.evaluate('window.__beeps')) as number;
      await enable.click();
      await expect.poll(() => enable.count()).toBe(0);
      expect(await p.evaluate('window.__beeps')).toBeGreaterThan(before); // beeps on the click
    } finally {
      await context.close();
    }
  });
});
