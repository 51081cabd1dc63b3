/** DispatchRepo (server/dispatch/repo.ts) on one engine: the same assertions on SQLite and PostgreSQL. */
import { expect, test } from 'vitest';
import { DispatchRepo, type AlarmFacts } from '../../../server/dispatch/repo.ts';
import { isUniqueViolation } from '../../../server/store/sql/errors.ts';
import type { TestEngine } from '../sql-engines.ts';
import { seedAlarms } from '../alarms.ts';
import { ODD } from './patrol.ts';

async function rig(e: TestEngine) {
  const s = await e.open();
  const guard = async (username: string, display: string | null = null) =>
    (await s.db.insertInto('users').values({ username, password_hash: 'x', role: 'guard', created_at: 0, display_name: display }).returning('id').executeTakeFirstOrThrow()).id;
  const wang = await guard('wang', '王保安');
  const li = await guard('li');
  // the alarms table is another repository's: the repo is told its facts. SQLite's legacy dispatches table refers
  // to alarms(id), so there the two alarms exist (PostgreSQL has no alarms table yet: migrations-patrol.ts)
  if (s.sqlite) expect(seedAlarms(s.sqlite, [{ cameraId: 'gate' }, { cameraId: 'gate' }])).toEqual([1, 2]);
  const alarms = new Map<number, AlarmFacts>([
    [1, { zone: 'exit', kind: 'blocked_exit', hasSnapshot: true }],
    [2, { zone: ODD, kind: 'loitering', hasSnapshot: false }],
  ]);
  const repo = new DispatchRepo(s, async (id) => alarms.get(id));
  const send = (alarmId: number, guardId: number, sentMs: number, note: string | null = null) =>
    repo.insert({ alarmId, cameraId: 'gate', guardId, by: 'op', note, sentMs, acceptByMs: sentMs + 60_000 });
  return { s, repo, wang, li, alarms, send };
}

const warm = (s: Awaited<ReturnType<typeof rig>>['s']) => Promise.all([1, 2, 3].map(() => s.db.selectFrom('dispatches').select('id').execute()));

export function dispatchSuite(e: TestEngine): void {
  test('a dispatch goes sent → on_way → arrived → handled, each step once and in order; views as the console shows them', async () => {
    const { repo, wang, send } = await rig(e);
    const id = await send(1, wang, 1_000, '去看看');
    expect(await repo.get(id)).toEqual({
      id, alarmId: 1, cameraId: 'gate', zone: 'exit', alarmKind: 'blocked_exit', guardId: wang, guard: 'wang', guardName: '王保安', by: 'op', note: '去看看',
      state: 'sent', sentAt: 1_000, onWay: null, arrived: null, handled: null, overdueAt: null, acceptBy: 61_000, photos: [],
      snapshotUrl: `/api/dispatches/${id}/snapshot.jpg`, arrivedAfterMs: null, handledAfterMs: null,
    });
    expect(await repo.waiting()).toEqual([{ id, acceptByMs: 61_000 }]);
    expect(await repo.step(id, 'on_way', 'arrived', 2_000, null)).toBe(false); // not on the way yet
    expect(await repo.step(id, 'sent', 'on_way', 2_000, null)).toBe(true);
    expect(await repo.step(id, 'sent', 'on_way', 2_500, 'again')).toBe(false);
    expect(await repo.waiting()).toEqual([]);
    expect(await repo.flagOverdue(id, 70_000)).toBe(false); // accepted: never overdue
    expect(await repo.step(id, 'on_way', 'arrived', 31_000, '到了')).toBe(true);
    expect(await repo.step(id, 'arrived', 'handled', 61_000, '已清理')).toBe(true);
    expect(await repo.get(id)).toMatchObject({ state: 'handled', onWay: { at: 2_000 }, arrived: { at: 31_000, note: '到了' }, handled: { at: 61_000, note: '已清理' }, arrivedAfterMs: 30_000, handledAfterMs: 60_000 });
    expect(await repo.get(id + 100)).toBeUndefined();
  });

  test('overdue once; newest of an alarm and of every alarm; a guard’s list: open first, recent handled; a time range; unknown alarms left out', async () => {
    const { repo, wang, li, alarms, send } = await rig(e);
    const a = await send(1, wang, 1_000);
    expect(await repo.flagOverdue(a, 61_000)).toBe(true);
    expect(await repo.flagOverdue(a, 62_000)).toBe(false);
    expect((await repo.get(a))!.overdueAt).toBe(61_000);
    const b = await send(1, li, 70_000);
    const c = await send(2, wang, 80_000);
    await repo.step(c, 'sent', 'on_way', 81_000, null);
    await repo.step(c, 'on_way', 'arrived', 82_000, null);
    await repo.step(c, 'arrived', 'handled', 83_000, null);
    const d = await send(2, wang, 90_000);
    expect((await repo.latestOfAlarm(1))?.id).toBe(b);
    expect((await repo.latestOfAlarm(2))?.id).toBe(d);
    expect(await repo.latestOfAlarm(3)).toBeUndefined();
    expect((await repo.latestOfEveryAlarm()).map((x) => x.id).sort((x, y) => x - y)).toEqual([b, d]);
    expect((await repo.ofGuard(wang, 0)).map((x) => x.id)).toEqual([d, a, c]); // open newest first, then handled
    expect((await repo.ofGuard(wang, 83_001)).map((x) => x.id)).toEqual([d, a]); // handled too long ago
    expect((await repo.ofGuard(wang, 0, 1)).map((x) => x.id)).toEqual([d]);
    expect((await repo.between(70_000, 90_000)).map((x) => x.id)).toEqual([b, c]);
    expect((await repo.get(c))!.zone).toBe(ODD);
    alarms.delete(2);
    expect(await repo.get(c)).toBeUndefined();
    expect((await repo.between(0, 100_000)).map((x) => x.id)).toEqual([a, b]);
  });

  test('photos: in order with their sha256, one number once, at most 3, append-only on both engines', async () => {
    const { s, repo, wang, send } = await rig(e);
    const id = await send(1, wang, 1_000);
    const photo = (n: number, mime: 'image/jpeg' | 'image/png' = 'image/jpeg') => repo.addPhoto({ dispatchId: id, n, file: `dispatch-${id}-${n}.jpg`, mime, bytes: 10 * n, sha256: String(n).repeat(64), atMs: 5_000 + n });
    await photo(2, 'image/png');
    await photo(1);
    expect((await repo.photos(id)).map((p) => [p.n, p.mime, p.bytes, p.at])).toEqual([[1, 'image/jpeg', 10, 5_001], [2, 'image/png', 20, 5_002]]);
    expect((await repo.get(id))!.photos[0]).toEqual({ n: 1, mime: 'image/jpeg', bytes: 10, sha256: '1'.repeat(64), at: 5_001, url: `/api/dispatches/${id}/photos/1` });
    expect(isUniqueViolation(await photo(1).catch((x: unknown) => x))).toBe(true);
    await photo(3);
    await expect(photo(4)).rejects.toThrow(); // CHECK (n BETWEEN 1 AND 3)
    expect(await repo.photos(id)).toHaveLength(3);
    await expect(s.db.updateTable('dispatch_photos').set({ sha256: 'f'.repeat(64) }).where('dispatch_id', '=', id).execute()).rejects.toThrow(/append-only/);
    await expect(s.db.deleteFrom('dispatch_photos').where('dispatch_id', '=', id).execute()).rejects.toThrow(/append-only/);
    expect((await repo.photos(id)).map((p) => p.sha256[0])).toEqual(['1', '2', '3']);
  });

  test('two guards accepting one dispatch at once: exactly one wins, its note is the one kept', async () => {
    for (let round = 0; round < 5; round++) {
      const { s, repo, wang, send } = await rig(e);
      const id = await send(1, wang, 1_000);
      await warm(s);
      const wins = await Promise.all([repo.step(id, 'sent', 'on_way', 2_000, `A ${ODD}`), repo.step(id, 'sent', 'on_way', 2_001, 'B')]);
      expect(wins.filter(Boolean)).toHaveLength(1);
      const d = (await repo.get(id))!;
      expect(d.onWay).toEqual(wins[0] ? { at: 2_000, note: `A ${ODD}` } : { at: 2_001, note: 'B' });
      // accepted and flagged at once: the flag loses once the dispatch is accepted
      const id2 = await send(1, wang, 3_000);
      await warm(s);
      const [accepted, flagged] = await Promise.all([repo.step(id2, 'sent', 'on_way', 63_000, null), repo.flagOverdue(id2, 63_000)]);
      expect(accepted).toBe(true);
      expect((await repo.get(id2))!.overdueAt).toBe(flagged ? 63_000 : null);
    }
  });
}
