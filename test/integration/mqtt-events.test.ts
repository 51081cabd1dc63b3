/**
 * Events over MQTT and Home Assistant discovery (issue J) with the real server, a real Mosquitto that requires a
 * login, and the GStreamer RTSP test camera: discovery configs are valid and point at the state topics, a camera
 * going offline is OFF, a deleted camera's configs are cleared, a broker restart (losing its retained messages)
 * is survived and everything retained is back, and a wrong password is a clear log line and metric while the
 * server keeps running. Topics use ids only; the odd Unicode camera name travels intact in the JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, subscribe, type Broker, type Received, type Subscriber } from '../support/mosquitto.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NODE = 'site-a';
const PW = 'p@ss:w/rd 密码';
const TOKEN = 'mqtt-test-metrics-token-0123456789';
const NAME = '东门 "Gate" #1 / +🚪 ünï';
const LEVEL = /^[A-Za-z0-9_-]+$/;

let broker: Broker;
let rtsp: RtspServer;
let wp: Watchpost;
let sub: Subscriber;
let cookie: string;

const json = (m: Received | undefined): Json => (m && m.payload.length ? JSON.parse(m.payload.toString('utf8')) : undefined);
const stateTopic = (id: string) => `watchpost/${NODE}/camera/${id}/state`;

async function metric(server: Watchpost, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : undefined;
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  broker = await startMosquitto({ users: { watchpost: PW, ha: 'ha-pw-1' } });
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10 });
  sub = await subscribe(broker.url('ha', 'ha-pw-1'), ['watchpost/#', 'homeassistant/#']);
  wp = await startWatchpost({
    configYaml: [
      'server: {host: 127.0.0.1}',
      'demo: false',
      'media: {rtspTimeoutSeconds: 2}',
      `metrics: {token: ${TOKEN}}`,
      'cluster:',
      `  nodeId: ${NODE}`,
      `  mqtt: ${JSON.stringify(broker.url('watchpost', PW))}`,
      'cameras:',
      `  - {id: gate-1, name: ${JSON.stringify(NAME)}, url: "${rtsp.url()}"}`,
    ].join('\n'),
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
});

afterAll(async () => {
  await sub?.close();
  await wp?.dispose();
  await rtsp?.stop();
  await broker?.dispose();
});

describe('MQTT events and Home Assistant discovery', () => {
  it('publishes the node status, valid discovery configs consistent with the state topics, and the camera state', async () => {
    const status = await sub.waitFor('node online', (m) => m.topic === `watchpost/${NODE}/status` && m.payload.toString() === 'online');
    expect(status.retain).toBe(false); // a live publish, delivered as it happened (retained ones are flagged only on subscribe)
    const on = await sub.waitFor('camera ON', (m) => m.topic === stateTopic('gate-1') && json(m)?.state === 'ON', 30_000);
    expect(json(on)).toMatchObject({ id: 'gate-1', name: NAME, status: 'online', since: expect.any(Number) });

    const configs = sub.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.payload.length);
    const byTopic = new Map(configs.map((m) => [m.topic, json(m)]));
    expect([...byTopic.keys()].sort()).toEqual([
      `homeassistant/binary_sensor/watchpost-${NODE}/gate-1_online/config`,
      `homeassistant/binary_sensor/watchpost-${NODE}/node_status/config`,
      `homeassistant/camera/watchpost-${NODE}/gate-1/config`,
    ]);
    const received = new Set(sub.messages.map((m) => m.topic));
    const ids = new Set<string>();
    for (const [topic, c] of byTopic) {
      for (const key of ['unique_id', 'name', 'device', 'origin']) expect(c, `${topic} ${key}`).toHaveProperty(key);
      expect(c.device.identifiers.length).toBe(1);
      ids.add(c.unique_id);
      const stateTopicOf = topic.includes('/camera/') ? c.topic : c.state_topic;
      expect(stateTopicOf.startsWith(`watchpost/${NODE}/`), topic).toBe(true);
      if (!topic.includes('/camera/')) expect(received.has(stateTopicOf), `${topic} → ${stateTopicOf}`).toBe(true);
      if (!topic.includes('node_status')) expect(c.availability_topic).toBe(`watchpost/${NODE}/status`);
    }
    expect(ids.size).toBe(3);
    const online = byTopic.get(`homeassistant/binary_sensor/watchpost-${NODE}/gate-1_online/config`);
    expect(online).toMatchObject({ device_class: 'connectivity', state_topic: stateTopic('gate-1'), value_template: '{{ value_json.state }}', payload_on: 'ON', payload_off: 'OFF' });
    expect(online.device.name).toBe(NAME);
    expect(byTopic.get(`homeassistant/camera/watchpost-${NODE}/gate-1/config`).topic).toBe(`watchpost/${NODE}/camera/gate-1/snapshot`);
    // topics hold ids only; the name is in the payloads, intact
    for (const t of received) expect(t.split('/').every((l) => LEVEL.test(l)), t).toBe(true);
    expect(await metric(wp, 'watchpost_mqtt_connected')).toBe(1);
    expect(await metric(wp, 'watchpost_mqtt_queued_events')).toBe(0);
    expect(await metric(wp, 'watchpost_mqtt_messages_published')).toBeGreaterThanOrEqual(6);
    expect(wp.output()).not.toContain(PW);
    expect(wp.output()).not.toContain(encodeURIComponent(PW));
  });

  it('a camera whose source goes away is OFF with its reason, and ON again when it is back', async () => {
    const from = sub.messages.length;
    await rtsp.stop();
    const off = await sub.waitFor('camera OFF', (m) => sub.messages.indexOf(m) >= from && m.topic === stateTopic('gate-1') && json(m)?.state === 'OFF', 30_000);
    expect(json(off)).toMatchObject({ status: 'offline', reason: expect.any(String), name: NAME });
    const back = sub.messages.length;
    await rtsp.restart();
    await sub.waitFor('camera ON again', (m) => sub.messages.indexOf(m) >= back && m.topic === stateTopic('gate-1') && json(m)?.state === 'ON', 45_000);
  }, 90_000);

  it('a camera added in the console gets its configs; deleting it clears them (empty retained payloads)', async () => {
    const headers = { cookie, 'content-type': 'application/json' };
    const res = await fetch(`${wp.url}/api/cameras`, { method: 'POST', headers, body: JSON.stringify({ id: 'tmp-cam', name: 'Temp 临时', url: rtsp.url() }) });
    expect(res.status).toBe(201);
    const cfgTopic = `homeassistant/binary_sensor/watchpost-${NODE}/tmp-cam_online/config`;
    expect(json(await sub.waitFor('tmp-cam config', (m) => m.topic === cfgTopic && m.payload.length > 0)).device.name).toBe('Temp 临时');
    expect((await fetch(`${wp.url}/api/cameras/tmp-cam`, { method: 'DELETE', headers: { cookie } })).status).toBe(204);
    await sub.waitFor('tmp-cam config cleared', (m) => m.topic === cfgTopic && m.payload.length === 0);
    // a client subscribing now gets no retained config or state of the deleted camera, but still the other's
    const fresh = await subscribe(broker.url('ha', 'ha-pw-1'), ['homeassistant/#', `watchpost/${NODE}/camera/+/state`]);
    try {
      await fresh.waitFor('retained gate-1 state', (m) => m.topic === stateTopic('gate-1') && m.retain);
      await new Promise((r) => setTimeout(r, 500));
      expect(fresh.messages.filter((m) => m.topic.includes('tmp-cam'))).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('survives a broker restart that lost every retained message: reconnects and republishes them, one log line per outage', async () => {
    const logFrom = wp.output().length;
    await broker.stop();
    await new Promise((r) => setTimeout(r, 11_000)); // two reconnect attempts at least
    expect((await fetch(`${wp.url}/api/health`)).status).toBe(200); // the server does not block or crash
    expect(await metric(wp, 'watchpost_mqtt_connected')).toBe(0);
    const outage = wp.output().slice(logFrom).split('\n').filter((l) => /mqtt/i.test(l));
    expect(outage, outage.join('\n')).toHaveLength(1);
    await broker.start({ wipe: true });
    const fresh = await subscribe(broker.url('ha', 'ha-pw-1'), ['watchpost/#', 'homeassistant/#']);
    try {
      await until('reconnected', async () => (await metric(wp, 'watchpost_mqtt_connected')) === 1, 20_000);
      // a client that connects after the restart gets it all as retained messages
      await new Promise((r) => setTimeout(r, 1000));
      const fresh2 = await subscribe(broker.url('ha', 'ha-pw-1'), ['watchpost/#', 'homeassistant/#']);
      try {
        const st = await fresh2.waitFor('retained status', (m) => m.topic === `watchpost/${NODE}/status`);
        expect([st.retain, st.payload.toString()]).toEqual([true, 'online']);
        const cam = await fresh2.waitFor('retained camera state', (m) => m.topic === stateTopic('gate-1'));
        expect(cam.retain).toBe(true);
        expect(json(cam)).toMatchObject({ id: 'gate-1', name: NAME });
        await fresh2.waitFor('retained discovery', (m) => m.topic === `homeassistant/binary_sensor/watchpost-${NODE}/gate-1_online/config` && m.retain);
        await fresh2.waitFor('retained heartbeat', (m) => m.topic === `watchpost/${NODE}/info` && json(m)?.cameras === 1);
      } finally {
        await fresh2.close();
      }
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('a camera removed from the config while the server was down: its retained configs and state are cleared at the next start', async () => {
    const node = 'site-c';
    const yaml = (ids: string[]) =>
      ['server: {host: 127.0.0.1}', 'demo: false', `cluster: {nodeId: ${node}, mqtt: ${JSON.stringify(broker.url('watchpost', PW))}}`, 'cameras:',
        ...ids.map((id) => `  - {id: ${id}, name: ${id}, url: "rtsp://127.0.0.1:1/none"}`)].join('\n');
    const cfg = (id: string) => `homeassistant/binary_sensor/watchpost-${node}/${id}_online/config`;
    const first = await startWatchpost({ configYaml: yaml(['keep', 'gone']) });
    await sub.waitFor('gone config', (m) => m.topic === cfg('gone') && m.payload.length > 0);
    await sub.waitFor('gone state', (m) => m.topic === `watchpost/${node}/camera/gone/state` && m.payload.length > 0);
    await first.dispose();
    const from = sub.messages.length;
    const second = await startWatchpost({ configYaml: yaml(['keep']) });
    try {
      await sub.waitFor('gone config cleared', (m) => sub.messages.indexOf(m) >= from && m.topic === cfg('gone') && m.payload.length === 0, 15_000);
      await sub.waitFor('gone state cleared', (m) => sub.messages.indexOf(m) >= from && m.topic === `watchpost/${node}/camera/gone/state` && m.payload.length === 0);
      await new Promise((r) => setTimeout(r, 1000));
      const after = sub.messages.slice(from);
      expect(after.filter((m) => m.topic === cfg('keep') && m.payload.length === 0)).toEqual([]); // what still exists stays
      expect(after.some((m) => m.topic === cfg('keep') && m.payload.length > 0)).toBe(true);
    } finally {
      await second.dispose();
    }
  }, 60_000);

  it('a wrong broker password is one clear log line and a metric; the server keeps running and never logs the password', async () => {
    const bad = await startWatchpost({
      configYaml: ['server: {host: 127.0.0.1}', 'demo: false', `metrics: {token: ${TOKEN}}`, 'cluster: {nodeId: site-bad}'].join('\n'),
      env: { WATCHPOST_MQTT_URL: broker.url('watchpost', 'wrong-pw-xyz') },
    });
    try {
      await until('auth failure in the log', () => /refused the login/.test(bad.output()), 15_000);
      expect(await metric(bad, 'watchpost_mqtt_auth_failed')).toBe(1);
      expect(await metric(bad, 'watchpost_mqtt_connected')).toBe(0);
      expect((await fetch(`${bad.url}/api/health`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 6000));
      expect(bad.output().split('\n').filter((l) => /mqtt/i.test(l) && /WARN|ERROR|"level":"(warn|error)"/.test(l))).toHaveLength(1);
      expect(bad.output()).not.toContain('wrong-pw-xyz');
      expect(bad.process().exitCode).toBe(null);
      // nothing of that node reached the broker
      expect(sub.messages.filter((m) => m.topic.includes('site-bad'))).toEqual([]);
    } finally {
      await bad.dispose();
    }
  }, 60_000);
});

describe('cluster roles not built yet', () => {
  it('a recorder role stops the start-up with a clear message, not silently', async () => {
    const envs: Record<string, string>[] = [{ WATCHPOST_ROLE: 'recorder', WATCHPOST_DATABASE_URL: 'postgres://wp:pw-not-logged@127.0.0.1/wp' }];
    for (const env of envs) {
      const dataDir = mkdtempSync(join(tmpdir(), 'wp-role-'));
      const err = await startWatchpost({ configYaml: 'demo: false\nserver: {host: 127.0.0.1}', env, dataDir }).then(
        (w) => w.dispose().then(() => 'started'),
        (e: Error) => e.message,
      );
      rmSync(dataDir, { recursive: true, force: true });
      expect(err).toMatch(/exited \(2\) before it was up/);
      expect(err).toMatch(/not built yet/);
      expect(err).not.toContain('pw-not-logged');
    }
  });
});
