/**
 * Issue K, the panels zh-cn-coverage.test.ts does not open, in Debian's Chromium against the real server with the
 * console in zh-CN and the browser's PC in New York while the site is in 上海 (so the site-time hint shows): the
 * login page's errors (wrong password, rate-limited), the password-change page and its errors, the wall's view /
 * display / tour controls and menus, kiosk, digital zoom on the live camera and in review, /review without a
 * camera and for a user who may see none, the export and lock dialogs' errors, a finished export and releasing its
 * lock, the camera form's successful connection test, a round and the supervisor's spot-check player next to its
 * stop, and — the data dir being a tmpfs — the disk-low alarm, the free-space-floor banner and the disk-full
 * banner. Each is read with the shared checker (test/support/zh-text.ts): no Latin word outside the allow-list of
 * names and codes. WP_DUMP_TEXT=<file> writes all it read. One 320x240 RTSP camera on 127.0.0.1, nothing else.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { needCapability } from '../support/capability.ts';
import { loginInPage, openConsole } from '../support/console.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { startWatchpost, type Watchpost } from '../support/server.ts';
import { COLLECT, latinWords, report, type Found } from '../support/zh-text.ts';

describe('zh-CN: the panels behind clicks, errors and disk states (issue K)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-zh-panels-'));
  const data = join(dir, 'data');
  let mounted = false;
  let mountError = '';
  let rtsp: RtspServer | undefined;
  let wp: Watchpost | undefined;
  let browser: Browser | undefined;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(data);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200m,mode=0700', 'tmpfs', data], { stdio: 'pipe' });
      mounted = true;
    } catch (e) {
      mountError = String((e as { stderr?: Buffer }).stderr ?? e);
      return;
    }
    rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['a'] });
    wp = await startWatchpost({
      dataDir: data,
      configYaml: [
        'server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}',
        'site: {timeZone: Asia/Shanghai}',
        // the floor is half the disk, the low-disk alarm under 60 % free: a filler of 60 % shows both
        'storage: {segmentSeconds: 2, lowDiskPercent: 60, minFreePercent: 50, minFreeGb: 0}',
        'media: {rtspTimeoutSeconds: 2}',
        'patrol: {cameraDebounceSeconds: 1, liveLatencySeconds: 2}',
        'cameras:',
        `  - {id: gate, name: "东门", url: "${rtsp.url('a')}"}`,
      ].join('\n'),
    });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    await rtsp?.stop();
    if (mounted) execFileSync('umount', ['-l', data]);
    rmSync(dir, { recursive: true, force: true });
    if (errors.length) console.warn('page errors:', errors);
  });

  it('every panel reads without an untranslated Latin word', async () => {
    needCapability('zh-cn-panels: mount a tmpfs', mounted, mountError);
    const w = wp!;
    const admin = { cookie: '' };
    const api = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${w.url}${path}`, { method, headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: (await r.json().catch(() => null)) as unknown };
    };
    const { context, page } = await openConsole(browser!, w, { lang: 'zh-CN', timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 }, errors });
    const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
    const found: Found[] = [];
    const opened: string[] = [];
    const failed: string[] = [];
    const collect = async (label: string, p: Page = page) => {
      await p.waitForTimeout(150);
      for (const i of (await p.evaluate(COLLECT)) as Found[]) found.push({ text: i.text, where: `${label}: ${i.where}` });
      opened.push(label);
    };
    /** A time as the console's datetime-local inputs take it: the site's (Shanghai) wall clock. */
    const siteInput = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
    /** One panel: open it, read it; a panel that does not open is a failure of its own. */
    const panel = async (label: string, open: () => Promise<void>) => {
      try {
        await open();
        await collect(label);
      } catch (e) {
        failed.push(`${label}: ${String(e).split('\n')[0]}`);
      }
    };
    try {
      await page.goto(`${w.url}/password`);
      await page.waitForURL(/\/login/);
      await panel('login: wrong password', async () => {
        await loginInPage(page, 'admin', 'wrong-password-1');
        await tid('login-error').waitFor();
      });
      await panel('login: rate-limited', async () => {
        for (let i = 0; i < 6; i++) {
          await loginInPage(page, 'nobody', `wrong-${i}`);
          await tid('login-error').waitFor();
          if (await tid('login-submit').isDisabled()) break;
          await page.waitForTimeout(100);
        }
        await expect.poll(() => tid('login-submit').isDisabled()).toBe(true);
      });
      await page.reload();
      await loginInPage(page, 'admin', w.adminPassword);
      await tid('current-user').waitFor();
      admin.cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

      // the password-change page and its errors: a wrong current password, a repeat that differs
      await panel('password page', async () => { await tid('password-form').waitFor(); });
      await panel('password: wrong current password', async () => {
        await tid('password-current').fill('not-the-password');
        await tid('password-new').fill('a-new-password-2026');
        await tid('password-repeat').fill('a-new-password-2026');
        await tid('password-submit').click();
        await tid('password-error').waitFor();
      });
      await panel('password: repeat differs', async () => {
        await tid('password-current').fill(w.adminPassword);
        await tid('password-repeat').fill('another-password-2026');
        await tid('password-submit').click();
        await tid('password-error').waitFor();
      });

      // the wall: the site-time hint, the view picker's forms and error, the display picker, the tour menus
      await panel('wall: site-time hint', async () => {
        await page.goto(`${w.url}/wall`);
        await tid('site-zone').waitFor();
      });
      await panel('wall: save-view form', async () => {
        await tid('view-save-as').click();
        await tid('view-save-form').waitFor();
      });
      await panel('wall: view saved for a display, rename form', async () => {
        await tid('view-name').fill('夜班');
        await tid('view-display').fill('前台大屏');
        await tid('view-save').click();
        await expect.poll(() => tid('view-rename').isDisabled()).toBe(false);
        await tid('view-rename').click();
        await tid('view-rename-form').waitFor();
      });
      await panel('wall: view error (the name exists), display picker, tour menus', async () => {
        await page.goto(`${w.url}/wall`);
        await tid('display-select').waitFor();
        await tid('tour-what').waitFor();
        await tid('tour-interval').waitFor();
        await tid('view-save-as').click();
        await tid('view-name').fill('夜班');
        await tid('view-save').click();
        await tid('view-error').waitFor({ timeout: 5000 });
      });
      await panel('kiosk', async () => {
        await page.goto(`${w.url}/kiosk`);
        await tid('wall-grid').waitFor();
      });

      // the live camera, zoomed in with the wheel: the zoom level and reset
      const zoomIn = async (sel: string) => {
        const view = page.locator(sel).first();
        await view.waitFor({ timeout: 20_000 });
        const box = (await view.boundingBox())!;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, -400);
        await tid('zoom-ui').waitFor();
      };
      await expect.poll(async () => ((await api('GET', '/api/cameras')).body as { status: string }[])[0]?.status, { timeout: 30_000 }).toBe('online');
      await panel('camera: digital zoom', async () => {
        await page.goto(`${w.url}/camera/gate`);
        await zoomIn('[data-testid="camera-player"] wp-zoom-view');
      });
      await panel('review without a camera', async () => {
        await page.goto(`${w.url}/review`);
        await page.locator('wp-review-page').waitFor();
      });

      // a round at the console (the stop's footage is what the supervisor replays later)
      expect((await api('POST', '/api/patrol/routes', {
        name: '大门', post: '监控室', intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10,
        stops: [{ cameraId: 'gate', minDwellS: 2, checklist: [] }],
      })).status).toBe(201);
      await panel('rounds: a round done', async () => {
        await page.goto(`${w.url}/rounds`);
        await tid('start-round').first().click();
        await tid('stepper').waitFor();
        await tid('step-normal').click({ timeout: 15_000 });
        await tid('round-result').waitFor({ timeout: 15_000 });
      });
      await panel('review: digital zoom', async () => {
        await page.goto(`${w.url}/review/gate?t=${Date.now() - 8000}`);
        await zoomIn('[data-testid="review-player"] wp-zoom-view');
      });
      await panel('review: export dialog error (the end before the start)', async () => {
        await page.goto(`${w.url}/review/gate`);
        await tid('review-export').click();
        await tid('export-dialog').waitFor();
        await tid('export-reason').fill('案件 12');
        await tid('export-from').fill(siteInput(Date.now() - 60_000));
        await tid('export-to').fill(siteInput(Date.now() - 3600_000));
        await tid('export-submit').click();
        await tid('export-error').waitFor({ timeout: 5000 });
      });
      await panel('review: lock dialog error (the end before the start)', async () => {
        await page.goto(`${w.url}/review/gate`);
        await tid('review-lock').click();
        await tid('lock-dialog').waitFor();
        await tid('lock-reason').fill('案件 12');
        await tid('lock-from').fill(siteInput(Date.now() - 60_000));
        await tid('lock-to').fill(siteInput(Date.now() - 3600_000));
        await tid('lock-submit').click();
        await tid('lock-error').waitFor({ timeout: 5000 });
      });
      await panel('review: export done (size, download, manifest hash, key)', async () => {
        await page.goto(`${w.url}/review/gate`);
        await tid('review-export').click();
        await tid('export-reason').fill('案件 12');
        await tid('export-from').fill(siteInput(Date.now() - 20_000));
        await tid('export-to').fill(siteInput(Date.now() - 6000));
        await tid('export-submit').click();
        await tid('export-download').waitFor({ timeout: 60_000 });
      });
      await panel('review: releasing the lock of the export', async () => {
        await page.goto(`${w.url}/review/gate`);
        await tid('lock-release').first().click({ timeout: 10_000 });
        await tid('lock-dialog').waitFor();
      });
      await panel('cameras: test connection succeeded', async () => {
        await page.goto(`${w.url}/cameras`);
        await tid('add-camera').click();
        await tid('form-name').fill('东门二');
        await tid('form-url').fill(rtsp!.url('a'));
        await tid('form-test').click();
        await tid('form-test-result').waitFor({ timeout: 20_000 });
      });
      await panel('compliance: spot-check player next to the stop', async () => {
        await page.goto(`${w.url}/compliance`);
        await tid('open-round').first().click();
        await tid('replay-stop').first().click({ timeout: 15_000 });
        await tid('replay-row').waitFor();
        await page.locator('[data-testid="footage-video"]').waitFor({ timeout: 15_000 });
      });

      // a user who may see no camera: the review and the wall say so
      expect((await api('POST', '/api/users', { username: 'zhang', password: 'zhang-investigator-2026', role: 'investigator', cameras: [] })).status).toBe(201);
      const other = await openConsole(browser!, w, { lang: 'zh-CN', errors });
      try {
        await other.page.goto(`${w.url}/review`);
        await loginInPage(other.page, 'zhang', 'zhang-investigator-2026');
        await other.page.locator('wp-review-page .empty').waitFor({ timeout: 10_000 });
        await collect('review: no camera to review', other.page);
      } catch (e) {
        failed.push(`review: no camera to review: ${String(e).split('\n')[0]}`);
      } finally {
        await other.context.close();
      }

      // the disk: 60 % taken (low alarm, floor banner), then full
      const filler = join(data, 'filler.bin');
      const fill = (bytes: number) => {
        const fd = openSync(filler, 'a');
        const buf = Buffer.alloc(1 << 16);
        try {
          for (let done = 0; done < bytes; done += buf.length) writeSync(fd, buf);
        } catch {
          // the disk is full
        }
        closeSync(fd);
      };
      const storage = async () => (await api('GET', '/api/storage')).body as { freePercent: number; diskFull: boolean };
      fill(125 * 1024 * 1024);
      await panel('disk low: alarm and floor banner', async () => {
        await expect.poll(async () => (await storage()).freePercent, { timeout: 15_000 }).toBeLessThan(45);
        await page.goto(`${w.url}/wall`);
        await tid('storage-alarm').waitFor({ timeout: 20_000 });
        await tid('storage-banner-floor').waitFor({ timeout: 20_000 });
      });
      fill(Infinity);
      await panel('disk full: banner', async () => {
        await expect.poll(async () => (await storage()).diskFull, { timeout: 15_000 }).toBe(true);
        await page.reload();
        await tid('storage-banner-full').waitFor({ timeout: 20_000 });
      });
    } finally {
      await context.close();
    }
    if (process.env.WP_DUMP_TEXT) writeFileSync(process.env.WP_DUMP_TEXT, found.map((f) => `${f.text}\t${f.where}`).join('\n'));
    const bad = found.filter((f) => latinWords(f).length > 0);
    const why = `panels that did not open:\n${failed.join('\n')}\nopened: ${opened.join(' | ')}\n${report(bad, (f) => `[${latinWords(f).join(', ')}]`)}`;
    expect(failed.length + bad.length, why).toBe(0);
  }, 240_000);
});
