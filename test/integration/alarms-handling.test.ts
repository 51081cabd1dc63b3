/**
 * Issue H point 4 over HTTP against the real server (tsx server/main.ts, real SQLite): resolve with an outcome
 * (and without one, as older clients do), bulk acknowledge with a result per id and per-camera rights, zone
 * priority (validated; open alarms listed by priority), the per-zone false-alarm rate, and the duty-log
 * entries of the handling. Alarms are written into the running server's database, as the live analytics
 * would store them (analytics are off: no model, no decoding).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { seedAlarm } from '../support/alarms.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let wp: Watchpost;
let admin: string;
let gateOnly: string;
const square = [[0.1, 0.1], [0.6, 0.1], [0.6, 0.6], [0.1, 0.6]];

const call = apiClient(() => wp);

/** An alarm as live analytics stores it (priority as AlarmService gives it: from the zone). */
function insertAlarm(cam: string, zone: string, kind: string, priority: number, startMs: number): number {
  return seedAlarm(wp.dataDir, { cameraId: cam, zone, kind: kind as 'loitering', priority, startMs, endMs: startMs + 5000 });
}

beforeAll(async () => {
  wp = await startWatchpost({
    configYaml: [
      'server: {host: 127.0.0.1}',
      'demo: false',
      'analytics: {enabled: false}',
      'site: {timeZone: Asia/Shanghai}',
      'cameras:',
      '  - {id: gate, name: "东门 Gate", url: "rtsp://127.0.0.1:9/none"}',
      '  - {id: bank, name: "银行 Bank", url: "rtsp://127.0.0.1:9/none"}',
    ].join('\n'),
  });
  admin = await login(wp.url, 'admin', wp.adminPassword);
  const u = await call('POST', '/api/users', { cookie: admin, json: { username: 'op-gate', password: 'op-gate-pass-2026', role: 'operator', cameras: ['gate'] } });
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  gateOnly = await login(wp.url, 'op-gate', 'op-gate-pass-2026');
}, 90_000);

afterAll(async () => {
  await wp?.dispose();
});

describe('alarm handling over HTTP (issue H point 4)', () => {
  it('zones carry a validated priority', async () => {
    const bad = await call('PUT', '/api/cameras/gate/zones', { cookie: admin, json: { zones: [{ name: 'lane', kind: 'exit', polygon: square, priority: 5 }] } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/priority must be 1 \(high\), 2 \(normal\) or 3 \(low\)/);
    const ok = await call('PUT', '/api/cameras/gate/zones', { cookie: admin, json: {
      zones: [
        { name: 'lane', kind: 'exit', polygon: square },
        { name: 'lawn', kind: 'loitering', polygon: square, priority: 3 },
      ],
    } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await call('GET', '/api/cameras/gate/zones', { cookie: admin })).body.zones.map((z: Json) => z.priority)).toEqual([undefined, 3]);
  });

  it('bulk acknowledge, resolve with outcomes, list by priority, false-alarm rate per zone, duty log', async () => {
    const now = Date.now();
    const lawn1 = insertAlarm('gate', 'lawn', 'loitering', 3, now - 60_000);
    const lane = insertAlarm('gate', 'lane', 'blocked_exit', 1, now - 50_000);
    const lawn2 = insertAlarm('gate', 'lawn', 'loitering', 3, now - 40_000);
    const bankA = insertAlarm('bank', 'vault', 'loitering', 2, now - 30_000);

    // open alarms: high priority first, then newest first
    expect((await call('GET', '/api/alarms?status=open', { cookie: admin })).body.alarms.map((a: Json) => a.id)).toEqual([lane, bankA, lawn2, lawn1]);

    // bulk: a user who sees only gate cannot touch bank's alarm (404 as if unknown); the rest go through
    const bulk = await call('POST', '/api/alarms/ack', { cookie: gateOnly, json: { ids: [lawn1, lawn2, bankA, 999_999], note: 'one visitor' } });
    expect(bulk.status).toBe(200);
    expect(bulk.body.results.map((r: Json) => [r.id, r.ok, r.ok ? r.alarm.status : r.status])).toEqual([
      [lawn1, true, 'acknowledged'],
      [lawn2, true, 'acknowledged'],
      [bankA, false, 404],
      [999_999, false, 404],
    ]);
    expect(JSON.stringify(bulk.body)).not.toContain('vault'); // nothing about the hidden camera's alarm
    const again = await call('POST', '/api/alarms/ack', { cookie: admin, json: { ids: [lawn1, lane] } });
    expect(again.body.results.map((r: Json) => [r.ok, r.ok ? r.alarm.status : r.code])).toEqual([[false, 'wrong_state'], [true, 'acknowledged']]);
    expect((await call('POST', '/api/alarms/ack', { cookie: admin, json: { ids: [] } })).status).toBe(400);
    expect((await call('POST', '/api/alarms/ack', { cookie: admin, json: { ids: ['x'] } })).status).toBe(400);

    // resolve: outcome stored and returned; an unknown outcome is a 400; no outcome (older client) is accepted as "not given"
    expect((await call('POST', `/api/alarms/${lawn1}/resolve`, { cookie: admin, json: { outcome: 'maybe' } })).status).toBe(400);
    const r1 = await call('POST', `/api/alarms/${lawn1}/resolve`, { cookie: admin, json: { outcome: 'false_alarm', note: 'shadow of a tree' } });
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    expect(r1.body).toMatchObject({ status: 'resolved', outcome: 'false_alarm', outcomeNote: 'shadow of a tree', priority: 3 });
    expect((await call('POST', `/api/alarms/${lawn2}/resolve`, { cookie: admin, json: { outcome: 'genuine' } })).body.outcome).toBe('genuine');
    expect((await call('POST', `/api/alarms/${lane}/resolve`, { cookie: admin, json: {} })).body).toMatchObject({ status: 'resolved', outcome: null });
    expect((await call('GET', `/api/alarms/${lawn1}`, { cookie: admin })).body.outcome).toBe('false_alarm');

    // per camera + zone over 30 days
    const st = await call('GET', '/api/alarms/stats?camera=gate&days=30', { cookie: admin });
    expect(st.status).toBe(200);
    expect(st.body).toEqual({
      days: 30,
      zones: [
        { cameraId: 'gate', zone: 'lane', total: 1, genuine: 0, false_alarm: 0, test: 0, unclassified: 1, open: 0, falseAlarmRate: null },
        { cameraId: 'gate', zone: 'lawn', total: 2, genuine: 1, false_alarm: 1, test: 0, unclassified: 0, open: 0, falseAlarmRate: 0.5 },
      ],
    });
    expect((await call('GET', '/api/alarms/stats', { cookie: admin })).body.zones.map((z: Json) => `${z.cameraId}/${z.zone}`)).toEqual(['bank/vault', 'gate/lane', 'gate/lawn']);
    expect((await call('GET', '/api/alarms/stats', { cookie: gateOnly })).body.zones.map((z: Json) => z.cameraId)).toEqual(['gate', 'gate']);
    expect((await call('GET', '/api/alarms/stats?camera=bank', { cookie: gateOnly })).status).toBe(404);
    expect((await call('GET', '/api/alarms/stats?days=-1', { cookie: admin })).status).toBe(400);

    // the duty log: acknowledged entries, and the resolve names the outcome
    const log = (await call('GET', '/api/dutylog?camera=gate', { cookie: admin })).body as Json[];
    const of = (id: number) => log.filter((e) => e.data?.alarmId === id).map((e) => e.kind).sort();
    expect(of(lawn1)).toEqual(['alarm_ack', 'alarm_resolved']);
    expect(of(lane)).toEqual(['alarm_ack', 'alarm_resolved']);
    expect(log.find((e) => e.kind === 'alarm_ack' && e.data.alarmId === lawn1)).toMatchObject({ authorName: 'op-gate' });
    expect(log.find((e) => e.kind === 'alarm_ack' && e.data.alarmId === lawn1).text).toContain('one visitor');
    expect(log.find((e) => e.kind === 'alarm_resolved' && e.data.alarmId === lawn1).text).toContain('resolved as false alarm / 误报 — shadow of a tree');
    expect(log.find((e) => e.kind === 'alarm_resolved' && e.data.alarmId === lane).text).toContain('outcome not given');
  });
});
