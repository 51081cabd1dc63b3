import { describe, expect, it } from 'vitest';
import {
  Topics, cameraEntityDiscovery, cameraOnlineDiscovery, cameraStatePayload, nodeDiscovery, redactUrl, zoneDiscovery, zoneKey,
} from '../../server/mqtt/topics.ts';
import { MqttState } from '../../server/mqtt/state.ts';
import { ConfigError, loadConfig, parseConfig } from '../../server/config/load.ts';
import { defaultNodeId } from '../../server/config/schema.ts';
import type { AlarmView } from '../../server/alarms/types.ts';

const LEVEL = /^[A-Za-z0-9_-]+$/; // what every level of every topic we build must be

function levelsOk(topic: string): boolean {
  return topic.split('/').every((l) => LEVEL.test(l));
}

describe('MQTT topics and Home Assistant discovery', () => {
  const t = new Topics('site-a');
  const ctx = { topics: t, version: '1.2.3' };
  const cam = { id: 'gate-1', name: '东门 "Gate" / #+ 🚪' };

  it('zone keys are topic-safe, stable and distinct for distinct names', () => {
    expect(zoneKey('walkway')).toBe('walkway');
    const names = ['东门 通道', '东门 通道 ', 'Exit #1 / back', 'Exit #1 + back', '🚪', 'camera view', 'A'];
    const keys = names.map(zoneKey);
    for (const k of keys) expect(k).toMatch(/^[a-z0-9][a-z0-9_-]{0,40}$/);
    expect(new Set(keys).size).toBe(names.length);
    expect(zoneKey('东门 通道')).toBe(keys[0]);
    expect(zoneKey('Exit #1 / back')).toMatch(/^exit-1-back-[0-9a-f]{8}$/);
  });

  it('topics hold ids only, never names', () => {
    const all = [t.status, t.info, t.cameraState(cam.id), t.snapshot(cam.id), t.zoneState(cam.id, '东门 / #'), t.alarmEvent(cam.id, '东门 / #'),
      t.cameraOnlineConfig(cam.id), t.cameraEntityConfig(cam.id), t.zoneConfig(cam.id, '东门 / #'), t.nodeConfig()];
    for (const topic of all) expect(levelsOk(topic), topic).toBe(true);
    expect(t.cameraState('gate-1')).toBe('watchpost/site-a/camera/gate-1/state');
    expect(t.cameraOnlineConfig('gate-1')).toBe('homeassistant/binary_sensor/watchpost-site-a/gate-1_online/config');
    expect(t.cameraEntityConfig('gate-1')).toBe('homeassistant/camera/watchpost-site-a/gate-1/config');
    expect(new Topics('n', 'ha/x').nodeConfig()).toBe('ha/x/binary_sensor/watchpost-n/node_status/config');
  });

  it('discovery configs point at the state topics, name the availability topic and carry a device', () => {
    const online = cameraOnlineDiscovery(ctx, cam);
    expect(online).toMatchObject({ device_class: 'connectivity', state_topic: t.cameraState(cam.id), availability_topic: t.status, payload_on: 'ON', payload_off: 'OFF' });
    const entity = cameraEntityDiscovery(ctx, cam);
    expect(entity).toMatchObject({ topic: t.snapshot(cam.id), availability_topic: t.status });
    const zone = zoneDiscovery(ctx, cam, { cameraId: cam.id, name: '消防通道 exit', kind: 'exit' });
    expect(zone).toMatchObject({ device_class: 'safety', state_topic: t.zoneState(cam.id, '消防通道 exit'), json_attributes_topic: t.alarmEvent(cam.id, '消防通道 exit') });
    expect(zoneDiscovery(ctx, cam, { cameraId: cam.id, name: 'w', kind: 'loitering' }).device_class).toBe('motion');
    expect(zoneDiscovery(ctx, cam, { cameraId: cam.id, name: 'camera view', kind: 'tamper' }).device_class).toBe('tamper');
    const ids = new Set<string>();
    for (const c of [online, entity, zone]) {
      expect(c).toHaveProperty('unique_id');
      expect(c).toHaveProperty('name');
      expect((c.device as { identifiers: string[]; name: string }).identifiers).toEqual(['watchpost_site-a_gate-1']);
      expect((c.device as { name: string }).name).toBe(cam.name);
      ids.add(c.unique_id as string);
      expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    }
    expect(ids.size).toBe(3);
    expect(nodeDiscovery(ctx)).toMatchObject({ state_topic: t.status, payload_on: 'online', payload_off: 'offline' });
  });

  it('the camera state is ON only when online, with its name intact', () => {
    const on = JSON.parse(cameraStatePayload({ id: 'gate-1', name: cam.name, status: 'online', reason: null, detail: null, since: 5 }));
    expect(on).toEqual({ id: 'gate-1', name: cam.name, status: 'online', reason: null, detail: null, since: 5, state: 'ON' });
    for (const status of ['offline', 'starting', 'disabled'] as const) {
      expect(JSON.parse(cameraStatePayload({ id: 'g', name: 'g', status, reason: 'unreachable', detail: null, since: 1 })).state).toBe('OFF');
    }
  });

  it('redacts the password of a broker URL', () => {
    expect(redactUrl('mqtt://wp:s3cr%40t@127.0.0.1:1883')).toBe('mqtt://wp:***@127.0.0.1:1883');
    expect(redactUrl('mqtts://broker.example:8883')).toBe('mqtts://broker.example:8883');
  });
});

describe('MQTT zone state', () => {
  const alarm = (id: number, endMs: number | null, zone = 'walkway'): AlarmView => ({ id, cameraId: 'c', zone, kind: 'loitering', endMs }) as AlarmView;
  it('a zone is ON while one of its alarms holds; an update that ends it is "ended"', () => {
    const s = new MqttState();
    expect(s.learnZone({ cameraId: 'c', name: 'walkway', kind: 'loitering' })).toBe(true);
    expect(s.learnZone({ cameraId: 'c', name: 'walkway', kind: 'loitering' })).toBe(false);
    expect(s.alarm(alarm(1, null), 'raised')).toBe('raised');
    expect(s.alarm(alarm(2, null), 'raised')).toBe('raised');
    expect(s.zoneOn('c', 'walkway')).toBe(true);
    expect(s.alarm(alarm(1, 10), 'updated')).toBe('ended');
    expect(s.zoneOn('c', 'walkway')).toBe(true);
    expect(s.alarm(alarm(2, 10), 'updated')).toBe('ended');
    expect(s.zoneOn('c', 'walkway')).toBe(false);
    expect(s.alarm(alarm(2, 10), 'updated')).toBe('updated'); // an ack after the end
    // a drawn zone removed disappears; one known from an alarm stays
    expect(s.syncZones([{ cameraId: 'c', name: 'door', kind: 'exit' }]).added.map((z) => z.name)).toEqual(['door']);
    expect(s.syncZones([]).removed.map((z) => z.name)).toEqual(['door']);
    expect(s.zoneList().map((z) => z.name)).toEqual(['walkway']);
    expect(s.dropCamera('c').map((z) => z.name)).toEqual(['walkway']);
  });
});

describe('cluster config', () => {
  const problems = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };
  it('defaults to a standalone node named after the host, without a broker', () => {
    const c = parseConfig('', 'w.yml');
    expect(c.cluster).toEqual({ role: 'standalone', nodeId: defaultNodeId() });
    expect(defaultNodeId('Box_1.Example.ORG')).toBe('box_1-example-org');
    expect(defaultNodeId('---')).toBe('local');
  });
  it('takes a broker URL or an object, and refuses other schemes with the path', () => {
    expect(parseConfig('cluster: {mqtt: "mqtt://u:p@127.0.0.1:1883"}', 'w.yml').cluster.mqtt).toEqual({ url: 'mqtt://u:p@127.0.0.1:1883', snapshots: true, discovery: true, discoveryPrefix: 'homeassistant', heartbeatSeconds: 4 });
    expect(parseConfig('cluster: {mqtt: {url: "mqtt://b", heartbeatSeconds: 30}}', 'w.yml').cluster.mqtt?.heartbeatSeconds).toBe(30);
    expect(problems(() => parseConfig('cluster: {mqtt: {url: "mqtt://b", heartbeatSeconds: 0}}', 'w.yml'))[0]).toMatch(/cluster\.mqtt\.heartbeatSeconds/);
    expect(parseConfig('cluster: {mqtt: {url: "mqtts://b:8883", snapshots: false}}', 'w.yml').cluster.mqtt?.snapshots).toBe(false);
    expect(problems(() => parseConfig('cluster:\n  mqtt: "ws://u:secret@b:80"\n', 'w.yml'))).toEqual([
      'w.yml:2: cluster.mqtt.url: must be an mqtt:// or mqtts:// URL: mqtt://user:password@host:1883 (other schemes are not supported)',
    ]);
    expect(problems(() => parseConfig('cluster: {nodeId: "Site A"}', 'w.yml'))[0]).toMatch(/^w\.yml:1: cluster\.nodeId: lowercase/);
    expect(problems(() => parseConfig('cluster: {mqtt: {url: "mqtt://b", colour: 1}}', 'w.yml'))[0]).toMatch(/cluster\.mqtt\.colour: unknown key/);
  });
  it('applies the environment overrides; what is not built yet is a clear error', () => {
    const c = loadConfig(undefined, { WATCHPOST_NODE_ID: 'site-b', WATCHPOST_MQTT_URL: 'mqtt://127.0.0.1:1883', WATCHPOST_ROLE: 'standalone' }).config.cluster;
    expect(c).toMatchObject({ role: 'standalone', nodeId: 'site-b', mqtt: { url: 'mqtt://127.0.0.1:1883', snapshots: true } });
    const bad = problems(() => loadConfig(undefined, { WATCHPOST_MQTT_URL: 'http://u:secret@b' }));
    expect(bad).toEqual(['WATCHPOST_MQTT_URL: cluster.mqtt.url: must be an mqtt:// or mqtts:// URL: mqtt://user:password@host:1883 (other schemes are not supported)']);
    expect(bad.join()).not.toContain('secret');
    expect(problems(() => loadConfig(undefined, { WATCHPOST_ROLE: 'recorder' }))).toEqual(['cluster.role: "recorder" is not built yet (issue J); only "standalone" runs today']);
    expect(problems(() => loadConfig(undefined, { WATCHPOST_ROLE: 'boss' }))[0]).toMatch(/^WATCHPOST_ROLE: cluster\.role: /);
    expect(loadConfig(undefined, { WATCHPOST_DATABASE_URL: 'postgres://u@h/db' }).config.cluster.database).toBe('postgres://u@h/db');
    expect(problems(() => loadConfig(undefined, { WATCHPOST_DATABASE_URL: 'mysql://u:secret@h/db' }))[0]).toMatch(/^WATCHPOST_DATABASE_URL: cluster\.database: must be a postgres:\/\/ URL/);
    expect(problems(() => loadConfig(undefined, { WATCHPOST_CENTRAL_URL: 'ftp://x' }))[0]).toMatch(/^WATCHPOST_CENTRAL_URL: cluster\.centralUrl: must be an http/);
  });
});
