/** Retention, evidence locks, start-up reconciliation and the timeline, on fake files (no ffmpeg). */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog, type AuditQuery } from '../../server/audit/log.ts';
import { migratedSqlOver, seedSegment, sqlOver } from '../support/sql-over.ts';
import { EventBus, type BusEvents } from '../../server/events/bus.ts';
import { TimelineService } from '../../server/record/timeline.ts';
import { LockRepo } from '../../server/retention/locks.ts';
import { reconcile, startFromName } from '../../server/retention/reconcile.ts';
import { Retention, type RetentionOptions } from '../../server/retention/retention.ts';
import { localClock, localDay } from '../../server/media/recorder-index.ts';
import { openDb, type Db } from '../../server/store/db.ts';
import { SegmentRepo } from '../../server/store/segments.ts';
import type { SqlDb } from '../../server/store/sql/db.ts';

const root = mkdtempSync(join(tmpdir(), 'wp-retention-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);

interface Rig {
  db: Db;
  sql: SqlDb;
  dir: string;
  segments: SegmentRepo;
  locks: LockRepo;
  audit: AuditLog;
  bus: EventBus;
  add(cam: string, startMs: number, lenMs?: number, bytes?: number): string;
  retention(o?: Partial<RetentionOptions>): Retention;
}

let n = 0;
/** The audit entries of a query, once what was recorded is written (record() is async on the SQL layer). */
async function audited(audit: AuditLog, q: AuditQuery) {
  await audit.settled();
  return (await audit.query(q)).entries;
}
async function rig(): Promise<Rig> {
  const dir = join(root, `r${n++}`);
  mkdirSync(dir);
  const db = openDb(':memory:');
  const sql = sqlOver(db);
  const segments = new SegmentRepo(sql);
  const audit = new AuditLog(await migratedSqlOver(db));
  const bus = new EventBus();
  const r: Rig = {
    db,
    sql,
    dir,
    segments,
    locks: new LockRepo(sql),
    audit,
    bus,
    add(cam, startMs, lenMs = 10_000, bytes = 1000) {
      const rel = `${cam}/${localDay(startMs)}/${localClock(startMs)}.mp4`;
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), Buffer.alloc(bytes));
      seedSegment(db, { cameraId: cam, path: rel, startMs, endMs: startMs + lenMs, bytes, codec: 'h264' });
      return rel;
    },
    retention: (o = {}) =>
      new Retention({ sql, recordingsDir: dir, audit, bus, defaultDays: 30, quotaBytes: 0, lowDiskPercent: 10, now: () => NOW, disk: () => ({ totalBytes: 1000, freeBytes: 500 }), ...o }),
  };
  return r;
}

describe('retention', () => {
  it('deletes by age per camera (camera override, else the default) and keeps locked segments', async () => {
    const r = await rig();
    const old = [r.add('gate', NOW - 40 * DAY), r.add('gate', NOW - 35 * DAY), r.add('gate', NOW - 10 * DAY)];
    const lobby = [r.add('lobby', NOW - 8 * DAY), r.add('lobby', NOW - 2 * DAY)];
    await r.locks.create({ cameraId: 'gate', startMs: NOW - 35 * DAY + 1000, endMs: NOW - 35 * DAY + 2000, reason: 'case 1', createdBy: 'inv' });
    const report = await r.retention({ cameraDays: (id) => (id === 'lobby' ? 7 : undefined) }).runOnce();
    expect(existsSync(join(r.dir, old[0]!))).toBe(false);
    expect(existsSync(join(r.dir, old[1]!))).toBe(true); // locked
    expect(existsSync(join(r.dir, old[2]!))).toBe(true);
    expect(existsSync(join(r.dir, lobby[0]!))).toBe(false); // older than the camera's 7 days
    expect(existsSync(join(r.dir, lobby[1]!))).toBe(true);
    expect(await r.segments.count()).toBe(3);
    expect(report.deleted.map((d) => [d.cameraId, d.reason, d.count])).toEqual([['gate', 'age', 1], ['lobby', 'age', 1]]);
    expect((await audited(r.audit, { action: 'retention.delete' }))).toHaveLength(2);
    expect(existsSync(dirname(join(r.dir, old[0]!)))).toBe(false); // empty day folder removed
  });

  it('enforces the quota oldest-first across cameras, never touching locked segments', async () => {
    const r = await rig();
    const a = [0, 1, 2, 3].map((i) => r.add('gate', NOW - DAY + i * 20_000));
    const b = [0, 1, 2].map((i) => r.add('lobby', NOW - DAY + 10_000 + i * 20_000));
    // the two oldest gate segments are evidence
    await r.locks.create({ cameraId: 'gate', startMs: NOW - DAY, endMs: NOW - DAY + 25_000, reason: 'incident', createdBy: 'inv' });
    const deleted: BusEvents['retention.deleted'][] = [];
    r.bus.on('retention.deleted', (e) => deleted.push(e));
    await r.retention({ quotaBytes: 3000 }).runOnce();
    const left = (paths: string[]) => paths.map((p) => existsSync(join(r.dir, p)));
    expect(left(a)).toEqual([true, true, false, true]);
    expect(left(b)).toEqual([false, false, false]);
    expect(await r.segments.count()).toBe(3);
    expect((await r.segments.range('gate', 0, NOW)).reduce((s, x) => s + x.bytes, 0)).toBe(3000);
    expect(deleted.map((d) => [d.cameraId, d.reason, d.count]).sort()).toEqual([['gate', 'quota', 1], ['lobby', 'quota', 3]]);
  });

  it('says so when locked evidence alone exceeds the quota', async () => {
    const r = await rig();
    r.add('gate', NOW - DAY);
    r.add('gate', NOW - DAY + 10_000);
    await r.locks.create({ cameraId: 'gate', startMs: NOW - 2 * DAY, endMs: NOW, reason: 'everything', createdBy: 'inv' });
    const ret = r.retention({ quotaBytes: 500 });
    const { status } = await ret.runOnce();
    expect(await r.segments.count()).toBe(2);
    expect(status).toMatchObject({ quotaBlockedByLocks: true, lockedBytes: 2000, recordingsBytes: 2000 });
    expect((await r.audit.query({ action: 'storage.quota_locked' })).entries).toHaveLength(1);
    await ret.runOnce();
    expect((await r.audit.query({ action: 'storage.quota_locked' })).entries).toHaveLength(1); // once per episode
  });

  it('released locks no longer protect', async () => {
    const r = await rig();
    const p = r.add('gate', NOW - 40 * DAY);
    const l = await r.locks.create({ cameraId: 'gate', startMs: NOW - 41 * DAY, endMs: NOW - 39 * DAY, reason: 'x', createdBy: 'inv' });
    await r.retention().runOnce();
    expect(existsSync(join(r.dir, p))).toBe(true);
    expect(await r.locks.release(l.id, 'sup', 'case closed')).toMatchObject({ releasedBy: 'sup', releaseReason: 'case closed' });
    expect(await r.locks.release(l.id, 'sup', 'again')).toBeUndefined();
    await r.retention().runOnce();
    expect(existsSync(join(r.dir, p))).toBe(false);
  });

  it('never deletes outside the index, in .incoming, or through unsafe paths', async () => {
    const r = await rig();
    mkdirSync(join(r.dir, 'gate', '.incoming'), { recursive: true });
    writeFileSync(join(r.dir, 'gate', '.incoming', 'abc-000001.mp4'), 'x');
    writeFileSync(join(r.dir, 'keep.txt'), 'x');
    await r.segments.insert({ cameraId: 'gate', path: 'gate/.incoming/abc-000001.mp4', startMs: NOW - 90 * DAY, endMs: NOW - 90 * DAY + 1, bytes: 1, codec: null });
    await r.segments.insert({ cameraId: 'gate', path: '../keep.txt', startMs: NOW - 90 * DAY, endMs: NOW - 90 * DAY + 1, bytes: 1, codec: null });
    await r.retention().runOnce();
    expect(existsSync(join(r.dir, 'gate', '.incoming', 'abc-000001.mp4'))).toBe(true);
    expect(existsSync(join(r.dir, 'keep.txt'))).toBe(true);
  });

  it('raises the low-disk alarm once, and clears it', async () => {
    const r = await rig();
    let free = 50;
    const events: string[] = [];
    r.bus.on('storage.low', () => events.push('low'));
    r.bus.on('storage.ok', () => events.push('ok'));
    const ret = r.retention({ lowDiskPercent: 10, disk: () => ({ totalBytes: 1000, freeBytes: free }) });
    expect((await ret.runOnce()).status).toMatchObject({ low: true, freePercent: 5 });
    await ret.runOnce();
    free = 500;
    expect((await ret.runOnce()).status.low).toBe(false);
    expect(events).toEqual(['low', 'ok']);
    expect((await audited(r.audit, { action: 'storage' })).map((e) => e.action)).toEqual(['storage.ok', 'storage.low']);
  });
});

describe('start-up reconciliation', () => {
  it('indexes orphans, removes unreadable files, turns missing files into gaps', async () => {
    const r = await rig();
    const kept = r.add('gate', NOW - 3 * DAY);
    const gone = r.add('gate', NOW - 2 * DAY, 10_000);
    rmSync(join(r.dir, gone));
    const day = localDay(NOW - DAY);
    mkdirSync(join(r.dir, 'gate', day), { recursive: true });
    writeFileSync(join(r.dir, 'gate', day, '10-00-00.mp4'), 'video');
    writeFileSync(join(r.dir, 'gate', day, '10-00-10.mp4'), 'garbage');
    writeFileSync(join(r.dir, 'gate', day, 'notes.txt'), 'not a recording');
    mkdirSync(join(r.dir, 'gate', '.incoming'), { recursive: true });
    writeFileSync(join(r.dir, 'gate', '.incoming', 'abc-000001.mp4'), 'staging');
    const probed: string[] = [];
    const report = await reconcile({
      sql: r.sql,
      segments: r.segments,
      recordingsDir: r.dir,
      startedAt: Date.now() + 1000,
      probe: async (f) => {
        probed.push(f);
        return f.endsWith('10-00-00.mp4') ? { durationSec: 9.5, codec: 'h264' } : undefined;
      },
    });
    expect(report).toEqual({ scanned: 3, indexed: 1, removed: 1, missing: 1 });
    expect(probed).toHaveLength(2);
    const orphan = (await r.segments.byPath(`gate/${day}/10-00-00.mp4`))!;
    expect(orphan.startMs).toBe(startFromName(day, '10-00-00.mp4'));
    expect(orphan.endMs - orphan.startMs).toBe(9500);
    expect(existsSync(join(r.dir, 'gate', day, '10-00-10.mp4'))).toBe(false);
    expect(existsSync(join(r.dir, 'gate', day, 'notes.txt'))).toBe(true);
    expect(existsSync(join(r.dir, 'gate', '.incoming', 'abc-000001.mp4'))).toBe(true);
    expect(await r.segments.byPath(kept)).toBeDefined();
    expect(await r.segments.byPath(gone)).toBeUndefined();

    const tl = await new TimelineService(r.sql, r.segments, r.locks).build('gate', NOW - 2 * DAY - 60_000, NOW - 2 * DAY + 60_000, NOW);
    expect(tl.ranges).toEqual([]);
    expect(tl.gaps).toEqual([{ start: NOW - 2 * DAY - 60_000, end: NOW - 2 * DAY + 60_000, reason: 'missing' }]);
  });
});

describe('timeline', () => {
  it('merges contiguous segments, reports gaps up to now, locks and markers', async () => {
    const r = await rig();
    const t = NOW - 3600_000;
    r.add('gate', t, 10_000);
    r.add('gate', t + 10_000, 10_000);
    r.add('gate', t + 20_400, 9_600); // jitter: same range
    r.add('gate', t + 60_000, 10_000);
    await r.locks.create({ cameraId: 'gate', startMs: t + 5000, endMs: t + 15_000, reason: 'incident', createdBy: 'inv' });
    const svc = new TimelineService(r.sql, r.segments, r.locks);
    svc.addSource({ kind: 'alarm', list: (cam, from) => [{ kind: 'alarm', id: 'a1', at: from + 1000, label: `loitering at ${cam}` }] });
    svc.addSource({ kind: 'broken', list: () => { throw new Error('boom'); } });
    svc.addSource({ kind: 'rejected', list: () => Promise.reject(new Error('database gone')) });
    const tl = await svc.build('gate', t - 10_000, t + 120_000, t + 90_000);
    expect(tl.ranges).toEqual([
      { start: t, end: t + 30_000 },
      { start: t + 60_000, end: t + 70_000 },
    ]);
    expect(tl.gaps).toEqual([
      { start: t - 10_000, end: t, reason: 'no_recording' },
      { start: t + 30_000, end: t + 60_000, reason: 'no_recording' },
      { start: t + 70_000, end: t + 90_000, reason: 'no_recording' },
    ]);
    expect(tl.locks).toMatchObject([{ start: t + 5000, end: t + 15_000, reason: 'incident' }]);
    expect(tl.markers).toEqual([{ kind: 'alarm', id: 'a1', at: t - 9000, label: 'loitering at gate' }]);
    expect(tl.latest).toBe(t + 70_000);
  });
});
