/**
 * Issue J, "cameras of both recorders on one wall": site-a's wall in Debian's Chromium shows site-a's own camera and
 * site-b's (two real servers on a real Mosquitto, a real GStreamer RTSP server with one mount per camera), both
 * playing (their video time advancing; site-b's through site-a's /hls proxy). site-b SIGKILLed: its tile shows
 * "Recorder down" / "录像节点离线" within 15 s without a reload, site-a's tile keeps playing. Only 127.0.0.1.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { openConsole } from '../support/console.ts';
import { killHard } from '../support/kill.ts';
import { startMosquitto, type Broker } from '../support/mosquitto.ts';
import { freePort, startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

const SECRET = 'test-cluster-secret-0123456789-abcdefghij';

const config = (node: string, broker: Broker, id: string, url: string) =>
  [
    'server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}',
    'cluster:', `  nodeId: ${node}`, `  mqtt: {url: "${broker.url()}", discovery: false, snapshots: false, heartbeatSeconds: 1}`,
    'cameras:', `  - {id: ${id}, name: "${id === 'yard' ? '院子' : '大门'}", url: "${url}"}`,
  ].join('\n');

/** currentTime of the tile's <video> */
const videoTime = (tile: Locator) => tile.locator('video').evaluate((v) => (v as unknown as { currentTime: number }).currentTime);

/** the tile's video advances by more than 0.5 s within 4 s */
async function plays(page: Page, tile: Locator): Promise<boolean> {
  const t0 = await videoTime(tile).catch(() => -1);
  for (let i = 0; i < 8; i++) {
    await page.waitForTimeout(500);
    const t = await videoTime(tile).catch(() => -1);
    if (t0 >= 0 && t > t0 + 0.5) return true;
  }
  return false;
}

describe('cameras of both recorders on one wall', () => {
  let broker: Broker;
  let rtsp: RtspServer;
  let a: Watchpost;
  let b: Watchpost;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['yard', 'gate'] });
    const portB = await freePort();
    const env = { WATCHPOST_CLUSTER_SECRET: SECRET };
    [a, b] = await Promise.all([
      startWatchpost({ configYaml: config('site-a', broker, 'yard', rtsp.url('yard')), env }),
      startWatchpost({ configYaml: config('site-b', broker, 'gate', rtsp.url('gate')), env: { ...env, WATCHPOST_PORT: String(portB), WATCHPOST_NODE_URL: `http://127.0.0.1:${portB}` } }),
    ]);
    b = { ...b, url: `http://127.0.0.1:${portB}`, port: portB };
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
    await rtsp?.stop();
    await broker?.dispose();
    expect(errors).toEqual([]);
  });

  it("site-a's wall plays both; site-b killed: its tile says recorder down within 15 s (zh-CN and English), site-a's keeps playing", async () => {
    const cookie = await login(a.url, 'admin', a.adminPassword);
    const open = async (lang: 'en' | 'zh-CN') => {
      const { page } = await openConsole(browser, a, { cookie, lang, storage: { 'wp.wall.fit': '1' }, errors });
      await page.goto(`${a.url}/wall`);
      return page;
    };
    const zh = await open('zh-CN');
    const en = await open('en');
    const tile = (p: Page, id: string) => p.locator(`wp-camera-tile[data-camera-id="${id}"]`);
    for (const p of [zh, en]) {
      await expect.poll(() => tile(p, 'gate').count(), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => tile(p, 'yard').count(), { timeout: 5000 }).toBe(1);
    }
    await expect.poll(() => plays(zh, tile(zh, 'yard')), { timeout: 45_000, interval: 0 }).toBe(true);
    await expect.poll(() => plays(zh, tile(zh, 'gate')), { timeout: 30_000, interval: 0 }).toBe(true);
    expect(await plays(en, tile(en, 'gate'))).toBe(true);

    const t0 = Date.now();
    killHard(b);
    for (const [p, text] of [[zh, '录像节点离线'], [en, 'Recorder down']] as const) {
      await expect.poll(() => tile(p, 'gate').locator('[data-testid="tile-reason"]').textContent().catch(() => null), { timeout: 15_000 - (Date.now() - t0), interval: 100 }).toBe(text);
    }
    const downMs = Date.now() - t0;
    expect(downMs).toBeLessThan(15_000);
    expect(await plays(zh, tile(zh, 'yard'))).toBe(true);
    console.log(`cluster wall: site-b's tile "recorder down" on both consoles ${downMs} ms after SIGKILL; site-a's tile still playing`);
  }, 90_000);
});
