import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../server/store/db.ts';
import { openSql } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { createPatrol } from '../../server/patrol/index.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { seedAlarm } from '../support/alarms.ts';
import { insertUser } from '../support/users.ts';

const at = (d: string) => new Date(d).getTime();

async function setup(opts: { alarms?: string[] } = {}) {
  const db = new Database(':memory:');
  migrate(db);
  const sql = openSql({ engine: 'sqlite', file: ':memory:' }, { sqlite: db });
  await migrateSql(sql);
  const op = { ...insertUser(db, 'op1', 'operator'), role: 'operator' };
  const op2 = { ...insertUser(db, 'op2', 'operator'), role: 'operator' };
  const clock = new ManualClock(at('2025-03-10T07:00'));
  const online = new Set(['a', 'b', 'c']);
  const names: Record<string, string> = { a: 'Gate', b: 'Lobby', c: 'Garage' };
  const p = createPatrol({
    sql,
    clock,
    cameras: { name: (id) => names[id], online: (id) => online.has(id) },
    cameraList: () => Object.entries(names).map(([id, name]) => ({ id, name, status: online.has(id) ? 'online' : 'offline', statusReason: null, statusSince: null })),
    snapshots: { take: async () => ({ file: 'snap.jpg', sha256: 'f'.repeat(64) }) },
    alarms: { openAlarmCameraIds: () => new Set(opts.alarms ?? []) },
  });
  const stop = (cameraId: string) => ({ cameraId, preset: null, minDwellS: 10, checklist: ['fire exit clear'] });
  const route = await p.routes.create({
    name: 'Key areas', post: 'control room', intervalMin: 60, activeFrom: '08:00', activeTo: '20:00', graceMin: 10,
    enabled: true, stops: [stop('a'), stop('b'), stop('c')],
  });
  return { db, p, clock, op, op2, route, online, names };
}

describe('rounds with an injected clock', () => {
  it('records the range the console showed by the video’s own clock; implausible clocks fall back to the lag', async () => {
    const { p, clock, op, route } = await setup();
    const t0 = at('2025-03-10T08:03');
    clock.set(t0);
    const r = await p.rounds.start(op, route.id);
    clock.advance(10_000);
    // the picture ran 0.9 s behind: frames of t0+0.4 s … t0+9.1 s were on screen
    let cur = await p.rounds.confirm(op, r.id, 0, { outcome: 'normal', checks: [true], shownFromMs: t0 + 400, shownToMs: t0 + 9_100 });
    expect(cur.stops[0]).toMatchObject({ recFromMs: t0 + 400, recToMs: t0 + 9_100 });
    clock.advance(10_000);
    // a frame "from the future" (or a reversed range) is not believed: viewing time − 3 s
    cur = await p.rounds.confirm(op, r.id, 1, { outcome: 'normal', checks: [true], shownFromMs: t0 + 12_000, shownToMs: t0 + 60_000 });
    expect(cur.stops[1]).toMatchObject({ recFromMs: t0 + 10_000 - 3000, recToMs: t0 + 20_000 - 3000 });
  });


  it('enforces the dwell, records times, grades on time', async () => {
    const { p, clock, op, route, online } = await setup();
    clock.set(at('2025-03-10T08:03'));
    const r = await p.rounds.start(op, route.id);
    expect(r.slotMs).toBe(at('2025-03-10T08:00'));
    expect(r.currentIdx).toBe(0);
    clock.advance(5_000);
    await expect(p.rounds.confirm(op, r.id, 0, { outcome: 'normal' })).rejects.toMatchObject({ status: 409, code: 'dwell_not_met' });
    clock.advance(5_000);
    let cur = await p.rounds.confirm(op, r.id, 0, { outcome: 'normal', checks: [true] });
    expect(cur.stops[0]).toMatchObject({ outcome: 'normal', dwellMs: 10_000, recFromMs: at('2025-03-10T08:03') - 3000 });
    await expect(p.rounds.confirm(op, r.id, 0, { outcome: 'normal' })).rejects.toMatchObject({ code: 'wrong_stop' });
    clock.advance(12_000);
    cur = await p.rounds.confirm(op, r.id, 1, { outcome: 'anomaly', note: 'door propped open', dispatch: true });
    expect(cur.stops[1]).toMatchObject({ outcome: 'anomaly', hasSnapshot: true, dispatch: true });
    online.delete('c');
    clock.advance(1_000); // offline camera: no dwell needed, never "normal"
    cur = await p.rounds.confirm(op, r.id, 2, { outcome: 'normal' });
    expect(cur.stops[2]!.outcome).toBe('not_verifiable');
    expect(cur.status).toBe('completed');
    expect(p.compliance.grade(route, cur.slotMs, cur)).toBe('on_time');
    const kinds = (await p.log.list()).map((e) => e.kind).reverse();
    expect(kinds).toEqual(['round_anomaly', 'dispatch_request', 'round_completed']);
    expect((await p.log.verify()).ok).toBe(true);

    // review markers: a camera's stops and duty-log entries by time range
    const t0 = at('2025-03-10T08:03');
    expect(await p.roundRepo.stopsForCamera('b', t0, t0 + 3600_000)).toEqual([
      expect.objectContaining({ roundId: r.id, idx: 1, routeName: 'Key areas', username: 'op1', outcome: 'anomaly', recFromMs: t0 + 10_000 - 3000 }),
    ]);
    expect(await p.roundRepo.stopsForCamera('b', t0 + 22_000, t0 + 3600_000)).toEqual([]); // viewed t0+10 s … t0+22 s
    expect((await p.roundRepo.stopsForCamera('a', t0 - 60_000, t0 + 1)).map((s) => s.idx)).toEqual([0]);
    expect((await p.log.forCamera('b', t0, t0 + 3600_000)).map((e) => e.kind)).toEqual(['round_anomaly', 'dispatch_request']);
    expect(await p.log.forCamera('b', t0 + 23_000, t0 + 3600_000)).toEqual([]);
  });

  it("refuses someone else's round, a second round for the slot, not-verifiable on an online camera", async () => {
    const { p, clock, op, op2, route } = await setup();
    clock.set(at('2025-03-10T09:00'));
    const r = await p.rounds.start(op, route.id);
    expect((await p.rounds.start(op, route.id)).id).toBe(r.id); // resuming is fine
    await expect(p.rounds.start(op2, route.id)).rejects.toMatchObject({ code: 'round_exists' });
    clock.advance(20_000);
    await expect(p.rounds.confirm(op2, r.id, 0, { outcome: 'normal' })).rejects.toMatchObject({ status: 403 });
    await expect(p.rounds.confirm(op, r.id, 0, { outcome: 'not_verifiable' })).rejects.toMatchObject({ code: 'camera_online' });
    await expect(p.rounds.skip(op, r.id, 0, ' ')).rejects.toMatchObject({ status: 400 });
    const skipped = await p.rounds.skip(op, r.id, 0, 'PTZ being serviced');
    expect(skipped.stops[0]).toMatchObject({ outcome: 'skipped', note: 'PTZ being serviced' });
  });

  it('two requests at once: the last stop and the round are recorded once; two starts of one slot make one round', async () => {
    const { p, clock, op, op2, route } = await setup();
    clock.set(at('2025-03-10T09:00'));
    const [s1, s2] = await Promise.allSettled([p.rounds.start(op, route.id), p.rounds.start(op2, route.id)]);
    expect([s1.status, s2.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect([s1, s2].find((x) => x.status === 'rejected')).toMatchObject({ reason: { code: 'round_exists' } });
    const r = (s1.status === 'fulfilled' ? s1.value : (s2 as PromiseFulfilledResult<Awaited<ReturnType<typeof p.rounds.start>>>).value);
    const who = r.userId === op.id ? op : op2;
    for (let i = 0; i < 2; i++) {
      clock.advance(10_000);
      await p.rounds.confirm(who, r.id, i, { outcome: 'normal' });
    }
    clock.advance(10_000);
    const last = await Promise.allSettled([
      p.rounds.confirm(who, r.id, 2, { outcome: 'anomaly', note: 'first 🚨' }),
      p.rounds.confirm(who, r.id, 2, { outcome: 'anomaly', note: 'second' }),
    ]);
    expect(last.map((x) => x.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(last.find((x) => x.status === 'rejected')).toMatchObject({ reason: { status: 409 } });
    const kinds = (await p.log.list()).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'round_anomaly')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'round_completed')).toHaveLength(1);
    const done = await p.rounds.require(r.id);
    expect(done.status).toBe('completed');
    expect(done.logSeq).toBe((await p.log.list()).find((e) => e.kind === 'round_completed')!.seq);
    expect(done.stops[2]!.logSeq).toBe((await p.log.list()).find((e) => e.kind === 'round_anomaly')!.seq);
    await expect(p.rounds.abandon(who, r.id, 'late')).rejects.toMatchObject({ code: 'round_closed' });
  });

  it('a round for a deleted camera is refused; not due outside active hours', async () => {
    const { p, clock, op, route, names } = await setup();
    clock.set(at('2025-03-10T21:00'));
    await expect(p.rounds.start(op, route.id)).rejects.toMatchObject({ code: 'not_due' });
    clock.set(at('2025-03-10T10:00'));
    delete names.b;
    await expect(p.rounds.start(op, route.id)).rejects.toMatchObject({ status: 409, code: 'camera_deleted' });
  });

  it('grades late and missed rounds and logs missed ones once', async () => {
    const { p, clock, op, route } = await setup();
    clock.set(at('2025-03-10T10:25')); // 10:00 slot, grace until 10:10
    const r = await p.rounds.start(op, route.id);
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await p.rounds.confirm(op, r.id, i, { outcome: 'normal' });
    }
    clock.set(at('2025-03-10T12:30'));
    const c = await p.compliance.compliance(at('2025-03-10T08:00'), at('2025-03-10T13:00'));
    expect(c.slots.map((s) => s.grade)).toEqual(['missed', 'missed', 'late', 'missed', 'pending']);
    expect(c.total).toMatchObject({ due: 4, late: 1, missed: 3, compliance: 0 });
    expect(c.byOperator.op1).toMatchObject({ due: 1, late: 1 });
    expect(await p.compliance.logMissed(p.log)).toBe(3);
    expect(await p.compliance.logMissed(p.log)).toBe(0);
    expect((await p.compliance.due())[0]).toMatchObject({ state: 'overdue', slotMs: at('2025-03-10T12:00') });
  });

  it('moves cameras with open alarms to the front, flagged', async () => {
    const { p, clock, op, route } = await setup({ alarms: ['c'] });
    clock.set(at('2025-03-10T08:01'));
    const r = await p.rounds.start(op, route.id);
    expect(r.stops.map((s) => [s.cameraId, s.alarm])).toEqual([['c', true], ['a', false], ['b', false]]);
  });

  it('handover counts open alarms, not cameras with open alarms (issue K)', async () => {
    const { db, p, op } = await setup({ alarms: ['a', 'c'] });
    const seed = (cameraId: string, status: 'open' | 'acknowledged' | 'dispatched' | 'resolved') => seedAlarm(db, { cameraId, zone: 'z', status, sinceMs: 1, startMs: 1, lastSeenMs: 1 });
    for (let i = 0; i < 12; i++) seed('a', i % 2 ? 'open' : 'acknowledged');
    seed('a', 'resolved');
    for (let i = 0; i < 7; i++) seed('c', 'dispatched');
    const items = await p.handover.openItems();
    expect(items.openAlarms).toBe(19);
    expect(items.alarms).toEqual([
      { cameraId: 'a', cameraName: 'Gate', count: 12 },
      { cameraId: 'c', cameraName: 'Garage', count: 7 },
    ]);
    expect((await p.handover.create(op, 'busy night')).openItems.openAlarms).toBe(19);
    expect((await p.log.list({ limit: 5 })).some((e) => e.text.includes('(19 open alarms,'))).toBe(true);
  });

  it('handover lists open items and needs another operator to acknowledge', async () => {
    const { p, clock, op, op2, online } = await setup({ alarms: ['a'] });
    clock.set(at('2025-03-10T11:30'));
    online.delete('b');
    const h = await p.handover.create(op, 'Gate barrier sticks; watch it.');
    expect(h.openItems.alarms).toEqual([{ cameraId: 'a', cameraName: 'Gate', count: 1 }]);
    expect(h.openItems.openAlarms).toBe(1);
    expect(h.openItems.offlineCameras.map((c) => c.cameraId)).toEqual(['b']);
    expect(h.openItems.missedRounds.length).toBe(3);
    await expect(p.handover.create(op2, 'again')).rejects.toMatchObject({ code: 'handover_pending' });
    await expect(p.handover.acknowledge(op, h.id)).rejects.toMatchObject({ status: 403 });
    const acked = await p.handover.acknowledge(op2, h.id, 'noted');
    expect(acked.ackUsername).toBe('op2');
    expect((await p.log.get(acked.ackLogSeq!))!.refSeq).toBe(h.logSeq);
    expect((await p.log.verify()).ok).toBe(true);
  });
});
