/**
 * verify.html inside an evidence bundle (issue K): the real server exports 8 s of a demo camera; the bundle is
 * unzipped; Debian's Chromium opens verify.html from disk (file://, no server), the files are chosen, and the
 * page — WebCrypto only — says VERIFIED with the site's fingerprint; one flipped byte in the MP4 is NOT VERIFIED.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const tmp = mkdtempSync(join(tmpdir(), 'wp-verify-html-'));
let wp: Watchpost;
let browser: Browser;
let fingerprint = '';

beforeAll(async () => {
  wp = await startWatchpost();
  const cookie = await login(wp.url, 'admin', wp.adminPassword);
  const api = async (path: string, json?: unknown) =>
    fetch(`${wp.url}${path}`, { method: json ? 'POST' : 'GET', headers: { cookie, ...(json ? { 'content-type': 'application/json' } : {}) }, body: json ? JSON.stringify(json) : undefined });
  const until = Date.now() + 60_000;
  let range: Json;
  for (;;) {
    const tl: Json = await (await api(`/api/cameras/demo-1/timeline?from=${Date.now() - 120_000}&to=${Date.now()}`)).json();
    range = tl.ranges?.[0];
    if (range && range.end - range.start >= 12_000) break;
    if (Date.now() > until) throw new Error('no footage');
    await new Promise((r) => setTimeout(r, 1000));
  }
  const res = await api('/api/exports', { cameras: ['demo-1'], from: range.start + 1000, to: range.start + 9000, reason: '验证页测试 verify page test' });
  expect(res.status).toBe(202);
  let job: Json = await res.json();
  for (let i = 0; i < 200 && job.status !== 'done' && job.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    job = await (await api(`/api/exports/${job.id}`)).json();
  }
  expect(job.status).toBe('done');
  writeFileSync(join(tmp, 'bundle.zip'), Buffer.from(await (await api(job.downloadUrl)).arrayBuffer()));
  execFileSync('unzip', ['-q', join(tmp, 'bundle.zip'), '-d', join(tmp, 'b')]);
  fingerprint = ((await (await api('/api/evidence/public-key')).json()) as Json).fingerprint;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await wp?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('verify.html in the bundle', () => {
  it('verifies the unzipped bundle in a browser, with no server; fails one flipped byte, and an edited manifest on its signature', async () => {
    const dir = join(tmp, 'b');
    const names = readdirSync(dir);
    expect(names).toEqual(expect.arrayContaining(['verify.html', 'README.txt', 'manifest.json', 'manifest.sig', 'public-key.pem', 'demo-1.mp4']));
    expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toContain('中文说明');
    const page = await (await browser.newContext()).newPage();
    await page.goto(`file://${join(dir, 'verify.html')}`);
    const files = names.map((n) => join(dir, n));
    await page.locator('[data-testid="verify-files"]').setInputFiles(files);
    const verdict = page.locator('[data-testid="verify-verdict"]');
    await expect.poll(() => verdict.getAttribute('data-ok'), { timeout: 20_000 }).toBe('true');
    expect(await verdict.textContent()).toMatch(/VERIFIED/);
    expect(await page.locator('#fp').textContent()).toBe(fingerprint);

    const mp4 = join(dir, 'demo-1.mp4');
    const buf = readFileSync(mp4);
    buf[Math.floor(buf.length / 2)]! ^= 0x01;
    writeFileSync(mp4, buf);
    await page.reload();
    await page.locator('[data-testid="verify-files"]').setInputFiles(files);
    await expect.poll(() => verdict.getAttribute('data-ok'), { timeout: 20_000 }).toBe('false');
    expect(await page.locator('tr.bad').textContent()).toContain('demo-1.mp4');

    // the video put back, the manifest edited (a changed reason, still valid JSON): only the signature fails
    buf[Math.floor(buf.length / 2)]! ^= 0x01;
    writeFileSync(mp4, buf);
    const manifestFile = join(dir, 'manifest.json');
    const manifest = readFileSync(manifestFile, 'utf8');
    expect(manifest).toContain('verify page test');
    writeFileSync(manifestFile, manifest.replace('verify page test', 'verify page TEST'));
    await page.reload();
    await page.locator('[data-testid="verify-files"]').setInputFiles(files);
    await expect.poll(() => verdict.getAttribute('data-ok'), { timeout: 20_000 }).toBe('false');
    expect(await page.locator('tr.bad').count()).toBe(1);
    expect(await page.locator('tr.bad').textContent()).toContain('Ed25519');
  }, 60_000);
});
