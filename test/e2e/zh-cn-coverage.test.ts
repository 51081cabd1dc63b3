/**
 * Issue K in Debian's Chromium against the real server: every word a user reads is translated.
 * With the console in zh-CN, every page of the router (and the main dialogs and forms, the wall's keyboard help and
 * tour status) is visited and all the visible text is collected — text nodes, placeholder / title / aria-label / alt
 * attributes, button values, select options, the document title — descending into shadow roots. No word of Latin letters may remain except
 * a small allow-list of names that are Latin in a Chinese UI too (protocols, units, the brand, test-data names).
 * The same walk in English finds no CJK character except the language switcher's "中文".
 * Text inside an element marked `data-raw` is recorded machine data shown as it is (the values of an audit entry's
 * detail, a session's browser user agent) and is not checked; the names of those fields are.
 * Data is seeded so that tables are not empty: two cameras (one from the config, one added in the console, both
 * offline), a zone, three alarms (open; acknowledged + dispatched to a guard's phone; resolved), a manual duty-log
 * entry, two patrol routes, a guard and an operator, and the operator's handover. A failure lists each offending
 * text with the page / dialog and the element path (custom elements and data-testids) where it was found.
 * Set WP_DUMP_TEXT=<file> to write everything the zh-CN walk read. Only 127.0.0.1 is contacted.
 */
import { writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { seedAlarms } from '../support/alarms.ts';
import { cjk, COLLECT, latinWords, report, type Found } from '../support/zh-text.ts';

describe('zh-CN coverage: no untranslated word in the console (issue K)', () => {
  let wp: Watchpost;
  let cookie: string;
  let browser: Browser;
  const pageErrors: string[] = [];
  const square = [[0.1, 0.1], [0.6, 0.1], [0.6, 0.6], [0.1, 0.6]];

  const api = async (method: string, path: string, body?: unknown, c = cookie) => {
    const r = await fetch(`${wp.url}${path}`, { method, headers: { cookie: c, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return r.status;
  };

  beforeAll(async () => {
    wp = await startWatchpost({
      configYaml: ['server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}', 'cameras:', '  - {id: gate, name: "东门", url: "rtsp://127.0.0.1:9/none"}'].join('\n'),
    });
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    // a camera added in the console (editable, deletable), with credentials
    expect(await api('POST', '/api/cameras', { id: 'lobby', name: '大堂', url: 'rtsp://127.0.0.1:9/lobby', username: 'viewer', password: 'cam-pass-1' })).toBe(201);
    expect(await api('PUT', '/api/cameras/gate/zones', { zones: [{ name: '草坪', kind: 'loitering', polygon: square }] })).toBe(200);
    expect(await api('POST', '/api/users', { username: 'wang', password: 'wang-guard-pass-2026', role: 'guard', displayName: '王保安' })).toBe(201);
    expect(await api('POST', '/api/users', { username: 'zhang', password: 'zhang-oper-pass-2026', role: 'operator', displayName: '张值班' })).toBe(201);
    expect(await api('POST', '/api/dutylog', { category: 'anomaly', text: '东门有可疑人员徘徊', cameraId: 'gate' })).toBe(201);
    // one route per tour: each tour starts (and abandons) a round
    for (const name of ['重点区域', '周界']) {
      expect(
        await api('POST', '/api/patrol/routes', {
          name, post: '监控室', intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10,
          stops: [{ cameraId: 'gate', minDwellS: 2, checklist: ['消防通道畅通'] }],
        }),
      ).toBe(201);
    }
    // alarms: one open, one acknowledged and dispatched to the guard's phone, one resolved (each step is a duty-log entry)
    const now = Date.now();
    const ids = seedAlarms(wp.dataDir, ([['loitering', 2, 60_000], ['blocked_exit', 1, 50_000], ['loitering', 2, 40_000]] as const).map(([kind, priority, ago]) => ({ cameraId: 'gate', kind, priority, startMs: now - ago })));
    expect(await api('POST', `/api/alarms/${ids[1]}/ack`, { note: '已看到' })).toBe(200);
    expect(await api('POST', `/api/alarms/${ids[1]}/dispatch`, { guard: 'wang', note: '请去东门查看' })).toBe(200);
    expect(await api('POST', `/api/alarms/${ids[2]}/ack`, {})).toBe(200);
    expect(await api('POST', `/api/alarms/${ids[2]}/resolve`, { outcome: 'false_alarm', note: '树影' })).toBe(200);
    // a handover written by the operator, for the admin to acknowledge
    const zhang = await login(wp.url, 'zhang', 'zhang-oper-pass-2026');
    expect(await api('POST', '/api/handovers', { notes: '东门摄像机需检修' }, zhang)).toBe(201);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  /** Visit every page and dialog in `lang`, returning everything the user can read, labelled by page. */
  async function tour(lang: 'zh-CN' | 'en'): Promise<Found[]> {
    const found: Found[] = [];
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'en' ? 'en-US' : 'zh-CN' });
    await context.addInitScript({ content: `localStorage.setItem('wp.lang', ${JSON.stringify(lang)})` });
    const page: Page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${lang}: ${e.message}`));
    const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
    const settle = () => page.waitForTimeout(150);
    const collect = async (label: string) => {
      await settle();
      const items = (await page.evaluate(COLLECT)) as Found[];
      for (const i of items) found.push({ text: i.text, where: `${label}: ${i.where}` });
    };
    const visit = async (path: string, label: string, ready?: string) => {
      await page.goto(`${wp.url}${path}`);
      if (ready) await tid(ready).first().waitFor({ timeout: 10_000 });
      await collect(label);
    };

    try {
      // login page, wrong password shown
      await page.goto(`${wp.url}/wall`);
      await page.waitForURL(/\/login/);
      await collect('login');
      await tid('login-username').fill('admin');
      await tid('login-password').fill('wrong-password-1');
      await tid('login-submit').click();
      await tid('login-error').waitFor();
      await collect('login (bad password)');
      await tid('login-password').fill(wp.adminPassword);
      await tid('login-submit').click();
      await tid('current-user').waitFor();

      await visit('/wall', 'wall', 'wall-grid');
      // the keyboard help (?), and the tour control's status while it tours (an open alarm holds it: that text)
      await page.keyboard.press('?');
      await tid('keyboard-help').waitFor();
      await collect('wall: keyboard help');
      await page.keyboard.press('Escape');
      await tid('tour-toggle').click();
      await tid('tour-status').waitFor();
      await collect('wall: touring');
      await tid('tour-toggle').click();
      await tid('tour-status').waitFor({ state: 'detached' });
      await visit('/camera/gate', 'camera', 'camera-title');
      if (await tid('zones-toggle').count()) {
        await tid('zones-toggle').click();
        await collect('camera: zone editor');
        // saved: the editor's own message
        await tid('zone-save').click();
        await tid('zone-saved').waitFor();
        await collect('camera: zone editor (saved)');
        if (await tid('zone-new').count()) {
          await tid('zone-new').click();
          await collect('camera: zone editor (new zone)');
          // a zone without its polygon: the server's validation message
          await tid('zone-save').click();
          await tid('zone-error').waitFor();
          await collect('camera: zone editor (server error)');
        }
      }
      await visit('/cameras', 'cameras', 'add-camera');
      await tid('add-camera').click();
      await collect('cameras: camera form');
      // the server refuses an http:// address: its validation message
      await tid('form-name').fill('测试摄像机');
      await tid('form-url').fill('http://127.0.0.1/video');
      await tid('form-submit').click();
      await tid('form-error').waitFor();
      await collect('cameras: camera form (server error)');
      // "test connection" on a closed port and the name of an existing camera: the error and the warning
      await tid('form-name').fill('东门');
      await tid('form-url').fill('rtsp://127.0.0.1:9/none');
      await tid('form-test').click();
      await tid('form-test-error').waitFor({ timeout: 12_000 });
      await tid('form-duplicate-name').waitFor();
      await collect('cameras: camera form (test connection failed, duplicate name)');
      await page.goto(`${wp.url}/cameras`);
      await page.locator('[data-testid="camera-row"][data-camera-id="lobby"] [data-testid="camera-edit"]').click();
      await tid('camera-form').waitFor();
      await collect('cameras: camera form (edit)');
      await page.goto(`${wp.url}/cameras`);
      await page.locator('[data-testid="camera-row"][data-camera-id="lobby"] [data-testid="camera-delete"]').click();
      await tid('confirm-ok').waitFor();
      await collect('cameras: delete confirmation');
      await page.goto(`${wp.url}/cameras`);
      await tid('open-discovery').click();
      await collect('cameras: discovery panel');
      // a device address typed by hand (no WS-Discovery multicast: nothing leaves 127.0.0.1); nothing answers there
      await tid('manual-xaddr').fill('http://127.0.0.1:9/onvif/device_service');
      await tid('manual-add').click();
      await tid('onboard-form').waitFor();
      await collect('cameras: ONVIF onboarding form');
      await tid('onboard-username').fill('viewer');
      await tid('onboard-password').fill('cam-pass-1');
      await tid('onboard-connect').click();
      await tid('onboard-error').waitFor({ timeout: 15_000 });
      await collect('cameras: ONVIF onboarding (camera unreachable)');
      await visit('/alarms', 'alarms', 'alarm-item');
      await tid('alarms-show-all').check();
      await collect('alarms: all, with the resolved one');
      await visit('/rounds', 'rounds', 'new-route');
      await tid('new-route').click();
      await tid('route-editor').waitFor();
      await collect('rounds: route editor (new)');
      await page.goto(`${wp.url}/rounds`);
      await tid('edit-route').first().click();
      await tid('route-editor').waitFor();
      await collect('rounds: route editor (edit)');
      await page.goto(`${wp.url}/rounds`);
      await tid('new-route').waitFor();
      await tid('start-round').first().click();
      await tid('stepper').waitFor();
      await collect('rounds: round stepper');
      // abandoning needs a reason (and leaves the rounds page as it was for the next tour)
      await tid('step-abandon').click();
      await collect('rounds: abandon a round');
      await tid('step-reason').fill('测试');
      await tid('step-confirm-reason').click();
      await tid('round-result').waitFor(); // the stepper's last screen: the round's grade and counts
      await collect('rounds: result of the abandoned round');
      await tid('step-back').click();
      await tid('new-route').waitFor();
      await collect('rounds: after abandoning');
      await visit('/dutylog', 'duty log', 'log-row');
      await tid('log-verify').click();
      await page.locator('[data-testid="log-row"] button').first().click();
      await collect('duty log: chain verified, correcting an entry');
      await visit('/wall?kiosk=1', 'wall (kiosk)', 'wall-grid');
      await visit('/handover', 'handover', 'handover-latest');
      if (await tid('handover-ack').count()) {
        await tid('handover-ack').click();
        await tid('handover-notes').waitFor();
        await collect('handover (acknowledged)');
      }
      // handing over without notes: the server's message
      await tid('handover-submit').click();
      await tid('handover-error').waitFor();
      await collect('handover: error');
      await visit('/review/gate', 'review', 'review-export');
      await tid('review-export').click();
      await tid('export-dialog').waitFor();
      await collect('review: export dialog');
      await page.goto(`${wp.url}/review/gate`);
      await tid('review-lock').click();
      await tid('lock-dialog').waitFor();
      await collect('review: lock dialog');
      await visit('/compliance', 'compliance', 'compliance-total');
      if (await tid('open-round').count()) {
        await tid('open-round').first().click();
        await tid('round-detail').waitFor();
        await collect('compliance: round detail');
      }
      await visit('/equipment', 'equipment', 'equipment-row');
      await tid('equipment-sign').click();
      await tid('equipment-notice').waitFor();
      await collect('equipment: signed');
      await visit('/users', 'users', 'users-row');
      await page.locator('[data-testid="users-row"][data-username="wang"] [data-testid="users-edit"]').click();
      await tid('user-editor').waitFor();
      await collect('users: user editor');
      // a server validation error on the user form
      await tid('user-form-username').fill('li');
      await tid('user-form-password').fill('short');
      await tid('user-form-submit').click();
      await tid('user-form-error').waitFor();
      await collect('users: form error');
      await visit('/audit', 'audit', 'audit-row');
      await tid('audit-verify').click();
      await tid('audit-chain').waitFor();
      await collect('audit: chain verified');
      await visit('/password', 'password');
      await visit('/no-such-page', 'not found');

      // the guard's phone page
      await tid('logout').click();
      await page.waitForURL(/\/login/);
      await page.goto(`${wp.url}/guard`);
      await tid('login-username').fill('wang');
      await tid('login-password').fill('wang-guard-pass-2026');
      await tid('login-submit').click();
      await tid('guard-dispatch').first().waitFor({ timeout: 10_000 });
      await collect('guard');
      // the first tour sets off (the second then sees the "arrived" step)
      if (await tid('guard-on-way').count()) {
        await tid('guard-on-way').click();
        await tid('guard-arrived').waitFor();
        await collect('guard: on the way');
      }
    } finally {
      await context.close();
    }
    return found;
  }

  it('zh-CN: no Latin word outside the allow-list on any page or dialog', async () => {
    const found = await tour('zh-CN');
    if (process.env.WP_DUMP_TEXT) writeFileSync(process.env.WP_DUMP_TEXT, found.map((f) => `${f.text}\t${f.where}`).join('\n'));
    expect(found.length).toBeGreaterThan(200);
    const bad = found.filter((f) => latinWords(f).length > 0);
    expect(bad.length, report(bad, (f) => `[${latinWords(f).join(', ')}]`)).toBe(0);
  }, 60_000);

  it('en: no Chinese character except the language switcher and test data', async () => {
    const found = await tour('en');
    // test data typed in Chinese (names, notes) is not UI text
    const data = ['东门有可疑人员徘徊', '东门摄像机需检修', '请去东门查看', '消防通道畅通', '重点区域', '王保安', '张值班', '测试摄像机', '已看到', '监控室', '东门', '草坪', '周界', '树影', '测试', '大堂'];
    const bad = found.filter((f) => cjk({ ...f, text: data.reduce((s, d) => s.split(d).join(''), f.text) }));
    expect(bad.length, report(bad, () => '')).toBe(0);
  }, 60_000);
});
