/** RouteRepo and RoundRepo (server/patrol/routes-repo.ts, rounds-repo.ts) on one engine: the same assertions on SQLite and PostgreSQL. */
import { expect, test } from 'vitest';
import { ManualClock } from '../../../server/patrol/clock.ts';
import { RoundRepo, type NewStop, type StopResult } from '../../../server/patrol/rounds-repo.ts';
import { RouteRepo } from '../../../server/patrol/routes-repo.ts';
import type { RouteInput } from '../../../server/patrol/types.ts';
import { isUniqueViolation } from '../../../server/store/sql/errors.ts';
import type { SqlDb } from '../../../server/store/sql/db.ts';
import type { TestEngine } from '../sql-engines.ts';
import { seedUser } from './seed.ts';

/** emoji with ZWJ and skin tone, RTL override, combining marks, astral CJK, a line separator, U+FFFF, quotes, a backslash */
export const ODD = '门口有人 👩🏽‍🚒 \u202Eevil\u202C e\u0301\u0301 𠜎𠜱 a\u2028b \uFFFF \'"; DROP TABLE patrol_stops; -- \\';

const routeInput = (name: string, over: Partial<RouteInput> = {}): RouteInput => ({
  name, post: 'control room', intervalMin: 60, activeFrom: '08:00', activeTo: '20:00', graceMin: 10, enabled: true,
  stops: [{ cameraId: 'gate', preset: null, minDwellS: 10, checklist: ['fire exit clear'] }, { cameraId: 'dome', preset: 'p1', minDwellS: 5, checklist: [] }],
  ...over,
});

const stops: NewStop[] = [
  { cameraId: 'gate', cameraName: 'Gate', preset: null, minDwellS: 10, checklist: ['fire exit clear', '无可疑人员'], alarm: true },
  { cameraId: 'dome', cameraName: 'Dome', preset: 'p1', minDwellS: 5, checklist: [], alarm: false },
  { cameraId: 'lobby', cameraName: 'Lobby', preset: null, minDwellS: 5, checklist: [], alarm: false },
];

const result = (userId: number, over: Partial<StopResult> = {}): StopResult => ({
  viewEndedMs: 20_000, outcome: 'normal', note: null, checks: [true, false], snapshot: null, recFromMs: 7_000, recToMs: 17_000, userId, dispatch: false, logSeq: null, ...over,
});

async function rig(e: TestEngine) {
  const s = await e.open();
  const clock = new ManualClock(1_000);
  const routes = new RouteRepo(s, clock);
  const rounds = new RoundRepo(s);
  const op = await seedUser(s, 'op1');
  const op2 = await seedUser(s, 'op2');
  const route = await routes.create(routeInput('Key areas'));
  const newRound = (slotMs: number, userId = op, username = 'op1') =>
    rounds.create({ routeId: route.id, routeName: route.name, slotMs, userId, username, startedMs: slotMs + 60_000, requireChecklist: true }, stops);
  return { s, clock, routes, rounds, op, op2, route, newRound };
}

/** PostgreSQL: open both pool connections first, so the statements that follow really overlap */
const warm = (s: SqlDb) => Promise.all([1, 2, 3].map(() => s.db.selectFrom('patrol_rounds').select('id').execute()));

export function patrolSuite(e: TestEngine): void {
  test('routes: create, get, list enabled / all in id order, update keeps the creation time, an unknown id is undefined', async () => {
    const { routes, clock, route } = await rig(e);
    expect(route).toMatchObject({ name: 'Key areas', intervalMin: 60, enabled: true, requireChecklist: false, createdMs: 1_000, updatedMs: 1_000 });
    expect(route.stops[1]).toEqual({ cameraId: 'dome', preset: 'p1', minDwellS: 5, checklist: [] });
    const off = await routes.create(routeInput('Night', { enabled: false, requireChecklist: true }));
    expect((await routes.list()).map((r) => r.name)).toEqual(['Key areas']);
    expect((await routes.list(true)).map((r) => r.name)).toEqual(['Key areas', 'Night']);
    clock.set(5_000);
    const up = await routes.update(off.id, routeInput(ODD, { enabled: true, stops: [] }));
    expect(up).toMatchObject({ id: off.id, name: ODD, enabled: true, requireChecklist: false, stops: [], createdMs: 1_000, updatedMs: 5_000 });
    expect(await routes.get(off.id)).toEqual(up);
    expect(await routes.update(9999, routeInput('x'))).toBeUndefined();
    expect(await routes.get(9999)).toBeUndefined();
  });

  test('rounds: created with their stops, read by id, slot, user and filters; a second round of one slot is refused by the table', async () => {
    const { rounds, op, op2, route, newRound } = await rig(e);
    const id = await newRound(3_600_000);
    const r = (await rounds.get(id))!;
    expect(r).toMatchObject({ id, routeId: route.id, routeName: 'Key areas', slotMs: 3_600_000, userId: op, username: 'op1', status: 'in_progress', startedMs: 3_660_000, endedMs: null, requireChecklist: true, currentIdx: 0 });
    expect(r.stops.map((x) => [x.idx, x.cameraId, x.alarm, x.viewStartedMs, x.outcome])).toEqual([[0, 'gate', true, 3_660_000, null], [1, 'dome', false, null, null], [2, 'lobby', false, null, null]]);
    expect(r.stops[0]!.checklist).toEqual(['fire exit clear', '无可疑人员']);
    expect((await rounds.bySlot(route.id, 3_600_000))?.id).toBe(id);
    expect(await rounds.bySlot(route.id, 1)).toBeUndefined();
    expect((await rounds.inProgressOf(op))?.id).toBe(id);
    expect(await rounds.inProgressOf(op2)).toBeUndefined();
    const err = await newRound(3_600_000, op2, 'op2').catch((x: unknown) => x);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await rounds.list()).toHaveLength(1); // nothing of the refused round was written
    const id2 = await newRound(7_200_000, op2, 'op2');
    await rounds.end(id2, 'abandoned', 7_300_000, 'fire alarm', null);
    expect((await rounds.list()).map((x) => x.id)).toEqual([id2, id]); // newest slot first
    expect((await rounds.list({ from: 7_200_000 })).map((x) => x.id)).toEqual([id2]);
    expect((await rounds.list({ to: 7_200_000 })).map((x) => x.id)).toEqual([id]);
    expect((await rounds.list({ userId: op2 })).map((x) => x.id)).toEqual([id2]);
    expect((await rounds.list({ status: 'in_progress' })).map((x) => x.id)).toEqual([id]);
    expect((await rounds.list({ routeId: route.id + 1 }))).toEqual([]);
    expect((await rounds.list({ limit: 1 })).map((x) => x.id)).toEqual([id2]);
    expect(await rounds.get(id2)).toMatchObject({ status: 'abandoned', abandonReason: 'fire alarm', endedMs: 7_300_000, currentIdx: null });
  });

  test('a stop is recorded once; the next plain stop starts its view; PTZ facts are set once; markers by camera and time', async () => {
    const { rounds, op, newRound } = await rig(e);
    const id = await newRound(-60_000); // started at 0
    expect(await rounds.finishStop(id, 0, result(op, { snapshot: 'r1-s0.jpg' }), 20_000)).toBe(true);
    expect(await rounds.finishStop(id, 0, result(op, { outcome: 'anomaly' }), 20_000)).toBe(false); // already recorded
    let r = (await rounds.get(id))!;
    expect(r.stops[0]).toMatchObject({ outcome: 'normal', checks: [true, false], hasSnapshot: true, viewStartedMs: 0, dwellMs: 20_000, recFromMs: 7_000 });
    expect(r.stops[1]!.viewStartedMs).toBeNull(); // a preset stop's view starts at arrival
    expect(r.currentIdx).toBe(1);
    expect(await rounds.snapshotFile(id, 0)).toBe('r1-s0.jpg');
    expect(await rounds.snapshotFile(id, 1)).toBeUndefined();
    await rounds.setPtz(id, 1, { state: 'moving', gotoMs: 21_000 });
    await rounds.setPtz(id, 1, { state: 'arrived', arrivedMs: 23_000, viewStartedMs: 23_000 });
    await rounds.setPtz(id, 1, { state: 'failed', error: 'late', viewStartedMs: 99_000 }); // the view start is kept
    r = (await rounds.get(id))!;
    expect(r.stops[1]).toMatchObject({ ptzState: 'failed', ptzError: 'late', gotoMs: 21_000, arrivedMs: 23_000, viewStartedMs: 23_000 });
    expect(await rounds.finishStop(id, 1, result(op, { viewEndedMs: 30_000, recFromMs: 23_000, recToMs: 30_000 }), 30_000)).toBe(true);
    expect((await rounds.get(id))!.stops[2]!.viewStartedMs).toBe(30_000);
    await rounds.setStopLogSeq(id, 1, 42);
    expect((await rounds.get(id))!.stops[1]!.logSeq).toBe(42);
    const marks = await rounds.stopsForCamera('dome', 0, 100_000);
    expect(marks).toEqual([expect.objectContaining({ roundId: id, idx: 1, routeName: 'Key areas', username: 'op1', outcome: 'normal' })]);
    expect(await rounds.stopsForCamera('dome', 30_000, 100_000)).toEqual([]);
    expect(await rounds.stopsForCamera('lobby', 0, 100_000)).toEqual([]); // not finished
    // undo of a recording whose duty-log entry failed: open again, as before
    await rounds.reopenStop(id, 1);
    expect((await rounds.get(id))!.stops[1]).toMatchObject({ outcome: null, logSeq: null, viewEndedMs: null });
    expect((await rounds.get(id))!.stops[2]!.viewStartedMs).toBeNull();
  });

  test('odd Unicode in a stop note, a checklist and a spot-check note comes back exactly', async () => {
    const { rounds, op, op2, route } = await rig(e);
    const id = await rounds.create({ routeId: route.id, routeName: ODD, slotMs: 0, userId: op, username: ODD, startedMs: 0 }, [{ ...stops[0]!, cameraName: ODD, checklist: [ODD, ''] }]);
    expect(await rounds.finishStop(id, 0, result(op, { outcome: 'anomaly', note: ODD }), null)).toBe(true);
    const r = (await rounds.get(id))!;
    expect(r).toMatchObject({ routeName: ODD, username: ODD });
    expect(r.stops[0]).toMatchObject({ note: ODD, cameraName: ODD, checklist: [ODD, ''] });
    expect((await rounds.stopsForCamera('gate', -1, 100_000))[0]).toMatchObject({ note: ODD, routeName: ODD, username: ODD });
    await rounds.addSpotCheck({ roundId: id, idx: 0, userId: op2, username: 'op2', verdict: 'disagree', note: ODD, createdMs: 5, logSeq: 7 });
    await rounds.addSpotCheck({ roundId: id, idx: 0, userId: op2, username: 'op2', verdict: 'agree', note: '', createdMs: 6, logSeq: null });
    expect(await rounds.spotChecks(id)).toEqual([
      { id: expect.any(Number), idx: 0, userId: op2, username: 'op2', verdict: 'disagree', note: ODD, createdMs: 5, logSeq: 7 },
      { id: expect.any(Number), idx: 0, userId: op2, username: 'op2', verdict: 'agree', note: '', createdMs: 6, logSeq: null },
    ]);
    expect(await rounds.spotChecks(id + 1)).toEqual([]);
  });

  if (e.name === 'PostgreSQL') {
    test('PostgreSQL: a NUL in a stop note is refused by the database, the stop stays open (the HTTP boundary refuses it first)', async () => {
      const { rounds, op, newRound } = await rig(e);
      const id = await newRound(0);
      await expect(rounds.finishStop(id, 0, result(op, { outcome: 'anomaly', note: 'nul \u0000' }), 20_000)).rejects.toThrow(/0x00/);
      const r = (await rounds.get(id))!;
      expect(r.currentIdx).toBe(0);
      expect(r.stops[0]!.outcome).toBeNull();
    });
  }

  test('a round completed twice at once is recorded once; its last stop too', async () => {
    for (let round = 0; round < 5; round++) {
      const { s, rounds, op, newRound } = await rig(e);
      const id = await newRound(0);
      await rounds.finishStop(id, 0, result(op), null);
      await rounds.finishStop(id, 1, result(op), null);
      await warm(s);
      const last = await Promise.all([rounds.finishStop(id, 2, result(op, { note: 'first' }), null), rounds.finishStop(id, 2, result(op, { note: 'second', outcome: 'anomaly' }), null)]);
      expect(last.filter(Boolean)).toHaveLength(1);
      const kept = (await rounds.get(id))!.stops[2]!;
      expect(kept.note).toBe(last[0] ? 'first' : 'second');
      expect(kept.outcome).toBe(last[0] ? 'normal' : 'anomaly');
      await warm(s);
      const ends = await Promise.all([rounds.end(id, 'completed', 50_000, null, null), rounds.end(id, 'completed', 50_001, null, null), rounds.end(id, 'abandoned', 50_002, 'x', null)]);
      expect(ends.filter(Boolean)).toHaveLength(1);
      const r = (await rounds.get(id))!;
      expect(r.endedMs).toBe([50_000, 50_001, 50_002][ends.indexOf(true)]);
      expect(r.status).toBe(ends[2] ? 'abandoned' : 'completed');
      await rounds.setRoundLogSeq(id, 9);
      await rounds.reopenRound(id); // only a round without its entry is reopened
      expect((await rounds.get(id))!.status).toBe(r.status);
    }
  });

  test('a missed slot is claimed once, also by two checks at once; a failed entry gives the claim back', async () => {
    const { s, rounds, route } = await rig(e);
    await warm(s);
    const claims = await Promise.all([rounds.claimMissed(route.id, 3_600_000), rounds.claimMissed(route.id, 3_600_000)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await rounds.isMissedLogged(route.id, 3_600_000)).toBe(true);
    await rounds.setMissedLogSeq(route.id, 3_600_000, 12);
    await rounds.unclaimMissed(route.id, 3_600_000); // has its entry: stays
    expect(await rounds.isMissedLogged(route.id, 3_600_000)).toBe(true);
    expect(await rounds.claimMissed(route.id, 7_200_000)).toBe(true);
    await rounds.unclaimMissed(route.id, 7_200_000);
    expect(await rounds.isMissedLogged(route.id, 7_200_000)).toBe(false);
    expect(await rounds.claimMissed(route.id, 7_200_000)).toBe(true);
  });
}
