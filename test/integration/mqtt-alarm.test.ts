/**
 * Alarms over MQTT (issue J) with the real server, model, ffmpeg and Mosquitto: a looped scenario clip (a person
 * loitering in the walkway) as a file camera, a zone put over the API with a short dwell → the zone's
 * binary_sensor config (device_class motion), an alarm "raised" event with the AlarmView, the zone ON, the
 * annotated JPEG on the camera's snapshot topic; then (the zone removed while the broker is down) "ended" and the
 * zone OFF once the broker is back. Finally the node's status:
 * "offline" on a graceful stop, and from the Last Will when the process is killed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ensureScenarios, type Scenario } from '../support/scenarios.ts';
import { startMosquitto, subscribe, type Broker, type Received, type Subscriber } from '../support/mosquitto.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NODE = 'post-1';
const NAME = 'Walkway 走道 «北»';
let scenario: Scenario;
let broker: Broker;
let wp: Watchpost;
let sub: Subscriber;
let cookie: string;

const json = (m: Received): Json => JSON.parse(m.payload.toString('utf8'));
const base = `watchpost/${NODE}`;

beforeAll(async () => {
  [scenario] = (await ensureScenarios(['loiter-walkway'])) as [Scenario];
  broker = await startMosquitto({ users: { watchpost: 'wp-secret-1', ha: 'ha-secret-1' } });
  sub = await subscribe(broker.url('ha', 'ha-secret-1'), ['watchpost/#', 'homeassistant/#'], 'ha-persistent');
  wp = await startWatchpost({
    configYaml: [
      'server: {host: 127.0.0.1}',
      'demo: false',
      'analytics: {fps: 2}',
      `cluster: {nodeId: ${NODE}, mqtt: {url: "${broker.url('watchpost', 'wp-secret-1')}", snapshots: true}}`,
      'cameras:',
      `  - {id: walk, name: ${JSON.stringify(NAME)}, file: "${scenario.video}"}`,
    ].join('\n'),
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
}, 90_000);

afterAll(async () => {
  await sub?.close();
  await wp?.dispose();
  await broker?.dispose();
});

describe('alarms over MQTT', () => {
  it('a zone gets its binary_sensor; an alarm is raised (event, zone ON, snapshot), then ends (zone OFF)', async () => {
    const zone = { ...scenario.zones[0]!, dwellSeconds: 4 };
    expect(zone).toMatchObject({ name: 'walkway', kind: 'loitering' });
    const put = await fetch(`${wp.url}/api/cameras/walk/zones`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ zones: [zone] }) });
    expect(put.status).toBe(200);

    const cfgTopic = `homeassistant/binary_sensor/watchpost-${NODE}/walk_zone_walkway/config`;
    // drawn zones are re-read every 30 s; the alarm's zone is learned at once when it fires first
    const raised = await sub.waitFor('alarm raised', (m) => m.topic === `${base}/alarm/walk/walkway/event` && json(m).event === 'raised', 90_000);
    const ev = json(raised);
    expect(ev).toMatchObject({ node: NODE, alarm: { cameraId: 'walk', cameraName: NAME, zone: 'walkway', kind: 'loitering', status: 'open', endMs: null } });
    expect(ev.alarm.id).toEqual(expect.any(Number));

    const cfg = json(await sub.waitFor('zone config', (m) => m.topic === cfgTopic && m.payload.length > 0));
    expect(cfg).toMatchObject({
      device_class: 'motion',
      state_topic: `${base}/alarm/walk/walkway/state`,
      json_attributes_topic: `${base}/alarm/walk/walkway/event`,
      availability_topic: `${base}/status`,
      payload_on: 'ON',
      payload_off: 'OFF',
      device: { name: NAME },
    });
    await sub.waitFor('zone ON', (m) => m.topic === `${base}/alarm/walk/walkway/state` && m.payload.toString() === 'ON');

    const snap = await sub.waitFor('alarm snapshot', (m) => m.topic === `${base}/camera/walk/snapshot` && m.payload.length > 0);
    expect([snap.payload[0], snap.payload[1]]).toEqual([0xff, 0xd8]); // a JPEG
    const api = Buffer.from(await (await fetch(`${wp.url}${ev.alarm.snapshotUrl}`, { headers: { cookie } })).arrayBuffer());
    expect(snap.payload.equals(api)).toBe(true); // the alarm's annotated snapshot, byte for byte

    // the broker goes away; meanwhile the zone is removed: analysis of the camera stops and closes its alarm, and
    // the "ended" event waits in the server's queue until the broker is back
    const outageFrom = sub.messages.length;
    await broker.stop();
    const cleared = await fetch(`${wp.url}/api/cameras/walk/zones`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ zones: [] }) });
    expect(cleared.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    await broker.start();
    const ended = await sub.waitFor('alarm ended after the outage', (m) => m.topic === `${base}/alarm/walk/walkway/event` && json(m).event === 'ended', 20_000);
    expect(json(ended).alarm).toMatchObject({ id: ev.alarm.id, endMs: expect.any(Number) });
    await sub.waitFor('zone OFF', (m) => sub.messages.indexOf(m) >= outageFrom && m.topic === `${base}/alarm/walk/walkway/state` && m.payload.toString() === 'OFF', 5000);

    // an acknowledgement is an "updated" event on the same topic
    const ack = await fetch(`${wp.url}/api/alarms/${ev.alarm.id}/ack`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(ack.status).toBe(200);
    const upd = await sub.waitFor('alarm updated', (m) => m.topic === `${base}/alarm/walk/walkway/event` && json(m).event === 'updated' && json(m).alarm.status === 'acknowledged');
    expect(json(upd).alarm.ack.by).toBe('admin');
  }, 200_000);

  it('a graceful stop says "offline"; a killed process gets "offline" from its Last Will', async () => {
    const status = `${base}/status`;
    let from = sub.messages.length;
    await wp.stop();
    await sub.waitFor('offline on stop', (m) => sub.messages.indexOf(m) >= from && m.topic === status && m.payload.toString() === 'offline', 10_000);
    from = sub.messages.length;
    await wp.restart();
    await sub.waitFor('online after restart', (m) => sub.messages.indexOf(m) >= from && m.topic === status && m.payload.toString() === 'online', 15_000);
    from = sub.messages.length;
    // tsx runs the server in a child node process: kill that one, as a crash would
    const pid = wp.process().pid!;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number).filter(Boolean);
    expect(children.length).toBeGreaterThan(0);
    for (const c of children) process.kill(c, 'SIGKILL');
    await sub.waitFor('offline from the Last Will', (m) => sub.messages.indexOf(m) >= from && m.topic === status && m.payload.toString() === 'offline', 10_000);
    // and it stays so for a client that comes later (retained)
    const late = await subscribe(broker.url('ha', 'ha-secret-1'), [status]);
    try {
      const m = await late.waitFor('retained offline', (x) => x.topic === status);
      expect([m.retain, m.payload.toString()]).toEqual([true, 'offline']);
    } finally {
      await late.close();
    }
  }, 60_000);
});
