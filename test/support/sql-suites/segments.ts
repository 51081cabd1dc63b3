/**
 * The segment index (server/store/segments.ts), the evidence locks (server/retention/locks.ts) and retention's
 * deleter (server/retention/deleter.ts) on one engine: the same assertions on SQLite and PostgreSQL. Hostile cases:
 * paths and camera ids with odd Unicode, and a lock racing a retention delete (the locked segment survives).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { LockRepo } from '../../../server/retention/locks.ts';
import { SegmentDeleter, type SegRow } from '../../../server/retention/deleter.ts';
import { Retention } from '../../../server/retention/retention.ts';
import { knownGaps, reconcile } from '../../../server/retention/reconcile.ts';
import { TimelineService } from '../../../server/record/timeline.ts';
import { SegmentRepo } from '../../../server/store/segments.ts';
import type { SqlDb } from '../../../server/store/sql/db.ts';
import type { TestEngine } from '../sql-engines.ts';

const T = Date.UTC(2026, 11, 4, 8);
/** emoji + ZWJ, RTL with an override, combining marks (NFD, not NFC), U+2028, CJK, quotes, a lone surrogate-free mix */
const ODD_CAM = 'cam-🎥‍🔥-מצלמה\u202E-e\u0301';
const oddPath = (i: number) => `${ODD_CAM}/2026-12-04/08-00-${String(i).padStart(2, '0')} 🚨 e\u0301 東門\u2028'"; DROP TABLE segments; --.mp4`;

const roots: string[] = [];
afterAll(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function rig(s: SqlDb) {
  const root = mkdtempSync(join(tmpdir(), 'wp-seg-suite-'));
  roots.push(root);
  const segments = new SegmentRepo(s);
  const locks = new LockRepo(s);
  const failed: number[] = [];
  const deleter = new SegmentDeleter({ sql: s, root, now: () => T + 100 * 86_400_000, onFailed: (at) => failed.push(at) });
  const add = async (cam: string, path: string, i: number, lenMs = 10_000, base = T) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), Buffer.alloc(100 + i));
    return segments.insert({ cameraId: cam, path, startMs: base + i * lenMs, endMs: base + (i + 1) * lenMs, bytes: 100 + i, codec: 'h264' });
  };
  const rowOf = async (id: number): Promise<SegRow> => {
    const x = (await segments.byId(id))!;
    return { id: x.id, camera_id: x.cameraId, path: x.path, start_ms: x.startMs, end_ms: x.endMs, bytes: x.bytes };
  };
  return { root, segments, locks, deleter, failed, add, rowOf };
}

export function segmentSuite(e: TestEngine): void {
  test('index, range in time order, latest, count, totals; the same path again re-times the row and keeps its id', async () => {
    const s = await e.open();
    const r = rig(s);
    for (const i of [3, 0, 2, 1, 4]) await r.add('gate', `gate/${i}.mp4`, i);
    await r.add('yard', 'yard/0.mp4', 0);
    expect((await r.segments.range('gate', T + 15_000, T + 35_000)).map((x) => x.path)).toEqual(['gate/1.mp4', 'gate/2.mp4', 'gate/3.mp4']);
    expect(await r.segments.spans('gate', T + 39_999, T + 1e6)).toEqual([{ start_ms: T + 30_000, end_ms: T + 40_000 }, { start_ms: T + 40_000, end_ms: T + 50_000 }]);
    expect((await r.segments.latest('gate'))?.path).toBe('gate/4.mp4');
    expect(await r.segments.latestEnd('gate')).toBe(T + 50_000);
    expect(await r.segments.latestEnd('nobody')).toBeNull();
    expect(await r.segments.count('gate')).toBe(5);
    expect(await r.segments.count()).toBe(6);
    expect(await r.segments.cameras()).toEqual(['gate', 'yard']);
    expect(await r.segments.hasFootage('yard')).toBe(true);
    expect(await r.segments.hasFootage('nobody')).toBe(false);
    expect(await r.segments.totals()).toEqual({ n: 6, b: 100 + 103 + 100 + 102 + 101 + 104 });
    const first = (await r.segments.byPath('gate/0.mp4'))!;
    expect(first).toMatchObject({ cameraId: 'gate', startMs: T, endMs: T + 10_000, bytes: 100, codec: 'h264', sha256: null, sealSeq: null });
    const again = await r.segments.insert({ cameraId: 'gate', path: 'gate/0.mp4', startMs: T - 5.4, endMs: T + 9_000.6, bytes: 7, codec: 'hevc' });
    expect(again.id).toBe(first.id);
    expect(await r.segments.byId(first.id)).toMatchObject({ startMs: T - 5, endMs: T + 9_001, bytes: 7, codec: 'hevc' });
    expect(await r.segments.count()).toBe(6);
  });

  test('odd Unicode in paths and camera ids comes back exactly; NFD and NFC spellings stay two rows', async () => {
    const s = await e.open();
    const r = rig(s);
    const paths = [0, 1, 2].map(oddPath);
    for (const [i, p] of paths.entries()) await r.add(ODD_CAM, p, i);
    const nfc = paths[0]!.normalize('NFC');
    expect(nfc).not.toBe(paths[0]);
    await r.add(ODD_CAM, nfc, 5);
    expect((await r.segments.range(ODD_CAM, 0, T + 1e9)).map((x) => x.path)).toEqual([...paths, nfc]);
    expect((await r.segments.byPath(paths[1]!))?.cameraId).toBe(ODD_CAM);
    expect((await r.segments.byPath(nfc))?.startMs).toBe(T + 50_000);
    expect(await r.segments.cameras()).toEqual([ODD_CAM]);
    expect(await r.segments.count(ODD_CAM.normalize('NFC'))).toBe(0);
    // retention deletes such a file and its row
    const row = await r.rowOf((await r.segments.byPath(paths[0]!))!.id);
    expect((await r.deleter.remove([row], 'age', new Set())).map((x) => x.path)).toEqual([paths[0]]);
    expect(existsSync(join(r.root, paths[0]!))).toBe(false);
    expect(await r.segments.byPath(paths[0]!)).toBeUndefined();
    expect(existsSync(join(r.root, nfc))).toBe(true);
  });

  test('locks: create, get, overlapping, list, release once; a range that ends before it starts is refused', async () => {
    const s = await e.open();
    const r = rig(s);
    const a = await r.locks.create({ cameraId: 'gate', startMs: T + 0.4, endMs: T + 999.2, reason: '案件 🚨 e\u0301', caseRef: 'C-7', createdBy: 'inv' }, T);
    expect(a).toEqual({ id: a.id, cameraId: 'gate', startMs: T, endMs: T + 1000, reason: '案件 🚨 e\u0301', caseRef: 'C-7', exportId: null, createdBy: 'inv', createdAt: T, releasedAt: null, releasedBy: null, releaseReason: null });
    const b = await r.locks.create({ cameraId: 'gate', startMs: T + 5000, endMs: T + 6000, reason: 'b', createdBy: 'inv', exportId: 'exp-1' }, T + 1);
    await r.locks.create({ cameraId: 'yard', startMs: T, endMs: T + 6000, reason: 'c', createdBy: 'inv' }, T + 2);
    expect(await r.locks.get(a.id)).toEqual(a);
    expect((await r.locks.overlapping('gate', T + 500, T + 5500)).map((l) => l.id)).toEqual([a.id, b.id]);
    expect(await r.locks.overlapping('gate', T + 1000, T + 5000)).toEqual([]); // touching is not overlapping
    expect(await r.locks.isLocked('gate', T + 999, T + 2000)).toBe(true);
    expect(await r.locks.isLocked('gate', T + 1000, T + 2000)).toBe(false);
    expect((await r.locks.list()).map((l) => l.reason)).toEqual(['c', 'b', '案件 🚨 e\u0301']);
    expect((await r.locks.list({ cameraId: 'gate', limit: 1 })).map((l) => l.id)).toEqual([b.id]);
    expect(await r.locks.release(a.id, 'sup', 'case closed', T + 10)).toMatchObject({ releasedAt: T + 10, releasedBy: 'sup', releaseReason: 'case closed' });
    expect(await r.locks.release(a.id, 'sup', 'again')).toBeUndefined();
    expect(await r.locks.release(123_456, 'sup', 'none')).toBeUndefined();
    expect((await r.locks.overlapping('gate', T, T + 1000, true)).map((l) => l.id)).toEqual([a.id]);
    expect(await r.locks.overlapping('gate', T, T + 1000)).toEqual([]);
    expect((await r.locks.list({ active: true })).length).toBe(2);
    await expect(r.locks.create({ cameraId: 'gate', startMs: T + 10, endMs: T + 10, reason: 'x', createdBy: 'inv' })).rejects.toThrow(/check|constraint/i);
    expect((await r.locks.list()).length).toBe(3);
  });

  test('retention picks and deletes only unlocked footage; a sealed row leaves a tombstone naming retention', async () => {
    const s = await e.open();
    const r = rig(s);
    const segs = [];
    for (let i = 0; i < 6; i++) segs.push(await r.add('gate', `gate/${i}.mp4`, i));
    await r.add('yard', 'yard/0.mp4', 0);
    await s.db.updateTable('segments').set({ sha256: 'a'.repeat(64), seal_seq: 1, seal_hash: 'b'.repeat(64) }).where('id', '=', segs[0]!.id).execute();
    await r.locks.create({ cameraId: 'gate', startMs: T + 15_000, endMs: T + 25_000, reason: 'incident', createdBy: 'inv' }); // segments 1 and 2
    expect(await r.segments.lockedBytes(true)).toBe(101 + 102);
    expect(await r.segments.lockedBytes(false)).toBe(100 + 103 + 104 + 105 + 100);
    expect((await r.segments.agedUnlocked('gate', T + 40_000, 10)).map((x) => x.path)).toEqual(['gate/0.mp4', 'gate/3.mp4']);
    expect((await r.segments.agedUnlocked('gate', T + 1e6, 1)).map((x) => x.path)).toEqual(['gate/0.mp4']);
    // the newest 20 s of each camera kept: gate keeps 4 and 5, yard its only one
    expect((await r.segments.oldestUnlocked(20_000, 10)).map((x) => x.path)).toEqual(['gate/0.mp4', 'gate/3.mp4']);
    // a stale pick (all six) still leaves the locked ones alone
    const all = await Promise.all(segs.map((x) => r.rowOf(x.id)));
    const gone = await r.deleter.remove(all, 'age', new Set());
    expect(gone.map((x) => x.path)).toEqual(['gate/0.mp4', 'gate/3.mp4', 'gate/4.mp4', 'gate/5.mp4']);
    expect((await r.segments.range('gate', 0, T + 1e9)).map((x) => x.path)).toEqual(['gate/1.mp4', 'gate/2.mp4']);
    expect([1, 2].map((i) => existsSync(join(r.root, `gate/${i}.mp4`)))).toEqual([true, true]);
    expect([0, 3].map((i) => existsSync(join(r.root, `gate/${i}.mp4`)))).toEqual([false, false]);
    const tombs = await s.db.selectFrom('segment_tombstones').select(['segment_id', 'path', 'reason', 'seal_seq']).execute();
    expect(tombs).toEqual([{ segment_id: segs[0]!.id, path: 'gate/0.mp4', reason: 'retention:age', seal_seq: 1 }]);
    // rows deleted meanwhile (by another pass) are skipped, not an error
    expect(await r.deleter.remove(all.slice(0, 1), 'age', new Set())).toEqual([]);
    expect(r.deleter.stuck).toBe(false);
  });

  test('a retention pass: age per camera, then the quota oldest-first, locked footage kept; storage status', async () => {
    const s = await e.open();
    const r = rig(s);
    const now = T + 40 * 86_400_000;
    for (let i = 0; i < 4; i++) await r.add('gate', `gate/${i}.mp4`, i); // 100–103 bytes, 40 days old
    for (let i = 0; i < 3; i++) await r.add(ODD_CAM, oddPath(i), i, 10_000, now - 86_400_000); // a day old, 100–102 bytes
    await r.locks.create({ cameraId: 'gate', startMs: T + 10_000, endMs: T + 10_001, reason: 'case', createdBy: 'inv' }); // gate/1
    const ret = new Retention({ sql: s, recordingsDir: r.root, defaultDays: 30, quotaBytes: 310, lowDiskPercent: 0, minKeepHours: 0, now: () => now, disk: () => ({ totalBytes: 0, freeBytes: 0 }) });
    const { deleted, status } = await ret.runOnce();
    expect(deleted.map((d) => [d.cameraId, d.reason, d.count])).toEqual([['gate', 'age', 3], [ODD_CAM, 'quota', 1]]);
    expect((await r.segments.range('gate', 0, now)).map((x) => x.path)).toEqual(['gate/1.mp4']);
    expect((await r.segments.range(ODD_CAM, 0, now)).map((x) => x.path)).toEqual([oddPath(1), oddPath(2)]);
    expect(status).toMatchObject({ segments: 3, recordingsBytes: 101 + 101 + 102, lockedBytes: 101 });
    expect(existsSync(join(r.root, oddPath(0)))).toBe(false);
  });

  test('a lock created after retention picked its rows still protects them', async () => {
    const s = await e.open();
    const r = rig(s);
    const segs = [];
    for (let i = 0; i < 3; i++) segs.push(await r.add('gate', `gate/${i}.mp4`, i));
    const picked = await r.segments.agedUnlocked('gate', T + 1e6, 10);
    expect(picked).toHaveLength(3);
    const { segmentIds } = await r.locks.createCovering({ cameraId: 'gate', startMs: T + 12_000, endMs: T + 13_000, reason: 'late', createdBy: 'inv' });
    expect(segmentIds).toEqual([segs[1]!.id]);
    const gone = await r.deleter.remove(picked, 'age', new Set());
    expect(gone.map((x) => x.id)).toEqual([segs[0]!.id, segs[2]!.id]);
    expect((await r.segments.byId(segs[1]!.id))?.path).toBe('gate/1.mp4');
    expect(existsSync(join(r.root, 'gate/1.mp4'))).toBe(true);
  });

  test('a lock racing a retention delete: every segment the lock covered when it committed survives', async () => {
    const s = await e.open();
    const r = rig(s);
    let survived = 0;
    let deletedFirst = 0;
    for (let round = 0; round < 25; round++) {
      const cam = `${ODD_CAM}-${round}`;
      const segs = [];
      for (let i = 0; i < 4; i++) segs.push(await r.add(cam, `${cam}/${i} e\u0301 🚨.mp4`, i));
      const picked = await Promise.all(segs.map((x) => r.rowOf(x.id)));
      await Promise.all([r.segments.count(), r.segments.count()]); // PostgreSQL: both pool connections open, so the two overlap
      // started in turns (SQLite runs them in call order; PostgreSQL lets them race on two connections)
      const del = () => r.deleter.remove(picked, 'age', new Set());
      const lock = () => r.locks.createCovering({ cameraId: cam, startMs: T, endMs: T + 40_000, reason: `race ${round}`, createdBy: 'inv' });
      const [gone, { segmentIds }] = round % 2 ? await Promise.all([del(), lock()]) : await Promise.all([lock(), del()]).then(([l, d]) => [d, l] as const);
      for (const id of segmentIds) {
        const row = await r.segments.byId(id);
        expect(row, `round ${round}: segment ${id} was covered by the lock but deleted`).toBeDefined();
        expect(existsSync(join(r.root, row!.path))).toBe(true);
      }
      // one or the other came first, never a mix: either the lock covers all four or the delete took all four
      if (segmentIds.length === 4) survived++;
      else {
        expect(segmentIds).toEqual([]);
        expect(gone).toHaveLength(4);
        deletedFirst++;
      }
    }
    expect(survived + deletedFirst).toBe(25);
    // PostgreSQL: both orders happen too (13 and 12 in one run), but which is up to the scheduler
    if (e.name !== 'PostgreSQL') expect([survived, deletedFirst]).toEqual([13, 12]);
  });

  test('start-up reconcile: a vanished sealed file becomes a gap with a tombstone naming it; the timeline says "missing"', async () => {
    const s = await e.open();
    const r = rig(s);
    const segs = [];
    for (let i = 0; i < 3; i++) segs.push(await r.add(ODD_CAM, oddPath(i), i));
    await s.db.updateTable('segments').set({ sha256: 'a'.repeat(64), seal_seq: 1, seal_hash: 'b'.repeat(64) }).where('id', '=', segs[1]!.id).execute();
    rmSync(join(r.root, oddPath(1)));
    const report = await reconcile({ sql: s, segments: r.segments, recordingsDir: r.root, probe: async () => undefined, startedAt: T + 1e6 });
    expect(report).toMatchObject({ missing: 1, indexed: 0 });
    expect((await r.segments.range(ODD_CAM, 0, T + 1e9)).map((x) => x.path)).toEqual([oddPath(0), oddPath(2)]);
    const tombs = await s.db.selectFrom('segment_tombstones').select(['segment_id', 'path', 'reason', 'seal_seq']).execute();
    expect(tombs).toEqual([{ segment_id: segs[1]!.id, path: oddPath(1), reason: 'reconcile:missing', seal_seq: 1 }]);
    expect(await knownGaps(s, ODD_CAM, T, T + 1e6)).toEqual([{ cameraId: ODD_CAM, startMs: T + 10_000, endMs: T + 20_000, reason: 'missing' }]);
    expect(await knownGaps(s, 'gate', T, T + 1e6)).toEqual([]);
    const tl = await new TimelineService(s, r.segments, r.locks).build(ODD_CAM, T, T + 30_000, T + 30_000);
    expect(tl.gaps).toEqual([{ start: T + 10_000, end: T + 20_000, reason: 'missing' }]);
    // a second start-up finds nothing more to do
    expect(await reconcile({ sql: s, segments: r.segments, recordingsDir: r.root, probe: async () => undefined, startedAt: T + 2e6 })).toMatchObject({ missing: 0 });
  });

  if (e.name === 'PostgreSQL') {
    test('PostgreSQL: a NUL in a path is refused by the database and nothing is indexed', async () => {
      const s = await e.open();
      const r = rig(s);
      await expect(r.segments.insert({ cameraId: 'gate', path: 'gate/\u0000.mp4', startMs: T, endMs: T + 1, bytes: 1, codec: null })).rejects.toThrow(/0x00/);
      expect(await r.segments.count()).toBe(0);
    });
  }
}
