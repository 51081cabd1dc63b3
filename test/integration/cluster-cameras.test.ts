/**
 * Other nodes' cameras in this node's camera list and event stream (issue J, server/cluster/remote-cameras.ts):
 * two real servers on a real Mosquitto, a real GStreamer RTSP camera on site-b. site-a's GET /api/cameras lists
 * site-b's camera with node site-b for an admin, not for an operator limited to site-a's camera; a PATCH or DELETE
 * of it on site-a is 409 remote_camera. site-b hanging (SIGSTOP, heartbeats stop, no Last Will): site-a's event
 * stream says `recorder down` once 3 heartbeats are missed (a timer, no request); site-b killed hard: site-a's list
 * and its event stream say offline `recorder down` within 15 s.
 */
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Broker } from '../support/mosquitto.ts';
import { freePort, startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { apiClient } from '../support/api.ts';
import { killHard } from '../support/kill.ts';
import { RECORDER_DOWN } from '../../shared/wire/nodes.ts';

const SECRET = 'test-cluster-secret-0123456789-abcdefghij';
let broker: Broker;
let rtsp: RtspServer;
let a: Watchpost;
let b: Watchpost;
let admin = '';
const callA = apiClient(() => a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Cam = { id: string; node: string; status: string; statusReason: string | null; origin: string; url: string | null };

const config = (node: string, camera: string) =>
  [
    'server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}',
    'cluster:', `  nodeId: ${node}`, `  mqtt: {url: "${broker.url()}", discovery: false, snapshots: false, heartbeatSeconds: 1}`,
    `cameras:\n  - {id: ${node === 'site-a' ? 'yard' : 'gate'}, name: "${node === 'site-a' ? '院子' : '大门'}", url: "${camera}"}`,
  ].join('\n');

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}\n--- a:\n${a.output().slice(-1500)}\n--- b:\n${b.output().slice(-1500)}`);
    await sleep(200);
  }
}

const camerasOnA = async (cookie = admin) => (await callA('GET', '/api/cameras', { cookie })).body as Cam[];

/** site-a's event stream: every `camera` event's data, as it arrives */
function events(cookie: string): { cams: Cam[]; hello: () => Cam[] | undefined; close: () => void } {
  const cams: Cam[] = [];
  let hello: Cam[] | undefined;
  let buf = '';
  const req = request({ host: '127.0.0.1', port: a.port, path: '/api/events', headers: { cookie } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (ev === 'hello' && data) hello = (JSON.parse(data) as { cameras: Cam[] }).cameras;
        if (ev === 'camera' && data) cams.push(JSON.parse(data) as Cam);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return { cams, hello: () => hello, close: () => req.destroy() };
}

beforeAll(async () => {
  broker = await startMosquitto();
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10 });
  const portB = await freePort();
  const env = { WATCHPOST_CLUSTER_SECRET: SECRET };
  [a, b] = await Promise.all([
    // site-a's own camera goes nowhere (offline): this test is about the list, not its video
    startWatchpost({ configYaml: config('site-a', 'rtsp://127.0.0.1:9/none'), env }),
    startWatchpost({ configYaml: config('site-b', rtsp.url()), env: { ...env, WATCHPOST_PORT: String(portB), WATCHPOST_NODE_URL: `http://127.0.0.1:${portB}` } }),
  ]);
  b = { ...b, url: `http://127.0.0.1:${portB}`, port: portB };
  admin = await login(a.url, 'admin', a.adminPassword);
  await until('site-b camera online on site-a', async () => (await camerasOnA()).find((c) => c.id === 'gate' && c.status === 'online'), 60_000);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.dispose(), b?.dispose()]);
  await rtsp?.stop();
  await broker?.dispose();
});

describe('cameras of other nodes', () => {
  it("an admin of site-a sees site-b's camera with node site-b, read-only; an operator of site-a's camera does not", async () => {
    const list = await camerasOnA();
    expect(list.map((c) => [c.id, c.node, c.origin])).toEqual([['yard', 'site-a', 'config'], ['gate', 'site-b', 'remote']]);
    const gate = list[1]!;
    expect([gate.status, gate.statusReason, gate.url]).toEqual(['online', null, null]);
    expect((await callA('GET', '/api/cameras/gate', { cookie: admin })).body.node).toBe('site-b');
    const u = await callA('POST', '/api/users', { cookie: admin, json: { username: 'op-yard', password: 'op-yard-password-2026', role: 'operator', cameras: ['yard'] } });
    expect(u.status).toBe(201);
    const op = await login(a.url, 'op-yard', 'op-yard-password-2026');
    expect((await camerasOnA(op)).map((c) => c.id)).toEqual(['yard']);
    expect((await callA('GET', '/api/cameras/gate', { cookie: op })).status).toBe(404);
    const s = events(op);
    await until('hello', async () => s.hello(), 5000);
    s.close();
    expect(s.hello()!.map((c) => c.id)).toEqual(['yard']);
  });

  it("a PATCH or DELETE of site-b's camera on site-a is 409 remote_camera {id, node}, and changes nothing", async () => {
    const p = await callA('PATCH', '/api/cameras/gate', { cookie: admin, json: { name: 'x' } });
    expect([p.status, p.body.error?.code, p.body.error?.params]).toEqual([409, 'remote_camera', { id: 'gate', node: 'site-b' }]);
    const d = await callA('DELETE', '/api/cameras/gate', { cookie: admin });
    expect([d.status, d.body.error?.code]).toEqual([409, 'remote_camera']);
    expect((await camerasOnA()).find((c) => c.id === 'gate')?.node).toBe('site-b');
  });

  it('site-b hanging (SIGSTOP): the event stream says recorder down once 3 heartbeats are missed, online again after', async () => {
    const s = events(admin);
    await until('hello', async () => s.hello(), 5000);
    const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(b.process().pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((n) => n > 0);
    const t0 = Date.now();
    for (const p of pids) process.kill(p, 'SIGSTOP');
    try {
      await until('recorder down on the stream', async () => s.cams.find((c) => c.id === 'gate' && c.statusReason === RECORDER_DOWN), 10_000);
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      for (const p of pids) process.kill(p, 'SIGCONT');
    }
    await until('online again on the stream', async () => s.cams.findLast((c) => c.id === 'gate')?.status === 'online', 15_000);
    s.close();
  }, 40_000);

  it('site-b killed hard: offline recorder down on site-a within 15 s, in the list and on the event stream', async () => {
    const s = events(admin);
    await until('hello', async () => s.hello(), 5000);
    const t0 = Date.now();
    killHard(b);
    const ev = await until('recorder down on the stream', async () => s.cams.find((c) => c.id === 'gate' && c.status === 'offline'), 15_000);
    const streamMs = Date.now() - t0;
    expect([ev.node, ev.statusReason]).toEqual(['site-b', RECORDER_DOWN]);
    const gate = await until('recorder down in the list', async () => (await camerasOnA()).find((c) => c.id === 'gate' && c.status === 'offline'), 15_000);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect([gate.node, gate.statusReason]).toEqual(['site-b', RECORDER_DOWN]);
    s.close();
    console.info('site-b killed → recorder down on the stream (ms):', streamMs);
  }, 30_000);
});
