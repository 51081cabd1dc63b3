/**
 * Zones and alarms (server/alarms/zone-repo.ts, repo.ts, service.ts; SQL steps 0023, 0024) on one engine: the
 * same assertions on SQLite and PostgreSQL. Hostile cases: odd Unicode in zone names and notes, two
 * acknowledgements of one alarm at once (one wins, the other is a 409 naming the winner's status), and an alarm
 * whose MQTT outbox row cannot be written (the alarm is rolled back with it: they commit together or not at all).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect, test } from 'vitest';
import { AlarmService, type AlarmOutbox } from '../../../server/alarms/service.ts';
import { ZoneRepo } from '../../../server/alarms/zone-repo.ts';
import type { AlarmView } from '../../../server/alarms/types.ts';
import { EventBus } from '../../../server/events/bus.ts';
import { MqttOutbox } from '../../../server/mqtt/outbox.ts';
import type { SqlDb } from '../../../server/store/sql/db.ts';
import { writeTransaction } from '../../../server/store/sql/tx.ts';
import { AppError } from '../../../server/util/errors.ts';
import type { TestEngine } from '../sql-engines.ts';

/** Combining accents, a zero-width joiner sequence, right-to-left text, astral emoji, CJK. */
const ODD_ZONE = 'e\u0301xit 东门 🚨 بوابة 👩\u200d🚒';
const ODD_NOTE = 'Ωμέγα 𝄞 — «guard» 看过了 \u202Eabc\u202C';
const square: [number, number][] = [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]];

async function service(s: SqlDb, now = { t: 1_000_000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'wp-alarm-suite-'));
  const bus = new EventBus();
  const events: [string, AlarmView][] = [];
  bus.on('alarm.raised', (a) => events.push(['raised', a]));
  bus.on('alarm.updated', (a) => events.push(['updated', a]));
  const zones = await ZoneRepo.open(s);
  const alarms = await AlarmService.open({ sql: s, zones, bus, dataDir: dir, now: () => now.t, cameraName: (id) => `Cam ${id}` });
  return { alarms, zones, events, now, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const input = { cameraId: 'gate', zone: ODD_ZONE, kind: 'loitering' as const, sinceMs: 990_000, startMs: 1_000_000, score: 0.8125, trackIds: [3] };

export function alarmSuite(e: TestEngine): void {
  test('zones: odd Unicode names kept exactly, upsert, a new repository reads them back; priorities reach the alarm', async () => {
    const s = await e.open();
    const x = await service(s);
    await x.zones.set('gate', [{ name: ODD_ZONE, kind: 'loitering', polygon: square, priority: 1 }], 'admin 管理员', 5);
    await x.zones.set('bank', [], 'admin', 6);
    await x.zones.set('gate', [{ name: ODD_ZONE, kind: 'loitering', polygon: square, priority: 3 }], 'sup', 7);
    const again = await ZoneRepo.open(s);
    expect(again.get('gate')).toEqual({ zones: [{ name: ODD_ZONE, kind: 'loitering', polygon: square, priority: 3 }], updatedAt: 7, updatedBy: 'sup' });
    expect([...again.all().keys()]).toEqual(['gate']);
    expect(again.get('nope')).toEqual({ zones: [], updatedAt: null, updatedBy: null });
    const a = await x.alarms.raise(input);
    expect(a).toMatchObject({ zone: ODD_ZONE, priority: 3, score: 0.8125, cameraName: 'Cam gate' });
    x.done();
  });

  test('alarms: workflow, episode joins, lists, footage ranges, stats, restart continuity — the same on every engine', async () => {
    const s = await e.open();
    const x = await service(s);
    const a = await x.alarms.raise(input);
    expect(a).toMatchObject({ status: 'open', recordingMs: 985_000, endMs: null, occurrences: 1, trackIds: [3] });
    await x.alarms.ended(a.id, 1_060_000, 0.9, [3, 4]);
    const b = await x.alarms.raise({ ...input, startMs: 1_100_000, score: 0.5, trackIds: [9] }); // within the cool-down: joined
    expect(b).toMatchObject({ id: a.id, occurrences: 2, endMs: null, score: 0.9, trackIds: [3, 4, 9] });
    const c = await x.alarms.raise({ ...input, cameraId: 'bank', kind: 'blocked_exit', startMs: 1_200_000 });
    x.now.t = 1_010_000;
    expect(await x.alarms.acknowledge(a.id, 'op', ODD_NOTE)).toMatchObject({ status: 'acknowledged', ack: { by: 'op', at: 1_010_000, note: ODD_NOTE } });
    expect(await x.alarms.resolve(a.id, 'op', ODD_NOTE, 'false_alarm')).toMatchObject({ status: 'resolved', outcome: 'false_alarm', outcomeNote: ODD_NOTE });
    expect((await x.alarms.list('all')).map((v) => v.id)).toEqual([c.id, a.id]); // open first
    expect((await x.alarms.list('open')).map((v) => v.id)).toEqual([c.id]);
    expect((await x.alarms.between('gate', 0, 2_000_000)).map((v) => v.id)).toEqual([a.id]);
    expect(await x.alarms.between('gate', 0, 985_000)).toEqual([]);
    const st = await x.alarms.stats({ days: 1 });
    expect(st).toEqual([
      { cameraId: 'bank', zone: ODD_ZONE, total: 1, genuine: 0, false_alarm: 0, test: 0, unclassified: 0, open: 1, falseAlarmRate: null },
      { cameraId: 'gate', zone: ODD_ZONE, total: 1, genuine: 0, false_alarm: 1, test: 0, unclassified: 0, open: 0, falseAlarmRate: 1 },
    ]);
    expect(x.alarms.openAlarmCameraIds()).toEqual(new Set(['bank']));
    // an id beyond PostgreSQL's integer (a URL can carry any number): no alarm, a 404 — not a database error
    expect(await x.alarms.get(2 ** 31)).toBeUndefined();
    expect(await x.alarms.cameraOf(2 ** 40)).toBeUndefined();
    await expect(x.alarms.acknowledge(2 ** 40, 'op')).rejects.toMatchObject({ status: 404 });
    expect(await x.alarms.cameraOf(c.id)).toBe('bank');
    // a "restart": both alarms still hold (a was resolved while holding); the new service closes them after the cool-down
    const y = await service(s);
    expect(y.alarms.holding().map((h) => h.id).sort()).toEqual([a.id, c.id].sort());
    expect(await y.alarms.openAlarmCounts()).toEqual(new Map([['bank', 1]]));
    expect(await y.alarms.openAlarmCount()).toBe(1);
    expect(await y.alarms.closeUnconfirmed()).toBe(2);
    expect((await y.alarms.get(a.id))?.endMs).toBe(1_100_000); // its last confirmation
    expect(y.alarms.holding()).toEqual([]);
    x.done();
    y.done();
  });

  test('two acknowledgements of one alarm at once: one wins, the other is a 409 naming the status it found', async () => {
    const s = await e.open();
    const x = await service(s);
    const a = await x.alarms.raise(input);
    const r = await Promise.allSettled([x.alarms.acknowledge(a.id, 'op1', ODD_NOTE), x.alarms.acknowledge(a.id, 'op2')]);
    const won = r.filter((v) => v.status === 'fulfilled');
    const lost = r.filter((v): v is PromiseRejectedResult => v.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const err = lost[0]!.reason as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 409, code: 'wrong_state' });
    expect(err.message).toMatch(/it is acknowledged \(needs open\)/);
    const stored = await x.alarms.get(a.id);
    expect(stored?.ack?.by).toBe((won[0] as PromiseFulfilledResult<AlarmView>).value.ack?.by);
    expect(x.events.filter(([k]) => k === 'updated')).toHaveLength(1); // one event, one duty-log entry
    // bulk: the same alarm twice in one request and once more at the same time: acknowledged once
    const b = await x.alarms.raise({ ...input, zone: 'lane' });
    const [m1, m2] = await Promise.all([x.alarms.acknowledgeMany([b.id, b.id], 'op1'), x.alarms.acknowledgeMany([b.id], 'op2')]);
    expect([...m1, ...m2].filter((v) => v.ok)).toHaveLength(1);
    expect([...m1, ...m2].filter((v) => !v.ok).map((v) => !v.ok && v.status)).toEqual([409]);
    x.done();
  });

  test('an alarm and its MQTT outbox row commit together: a failing outbox insert rolls the alarm back, nothing emitted', async () => {
    const s = await e.open();
    const x = await service(s);
    const outbox = new MqttOutbox(s);
    let committed = 0;
    const hook: AlarmOutbox = {
      write: async (tx, a, kind) => {
        await outbox.add(`watchpost/n1/alarm/${a.cameraId}`, JSON.stringify({ event: kind, alarm: a }), 1, 5, tx);
      },
      committed: () => committed++,
    };
    x.alarms.outbox = hook;
    const a = await x.alarms.raise(input);
    await x.alarms.acknowledge(a.id, 'op', ODD_NOTE);
    const rows = await outbox.after(0, 10);
    expect(rows.map((r) => (JSON.parse(r.payload) as { event: string; alarm: AlarmView }).event)).toEqual(['raised', 'updated']);
    expect((JSON.parse(rows[1]!.payload) as { alarm: AlarmView }).alarm).toMatchObject({ id: a.id, status: 'acknowledged', ack: { note: ODD_NOTE } });
    expect(committed).toBe(2);

    // the outbox table is gone (a failing insert): the raise is refused and leaves no alarm, no event, no cache entry
    await sql`DROP TABLE mqtt_outbox`.execute(s.db);
    const before = x.events.length;
    await expect(x.alarms.raise({ ...input, cameraId: 'bank' })).rejects.toThrow(/mqtt_outbox/);
    await expect(x.alarms.resolve(a.id, 'op')).rejects.toThrow(/mqtt_outbox/);
    expect((await x.alarms.list('all')).map((v) => [v.cameraId, v.status])).toEqual([['gate', 'acknowledged']]);
    expect(x.events.length).toBe(before);
    expect(x.alarms.openAlarmCameraIds()).toEqual(new Set(['gate']));
    expect(committed).toBe(2);
    // without the hook (the publisher stopped) alarms are written as before
    x.alarms.outbox = undefined;
    expect(await x.alarms.resolve(a.id, 'op')).toMatchObject({ status: 'resolved' });
    x.done();
  });

  test('outbox writers commit in seq order: one that started later cannot pass a slow alarm transaction\'s seq by', async () => {
    const s = await e.open();
    const outbox = new MqttOutbox(s);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let wrote!: () => void;
    const inside = new Promise<void>((r) => (wrote = r));
    // a slow alarm transaction: its outbox row (seq 1) written, not committed yet
    const slow = writeTransaction(s, async (tx) => {
      await outbox.add('watchpost/n1/alarm/a', '{"n":1}', 1, 1, tx);
      wrote();
      await gate;
    });
    await inside;
    let fastDone = false;
    const fast = outbox.add('watchpost/n1/dutylog/entry', '{"n":2}', 1, 2).then(() => (fastDone = true));
    await new Promise((r) => setTimeout(r, 300));
    const wasDone = fastDone;
    release(); // before any assertion: a failing one must not leave the slow transaction open
    await Promise.all([slow, fast]);
    // it waits for the slow one (PostgreSQL: the advisory lock — without it seq 2 would commit now, before seq 1, and
    // the sender, reading seq > last handed, would pass seq 1 by; SQLite: its one write transaction at a time)
    expect(wasDone).toBe(false);
    expect((await outbox.after(0, 10)).map((r) => [r.seq, r.payload])).toEqual([[1, '{"n":1}'], [2, '{"n":2}']]);
  });
}
