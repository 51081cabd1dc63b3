/**
 * Issue F point 4 in the console (Debian's Chromium, real server, no cameras): the data dir is a 40 MB tmpfs
 * (root; a missing capability fails). Filled to the last byte, the console shows the red "disk full" banner
 * (while the server keeps serving); once the filler is deleted the banner goes. Only 127.0.0.1 is contacted.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { needCapability } from '../support/capability.ts';
import { startWatchpost, type Watchpost } from '../support/server.ts';

describe('storage banner in the console', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-banner-e2e-'));
  const data = join(dir, 'data');
  const filler = join(data, 'filler.bin');
  let mounted = false;
  let mountError = '';
  let wp: Watchpost | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const logs: string[] = [];
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    mkdirSync(data);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m,mode=0700', 'tmpfs', data], { stdio: 'pipe' });
      mounted = true;
    } catch (e) {
      mountError = String((e as { stderr?: Buffer }).stderr ?? e);
      return;
    }
    wp = await startWatchpost({ dataDir: data, configYaml: 'cameras: []' });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
    await context.addInitScript({ content: "localStorage.setItem('wp.lang', 'en')" });
    page = await context.newPage();
    page.on('pageerror', (e) => logs.push(`pageerror ${e.message}`));
    page.on('console', (m) => logs.push(`console ${m.type()} ${m.text()}`));
    page.on('response', (r) => { if (r.url().includes('/api/')) logs.push(`${r.status()} ${r.url()}`); });
  });

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    if (mounted) execFileSync('umount', ['-l', data]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows "disk full" while the data disk is full, and drops it once space is back', async () => {
    needCapability('storage-banner: mount a tmpfs', mounted, mountError);
    await page.goto(`${wp!.url}/wall`);
    await tid('login-username').fill('admin');
    await tid('login-password').fill(wp!.adminPassword);
    await tid('login-submit').click();
    await tid('current-user').waitFor();
    expect(await tid('storage-banner-full').count()).toBe(0);

    const fd = openSync(filler, 'a');
    for (const size of [1 << 20, 4096, 512]) {
      const buf = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, buf);
        } catch {
          break;
        }
      }
    }
    closeSync(fd);
    const state = async () => page.evaluate(async () => (await fetch('/api/storage')).text());
    // the server caches the storage state for 5 s; then a reload polls it at once (otherwise every 30 s)
    await expect.poll(async () => (JSON.parse(await state()) as { diskFull: boolean }).diskFull, { timeout: 15_000 }).toBe(true);
    await page.reload();
    await tid('storage-banner-full').waitFor({ timeout: 20_000 }).catch(async (e: unknown) => {
      const counts = await Promise.all(['current-user', 'storage-alarm', 'splash'].map(async (x) => `${x}=${await tid(x).count()}`));
      throw new Error(`${String(e)}\nstorage: ${await state()}\n${counts.join(' ')}\n${logs.join('\n')}`);
    });
    expect(await tid('storage-banner-full').textContent()).toMatch(/Disk full since .*recording and the duty log are interrupted/);

    unlinkSync(filler);
    // polled every 5 s while in trouble; the status is cached 5 s
    await tid('storage-banner-full').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await tid('storage-banner-floor').count()).toBe(0);
  });
});
