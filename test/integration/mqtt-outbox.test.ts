/**
 * The MQTT outbox (issue J) with the real server and a real Mosquitto: the broker stops; while it is away 200 alarms
 * are acknowledged and 100 of them resolved through the API ('updated' events, each with its duty-log entry); the
 * server is killed with SIGKILL, restarted (broker still away), 20 more alarms are resolved; then the broker comes
 * back. A persistent subscriber (as a central would be) must get every alarm event and duty-log entry exactly once,
 * in seq order, the old ones before the new, the duty-log chain verifiable, and nothing more; the outbox ends empty.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAlarms } from '../support/alarms.ts';
import { startMosquitto, subscribe, type Broker, type Subscriber } from '../support/mosquitto.ts';
import { checkDeliveries, parseDeliveries } from '../support/outbox-deliveries.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

const NODE = 'rec-1';
const TOKEN = 'outbox-test-metrics-token-0123456789';
const N = 200;
let broker: Broker;
let wp: Watchpost;
let sub: Subscriber;
let cookie: string;
const figures: Record<string, number> = {};

async function post(path: string, body: unknown): Promise<Response> {
  const r = await fetch(`${wp.url}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r;
}

async function metric(name: string): Promise<number | undefined> {
  const text = await (await fetch(`${wp.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : undefined;
}

const deliveries = () => parseDeliveries(NODE, sub.messages.map((m) => ({ topic: m.topic, payload: m.payload.toString('utf8'), at: m.at })));

async function until(what: string, fn: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function outboxRows(): number {
  const db = new Database(join(wp.dataDir, 'watchpost.db'), { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    return (db.prepare('SELECT count(*) AS n FROM mqtt_outbox').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  broker = await startMosquitto();
  sub = await subscribe(broker.url(), [`watchpost/${NODE}/alarm/#`, `watchpost/${NODE}/dutylog/entry`, `watchpost/${NODE}/status`], 'central-outbox');
  wp = await startWatchpost({
    configYaml: [
      'server: {host: 127.0.0.1}',
      'demo: false',
      'analytics: {enabled: false}',
      `metrics: {token: ${TOKEN}}`,
      `cluster: {nodeId: ${NODE}, mqtt: {url: "${broker.url()}", discovery: false, snapshots: false}}`,
      'cameras: []',
    ].join('\n'),
    env: { WATCHPOST_LOG_LEVEL: 'info' },
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
}, 90_000);

afterAll(async () => {
  await sub?.close();
  await wp?.dispose();
  await broker?.dispose();
  if (Object.keys(figures).length) console.info('outbox figures:', JSON.stringify(figures));
});

describe('the MQTT outbox over a broker outage and a killed server', () => {
  it('delivers every alarm event and duty-log entry once, in seq order, after the broker is back', async () => {
    const ids = seedAlarms(wp.dataDir, Array.from({ length: N + 1 }, (_, i) => ({ cameraId: i % 2 ? 'gate-1' : 'yard', zone: i % 3 ? '东门 通道' : 'fire-exit', startMs: Date.now() - 60_000 + i })));
    // live first: one acknowledgement while the broker is there
    await post(`/api/alarms/${ids[0]}/ack`, {});
    await until('the live event', () => deliveries().some((m) => m.what === `${ids[0]}:updated:acknowledged`), 15_000);
    const live = deliveries().length;

    await broker.stop();
    const rest = ids.slice(1);
    const t0 = Date.now();
    await post('/api/alarms/ack', { ids: rest }); // 200 'updated' events in id order
    for (const id of rest.slice(0, N / 2)) await post(`/api/alarms/${id}/resolve`, { outcome: 'test', note: `drill «${id}»` });
    figures.outageEventsPerSecond = Math.round((N * 1.5 * 2) / ((Date.now() - t0) / 1000)); // events + duty entries written
    await until('all 600 in the outbox', async () => (await metric('watchpost_mqtt_queued_events')) === N * 1.5 * 2, 10_000);

    // SIGKILL (tsx runs the server in a child node process: kill that one, as a crash would)
    const pid = wp.process().pid!;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number).filter(Boolean);
    expect(children.length).toBeGreaterThan(0);
    const exited = new Promise((r) => wp.process().once('exit', r));
    for (const c of children) process.kill(c, 'SIGKILL');
    await exited;
    expect(outboxRows()).toBe(N * 1.5 * 2); // all on disk
    await wp.restart();
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    expect(wp.output()).toMatch(/messages from before the restart wait for the broker.*"count":600/);
    // newer events, the broker still away: they must come after the old ones
    for (const id of rest.slice(N / 2, N / 2 + 20)) await post(`/api/alarms/${id}/resolve`, { outcome: 'genuine' });
    expect(await metric('watchpost_mqtt_queued_events')).toBe(N * 1.5 * 2 + 40);

    const back = Date.now();
    await broker.start();
    const expected = live + N * 1.5 * 2 + 40;
    await until(`${expected} outbox messages at the subscriber`, () => deliveries().length >= expected, 60_000);
    const all = deliveries();
    figures.brokerBackToLastMs = all.at(-1)!.at - back;
    const after = all.slice(live);
    figures.deliveredPerSecond = Math.round(after.length / Math.max(0.001, (after.at(-1)!.at - after[0]!.at) / 1000));
    await new Promise((r) => setTimeout(r, 3000)); // nothing more comes
    const final = deliveries();
    const rep = checkDeliveries(final);
    const sizes = (re: RegExp) => sub.messages.filter((m) => re.test(m.topic)).map((m) => m.payload.length);
    const avg = (n: number[]) => Math.round(n.reduce((x, y) => x + y, 0) / Math.max(1, n.length));
    figures.alarmEventBytes = avg(sizes(/\/event$/));
    figures.dutyEntryBytes = avg(sizes(/\/dutylog\/entry$/));
    figures.raw = rep.raw;
    figures.duplicates = rep.duplicates;
    expect(rep).toEqual({ raw: expected, unique: expected, duplicates: 0, gaps: [], outOfOrder: 0, chainOk: true });
    // the alarm events in the order they happened: acks in id order, then the resolves, then those after the restart
    const want = [
      `${ids[0]}:updated:acknowledged`,
      ...rest.map((id) => `${id}:updated:acknowledged`),
      ...rest.slice(0, N / 2).map((id) => `${id}:updated:resolved`),
      ...rest.slice(N / 2, N / 2 + 20).map((id) => `${id}:updated:resolved`),
    ];
    expect(final.filter((m) => m.kind === 'alarm').map((m) => m.what)).toEqual(want);
    expect(final.filter((m) => m.kind === 'dutylog').map((m) => m.what)).toEqual(want.map((w) => (w.endsWith('acknowledged') ? 'alarm_ack' : 'alarm_resolved')));
    const one = final.find((m) => m.kind === 'dutylog' && m.entry!.kind === 'alarm_resolved')!;
    expect(one.entry).toMatchObject({ category: 'anomaly', cameraId: expect.any(String), data: { outcome: 'test', note: expect.stringMatching(/^drill «\d+»$/) } });
    await until('outbox empty', async () => (await metric('watchpost_mqtt_queued_events')) === 0, 10_000);
    expect(outboxRows()).toBe(0);
  }, 240_000);
});
