/**
 * PTZ presets as patrol stops (issue L point 1), without a camera: the per-camera lock and its queue, and a round
 * driving a scripted mover (moving → idle, no status → settle, fault, waiting behind another round, skip while
 * waiting). The real ONVIF path is in test/integration/patrol-ptz.test.ts.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../server/store/db.ts';
import { openSql } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { createPatrol } from '../../server/patrol/index.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { PtzLocks, type PtzAuditEntry, type PtzMover } from '../../server/patrol/ptz.ts';
import { insertUser } from '../support/users.ts';
import type { Round } from '../../server/patrol/types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(p: () => Promise<Round>, ok: (r: Round) => boolean, ms = 3000): Promise<Round> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await p();
    if (ok(r)) return r;
    if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify(r.stops.map((s) => s.ptzState))}`);
    await sleep(10);
  }
}

describe('PtzLocks', () => {
  it('one holder per camera, FIFO waiters, a released waiter gives up its place', async () => {
    const l = new PtzLocks();
    expect(l.tryAcquire('dome', '1:0')).toBe(true);
    expect(l.tryAcquire('dome', '1:0')).toBe(true); // already ours
    expect(l.tryAcquire('other', '2:0')).toBe(true); // cameras are independent
    const b = l.wait('dome', '2:1');
    const c = l.wait('dome', '3:0');
    expect(l.queued('dome')).toEqual(['2:1', '3:0']);
    l.release('dome', '2:1'); // B leaves the queue
    await expect(b).resolves.toBe(false);
    l.release('dome', '1:0');
    await expect(c).resolves.toBe(true);
    expect(l.holder('dome')).toBe('3:0');
    l.releaseRound(3);
    expect(l.holder('dome')).toBeUndefined();
  });
});

async function setup(mover: PtzMover) {
  const db = new Database(':memory:');
  migrate(db);
  const sql = openSql({ engine: 'sqlite', file: ':memory:' }, { sqlite: db });
  await migrateSql(sql);
  const op = { ...insertUser(db, 'op1', 'operator'), role: 'operator' };
  const op2 = { ...insertUser(db, 'op2', 'operator'), role: 'operator' };
  const op3 = { ...insertUser(db, 'op3', 'operator'), role: 'operator' };
  const clock = new ManualClock(new Date('2025-03-10T08:03').getTime());
  const audit: PtzAuditEntry[] = [];
  const p = createPatrol({
    sql,
    clock,
    cameras: { name: (id) => id, online: () => true },
    cameraList: () => [],
    snapshots: { take: async () => null },
    ptz: mover,
    ptzAudit: (e) => audit.push(e),
    ptzSettings: { settleMs: 50, pollMs: 5, moveTimeoutMs: 500 },
  });
  const route = (name: string, stops: { cameraId: string; preset: string | null }[]) =>
    p.routes.create({ name, post: '', intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10, enabled: true, stops: stops.map((s) => ({ ...s, minDwellS: 1, checklist: [] })) });
  return { p, clock, op, op2, op3, route, audit };
}

describe('preset stops driven by a round', () => {
  it('waits for idle, starts the dwell at arrival, audits the move; a second round waits; skip while waiting', async () => {
    const calls: string[] = [];
    let polls = 0;
    const mover: PtzMover = {
      gotoPreset: async (cam, preset) => void calls.push(`${cam}:${preset}`),
      idle: async () => ++polls % 3 === 0, // moving, moving, idle
    };
    const { p, clock, op, op2, op3, route, audit } = await setup(mover);
    const a = await route('A', [{ cameraId: 'dome', preset: 'p1' }, { cameraId: 'plain', preset: null }]);
    const b = await route('B', [{ cameraId: 'dome', preset: 'p2' }]);
    const ra = await p.rounds.start(op, a.id);
    expect(ra.stops[0]).toMatchObject({ ptzState: 'moving', viewStartedMs: null, gotoMs: clock.now() });
    await expect(p.rounds.confirm(op, ra.id, 0, { outcome: 'normal' })).rejects.toMatchObject({ code: 'ptz_moving' });
    const rb = await p.rounds.start(op2, b.id);
    expect(rb.stops[0]!.ptzState).toBe('waiting');
    clock.advance(1500);
    const at = await until(() => p.rounds.require(ra.id), (r) => r.stops[0]!.ptzState === 'arrived');
    expect(at.stops[0]).toMatchObject({ arrivedMs: clock.now(), viewStartedMs: clock.now() });
    expect(calls).toEqual(['dome:p1']);
    expect(audit).toEqual([{ action: 'ptz.goto', actor: { id: op.id, username: 'op1' }, cameraId: 'dome', target: 'p1', detail: { round: ra.id, stop: 0, preset: 'p1' } }]);
    await expect(p.rounds.confirm(op, ra.id, 0, { outcome: 'normal' })).rejects.toMatchObject({ code: 'dwell_not_met' });
    clock.advance(1000);
    const next = await p.rounds.confirm(op, ra.id, 0, { outcome: 'normal' });
    expect(next.stops[0]!.recFromMs).toBe(at.stops[0]!.arrivedMs! - 3000);
    expect(next.stops[1]).toMatchObject({ ptzState: null, viewStartedMs: clock.now() }); // a plain stop: as before
    // A released the dome: B moves it now
    await until(() => p.rounds.require(rb.id), (r) => r.stops[0]!.ptzState === 'arrived');
    expect(calls).toEqual(['dome:p1', 'dome:p2']);
    // a third round queued behind B, skipped while waiting: it never moves the dome
    const rc = await p.rounds.start(op3, (await route('C', [{ cameraId: 'dome', preset: 'p1' }])).id);
    expect(rc.stops[0]!.ptzState).toBe('waiting');
    const skipped = await p.rounds.skip(op3, rc.id, 0, 'camera busy too long');
    expect(skipped.status).toBe('completed');
    clock.advance(1000);
    expect((await p.rounds.confirm(op2, rb.id, 0, { outcome: 'normal' })).status).toBe('completed');
    await sleep(50);
    expect(calls).toEqual(['dome:p1', 'dome:p2']); // C never moved it
    expect(p.ptz.locks.holder('dome')).toBeUndefined();
  });

  it('no move status → settle time; a fault → failed with the reason, not verifiable', async () => {
    const mover: PtzMover = {
      gotoPreset: async (_cam, preset) => {
        if (preset === 'bad') throw new Error('the camera answered with an error: HTTP 400 - motor jammed');
      },
      idle: async () => null,
    };
    const { p, op, op2, route } = await setup(mover);
    const r = await p.rounds.start(op, (await route('S', [{ cameraId: 'd1', preset: 'ok' }])).id);
    const t0 = Date.now();
    await until(() => p.rounds.require(r.id), (x) => x.stops[0]!.ptzState === 'arrived');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    const f = await p.rounds.start(op2, (await route('F', [{ cameraId: 'd2', preset: 'bad' }])).id);
    const failed = await until(() => p.rounds.require(f.id), (x) => x.stops[0]!.ptzState === 'failed');
    expect(failed.stops[0]!.ptzError).toMatch(/motor jammed/);
    const done = await p.rounds.confirm(op2, f.id, 0, { outcome: 'normal' });
    expect(done.stops[0]).toMatchObject({ outcome: 'not_verifiable', note: expect.stringMatching(/did not move to preset "bad": .*motor jammed/) });
  });
});
