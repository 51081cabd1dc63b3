/**
 * Issue J, on every console: the nodes page of one node shows another node on the same real Mosquitto online with
 * its cameras; when that node is SIGKILLed (no clean stop) the page shows it offline and its cameras "recorder down"
 * within 15 s, without a reload — in 简体中文, with no English word on the page but names and codes. The equipment
 * check links to the page; an operator limited to some cameras is refused another node's cameras, in Chinese.
 * Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { openConsole } from '../support/console.ts';
import { killHard } from '../support/kill.ts';
import { startMosquitto, type Broker } from '../support/mosquitto.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { COLLECT, latinWords, report, type Found } from '../support/zh-text.ts';

const config = (node: string, broker: Broker, cameras: string[]) =>
  [
    'server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}',
    'cluster:', `  nodeId: ${node}`, `  mqtt: {url: "${broker.url()}", discovery: false, snapshots: false}`,
    cameras.length ? 'cameras:' : 'cameras: []',
    ...cameras.map((id, i) => `  - {id: ${id}, name: "北门 ${i + 1}", url: "rtsp://127.0.0.1:9/${id}"}`),
  ].join('\n');

describe('nodes page', () => {
  let broker: Broker;
  let a: Watchpost;
  let b: Watchpost;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  const row = (node: string) => page.locator(`[data-testid="node-row"][data-node="${node}"]`);

  beforeAll(async () => {
    broker = await startMosquitto();
    [a, b] = await Promise.all([
      startWatchpost({ configYaml: config('site-a', broker, ['gate']) }),
      startWatchpost({ configYaml: config('site-b', broker, ['north1', 'north2']) }),
    ]);
    const cookie = await login(a.url, 'admin', a.adminPassword);
    browser = await launchChromium();
    ({ page } = await openConsole(browser, a, { cookie, lang: 'zh-CN', errors }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
    await broker?.dispose();
    expect(errors).toEqual([]);
  });

  it('lists this node first and the other online with its cameras; killed, it is offline and its cameras "recorder down" within 15 s', async () => {
    await page.goto(`${a.url}/nodes`);
    await expect.poll(() => row('site-b').getAttribute('data-status'), { timeout: 20_000, interval: 200 }).toBe('online');
    expect(await page.locator('[data-testid="node-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node')))).toEqual(['site-a', 'site-b']);
    await expect.poll(() => row('site-b').locator('td').nth(4).textContent()).toBe('2');
    expect(await row('site-b').locator('[data-testid="node-status"]').textContent()).toBe('在线');
    await row('site-b').locator('[data-testid="node-toggle"]').click();
    await expect.poll(() => page.locator('[data-testid="node-camera"]').count(), { timeout: 10_000 }).toBe(2);
    expect(await tid('node-down').count()).toBe(0);

    const found: Found[] = [];
    for (const i of (await page.evaluate(COLLECT)) as Found[]) found.push(i);

    const t0 = Date.now();
    killHard(b);
    await expect.poll(() => row('site-b').getAttribute('data-status'), { timeout: 15_000, interval: 100 }).toBe('offline');
    const offlineMs = Date.now() - t0;
    expect(await row('site-b').locator('[data-testid="node-status"]').textContent()).toBe('离线');
    await expect.poll(() => page.locator('[data-testid="node-camera"][data-reason="recorder down"]').count(), { timeout: 15_000 - (Date.now() - t0), interval: 100 }).toBe(2);
    const camerasMs = Date.now() - t0;
    const text = await page.locator('[data-testid="node-camera"]').allTextContents();
    expect(text.every((s) => s.includes('离线') && s.includes('录像节点离线'))).toBe(true);
    expect(await tid('node-down').textContent()).toContain('site-b 已离线');
    console.log(`nodes page: site-b offline ${offlineMs} ms after SIGKILL, its cameras "recorder down" after ${camerasMs} ms`);

    for (const i of (await page.evaluate(COLLECT)) as Found[]) found.push(i);
    // node ids and camera ids are data; the rest of the page is Chinese
    const words = (f: Found) => latinWords({ ...f, text: f.text.replace(/\bsite-[ab]\b/g, ' ') });
    const bad = found.filter((f) => words(f).length > 0);
    expect(bad, report(bad, (f) => `[${words(f).join(', ')}]`)).toEqual([]);
  }, 90_000);

  it('the equipment check links to it; an operator sees the nodes but not another node\'s cameras', async () => {
    const cookie = await login(a.url, 'admin', a.adminPassword);
    const add = await fetch(`${a.url}/api/users`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'op-n', password: 'operator-pass-2026', role: 'operator', cameras: ['gate'] }) });
    expect(add.status).toBe(201);
    const op = await login(a.url, 'op-n', 'operator-pass-2026');
    const { page: p } = await openConsole(browser, a, { cookie: op, lang: 'zh-CN', errors });
    await p.goto(`${a.url}/equipment`);
    await p.locator('[data-testid="equipment-nodes"]').click();
    await p.waitForURL(/\/nodes$/);
    const rowB = p.locator('[data-testid="node-row"][data-node="site-b"]');
    await expect.poll(() => rowB.getAttribute('data-status'), { timeout: 10_000 }).toBe('offline');
    await rowB.locator('[data-testid="node-toggle"]').click();
    // another node's cameras are outside this node's per-camera rights: refused, in Chinese
    await expect.poll(() => p.locator('[data-testid="node-cameras-error"]').textContent(), { timeout: 10_000 }).toMatch(/[\u4e00-\u9fff]/);
    expect(await p.locator('[data-testid="node-camera"]').count()).toBe(0);
    await p.context().close();
  });
});
