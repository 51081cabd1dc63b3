/**
 * Issue J, a cut link: the broker and one server (site-a) in one network namespace, a second server (site-b) in
 * another, joined by a veth cable. Taking b's end down is a pulled cable — no RST, no FIN, packets just vanish — so
 * nobody is told: site-a must notice by itself that site-b is gone (the broker's keep-alive and its Last Will, or 3
 * missed heartbeats) within 15 s, and see it online again once the cable is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needCapability } from '../support/capability.ts';
import { startMosquitto, type Broker } from '../support/mosquitto.ts';
import { Netns, netnsSupport } from '../support/netns.ts';
import { startWatchpostIn, type NsWatchpost } from '../support/netns-watchpost.ts';

const NS = netnsSupport();

let hub: Netns;
let far: Netns;
let cable: ReturnType<typeof Netns.cable>;
let broker: Broker;
let a: NsWatchpost;
const figures: Record<string, number> = {};

async function statusOfB(): Promise<string | undefined> {
  const r = await a.request('GET', '/api/nodes');
  expect(r.status).toBe(200);
  return (r.json() as { id: string; status: string }[]).find((n) => n.id === 'site-b')?.status;
}

async function until(what: string, fn: () => Promise<boolean>, ms: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  needCapability('nodes-link-cut: network namespaces', NS.ok, NS.reason);
  hub = Netns.create();
  far = Netns.create();
  cable = Netns.cable(hub, far);
  broker = await startMosquitto({ netns: hub });
  // the far node is started alongside; it is reached only through the hub's broker
  [a] = await Promise.all([
    startWatchpostIn(hub, { node: 'site-a', mqttUrl: `mqtt://127.0.0.1:${broker.port}` }),
    startWatchpostIn(far, { node: 'site-b', mqttUrl: `mqtt://${cable.aIp}:${broker.port}` }),
  ]);
}, 120_000);

afterAll(async () => {
  await broker?.dispose();
  await Promise.all([far?.dispose(), hub?.dispose()]);
  if (Object.keys(figures).length) console.info('link cut figures (ms):', JSON.stringify(figures));
});

describe('a recorder behind a cut link', () => {
  it('is online across the cable, offline within 15 s of the cut, online again after it is mended', async () => {
    await until('site-b online on site-a', async () => (await statusOfB()) === 'online', 20_000);
    cable.cut();
    figures.cutToOffline = await until('site-b offline after the cut', async () => (await statusOfB()) === 'offline', 15_000);
    // the far side keeps running: it does not see an outage sooner than its own keep-alive either
    cable.restore();
    figures.mendToOnline = await until('site-b online after the mend', async () => (await statusOfB()) === 'online', 30_000);
  }, 60_000);
});
