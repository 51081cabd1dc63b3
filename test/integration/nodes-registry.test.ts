/**
 * Issue J, nodes on a shared broker: two real servers (site-a, site-b) on a real Mosquitto. Each lists the other in
 * GET /api/nodes from its heartbeats; a node killed with SIGKILL (no clean stop: the broker sends its Last Will) is
 * offline on the other within 15 s, a clean stop at once, a node that is back is online again; a node that stops
 * heartbeating without its link dropping is offline after 3 missed heartbeats; whatever else lands on the topics
 * (bad JSON, a forged node name, another node's name in the payload) lists nothing. A node's cameras are listed
 * as it published them, and `offline` / `recorder down` while it is down.
 */
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Broker } from '../support/mosquitto.ts';
import { REPO_ROOT, login, startWatchpost, type Watchpost } from '../support/server.ts';
import { apiClient } from '../support/api.ts';
import { killHard } from '../support/kill.ts';

type Node = { id: string; role: string; status: string; lastSeen: number; cameras: number };
type Cam = { id: string; name: string; status: string; reason: string | null; since: number | null };

let broker: Broker;
let a: Watchpost;
let b: Watchpost;
let cookieA: string;
const callA = apiClient(() => a);
const figures: Record<string, number> = {};

const config = (node: string, cameras: number) => {
  const clip = join(REPO_ROOT, 'assets', 'demo', 'demo-1.mp4');
  return [
    'server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}',
    'cluster:', `  nodeId: ${node}`, `  mqtt: {url: "${broker.url()}", discovery: false, snapshots: false}`,
    cameras ? 'cameras:' : 'cameras: []', ...Array.from({ length: cameras }, (_, i) => `  - {id: cam${i}, name: "门 ${i}", file: "${clip}"}`),
  ].join('\n');
};

async function nodesOfA(): Promise<Node[]> {
  const r = await callA('GET', '/api/nodes', { cookie: cookieA });
  expect(r.status).toBe(200);
  return r.body as Node[];
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}: ${JSON.stringify(await nodesOfA())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const statusOf = async (id: string) => (await nodesOfA()).find((n) => n.id === id)?.status;

beforeAll(async () => {
  broker = await startMosquitto();
  [a, b] = await Promise.all([startWatchpost({ configYaml: config('site-a', 0) }), startWatchpost({ configYaml: config('site-b', 2) })]);
  cookieA = await login(a.url, 'admin', a.adminPassword);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.dispose(), b?.dispose()]);
  await broker?.dispose();
  if (Object.keys(figures).length) console.info('node registry figures (ms):', JSON.stringify(figures));
});

describe('nodes on a shared MQTT broker', () => {
  it('each node lists itself first, then the other with its role and camera count', async () => {
    const list = await until('site-b online on site-a', async () => ((await statusOf('site-b')) === 'online' ? nodesOfA() : undefined), 20_000);
    expect(list.map((n) => [n.id, n.role, n.status, n.cameras])).toEqual([['site-a', 'standalone', 'online', 0], ['site-b', 'standalone', 'online', 2]]);
    expect(Date.now() - list[1]!.lastSeen).toBeLessThan(15_000);
  });

  it("another node's cameras as it published them; an unknown node 404; a user restricted to some cameras 403", async () => {
    const cams = await until('site-b cameras', async () => {
      const r = await callA('GET', '/api/nodes/site-b/cameras', { cookie: cookieA });
      return r.status === 200 && (r.body as Cam[]).length === 2 ? (r.body as Cam[]) : undefined;
    }, 20_000);
    expect(cams.map((c) => [c.id, c.name])).toEqual([['cam0', '门 0'], ['cam1', '门 1']]);
    expect(cams.every((c) => c.status !== 'offline' && c.reason === null)).toBe(true);
    expect((await callA('GET', '/api/nodes/site-a/cameras', { cookie: cookieA })).body).toEqual([]); // itself: its own (none)
    expect((await callA('GET', '/api/nodes/site-x/cameras', { cookie: cookieA })).status).toBe(404);
    const u = await callA('POST', '/api/users', { cookie: cookieA, json: { username: 'op-r', password: 'op-r-password-2026', role: 'operator', cameras: [] } });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    const restricted = await login(a.url, 'op-r', 'op-r-password-2026');
    const r = await callA('GET', '/api/nodes/site-b/cameras', { cookie: restricted });
    expect([r.status, r.body.error?.code, r.body.error?.params?.what]).toEqual([403, 'forbidden', 'remote_cameras']);
  });

  it('a node killed with SIGKILL is offline on the other within 15 s; back online when it restarts', async () => {
    const t0 = Date.now();
    killHard(b);
    await until('site-b offline', async () => (await statusOf('site-b')) === 'offline', 15_000);
    figures.killToOffline = Date.now() - t0;
    // its cameras: offline, recorder down (their own last state said otherwise)
    const cams = (await callA('GET', '/api/nodes/site-b/cameras', { cookie: cookieA })).body as Cam[];
    expect(cams.map((c) => `${c.id} ${c.status} ${c.reason}`)).toEqual(['cam0 offline recorder down', 'cam1 offline recorder down']);
    const t1 = Date.now();
    await b.restart();
    await until('site-b online again', async () => (await statusOf('site-b')) === 'online', 15_000);
    figures.restartToOnline = Date.now() - t1;
  }, 60_000);

  it('a clean stop is offline at once (the node says so before it disconnects)', async () => {
    const t0 = Date.now();
    await b.stop();
    await until('site-b offline after its stop', async () => (await statusOf('site-b')) === 'offline', 3000);
    figures.stopToOffline = Date.now() - t0;
    await b.restart();
    await until('site-b online again', async () => (await statusOf('site-b')) === 'online', 15_000);
  }, 60_000);

  it('a node whose heartbeats stop while its link stays up is offline after 3 missed ones; junk on the topics lists nothing', async () => {
    const c = await mqtt.connectAsync(broker.url(), { clientId: 'test-quiet-node' });
    try {
      await c.publishAsync('watchpost/site-q/status', 'online', { retain: true, qos: 1 });
      await c.publishAsync('watchpost/site-q/info', JSON.stringify({ node: 'site-q', role: 'recorder', version: 'x', at: Date.now(), cameras: 5, online: 5, heartbeatMs: 1000 }), { qos: 1 });
      // junk: not JSON, a name that is not a node id, another node's name in the payload, a negative count, a bad role
      await c.publishAsync('watchpost/site-j/info', '{not json', { qos: 1 });
      await c.publishAsync('watchpost/Bad Name/info', JSON.stringify({ node: 'Bad Name', role: 'recorder', at: Date.now(), cameras: 1 }), { qos: 1 });
      await c.publishAsync('watchpost/site-k/info', JSON.stringify({ node: 'site-a', role: 'recorder', at: Date.now(), cameras: 1 }), { qos: 1 });
      await c.publishAsync('watchpost/site-n/info', JSON.stringify({ node: 'site-n', role: 'recorder', at: Date.now(), cameras: -3 }), { qos: 1 });
      await c.publishAsync('watchpost/site-r/info', JSON.stringify({ node: 'site-r', role: 'king', at: Date.now(), cameras: 1 }), { qos: 1 });
      await c.publishAsync('watchpost/site-u/status', 'maybe', { qos: 1 });
      const q = await until('site-q online', async () => (await nodesOfA()).find((n) => n.id === 'site-q' && n.status === 'online'), 5000);
      expect([q.role, q.cameras]).toEqual(['recorder', 5]);
      const t0 = Date.now();
      await until('site-q offline after 3 missed heartbeats', async () => (await statusOf('site-q')) === 'offline', 6000);
      figures.quietToOffline = Date.now() - t0;
      expect((await nodesOfA()).map((n) => n.id)).toEqual(['site-a', 'site-b', 'site-q']);
      expect((await nodesOfA())[0]).toMatchObject({ id: 'site-a', role: 'standalone', status: 'online', cameras: 0 });
      // a node removed from the installation (its retained info cleared) leaves the list
      await c.publishAsync('watchpost/site-q/info', '', { retain: true, qos: 1 });
      await until('site-q gone', async () => !(await nodesOfA()).some((n) => n.id === 'site-q'), 5000);
    } finally {
      await c.endAsync();
    }
  }, 30_000);
});
