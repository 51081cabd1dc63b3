/**
 * Issue F point 4, on fake files: retention deletes files before rows (and finishes the rows on the next pass
 * when the transaction failed), explains sealed deletions with a tombstone, keeps a free-space floor with no
 * quota, keeps each camera's newest minKeepHours when locks block the quota, counts bundles and snapshots; the
 * duty writer keeps entries in memory while the database is full and writes "disk full from T to T" after.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AuditLog, type AuditQuery } from '../../server/audit/log.ts';
import { migratedSqlOver, seedSegment, sqlOver } from '../support/sql-over.ts';
import { DutyLog } from '../../server/dutylog/log.ts';
import { watchCameraStates } from '../../server/dutylog/camera-watch.ts';
import { DutyWriter } from '../../server/dutylog/writer.ts';
import { EventBus, type BusEvents } from '../../server/events/bus.ts';
import { localClock, localDay } from '../../server/media/recorder-index.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { LockRepo } from '../../server/retention/locks.ts';
import { Retention, type DiskSpace, type RetentionOptions } from '../../server/retention/retention.ts';
import { floorBytes } from '../../server/retention/space.ts';
import { siteIso } from '../../server/util/site-time.ts';
import { openDb, type Db } from '../../server/store/db.ts';
import { SegmentRepo } from '../../server/store/segments.ts';

const root = mkdtempSync(join(tmpdir(), 'wp-retention-floor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const DAY = 86_400_000;
const HOUR = 3600_000;
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
/** what SQLite says on a full disk; a temp trigger makes the next write fail with it */
const FULL = `SELECT RAISE(ABORT, 'database or disk is full')`;

let n = 0;
/** The audit entries of a query, once what was recorded is written (record() is async on the SQL layer). */
async function audited(audit: AuditLog, q: AuditQuery) {
  await audit.settled();
  return (await audit.query(q)).entries;
}
async function rig(disk: DiskSpace = { totalBytes: 1e9, freeBytes: 5e8 }) {
  const dir = join(root, `r${n++}`);
  mkdirSync(dir);
  const db: Db = openDb(':memory:');
  const sql = sqlOver(db);
  const segments = new SegmentRepo(sql);
  const audit = new AuditLog(await migratedSqlOver(db));
  const bus = new EventBus();
  const events: string[] = [];
  for (const e of ['storage.full', 'storage.space_back', 'storage.quota_blocked'] as const) bus.on(e, (p) => events.push(`${e}${'blocked' in p ? `:${p.blocked}` : ''}`));
  return {
    db, dir, segments, audit, bus, events, disk, locks: new LockRepo(sql),
    add(cam: string, startMs: number, bytes = 1000, lenMs = 10_000) {
      const rel = `${cam}/${localDay(startMs)}/${localClock(startMs)}.mp4`;
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), Buffer.alloc(bytes));
      seedSegment(db, { cameraId: cam, path: rel, startMs, endMs: startMs + lenMs, bytes, codec: 'h264' });
      return rel;
    },
    seal(rel: string, seq: number) {
      db.prepare(`UPDATE segments SET sha256 = ?, seal_seq = ?, seal_hash = ? WHERE path = ?`).run('a'.repeat(64), seq, 'b'.repeat(64), rel);
    },
    retention: (o: Partial<RetentionOptions> = {}) =>
      new Retention({ sql, recordingsDir: dir, audit, bus, defaultDays: 30, quotaBytes: 0, lowDiskPercent: 0, now: () => NOW, disk: () => disk, ...o }),
    exists: (rels: string[]) => rels.map((p) => existsSync(join(dir, p))),
  };
}

describe('retention on a full disk', () => {
  it('deletes the files first; rows the full database could not drop go on the next pass, with tombstones', async () => {
    const r = await rig({ totalBytes: 1e6, freeBytes: 1000 });
    const old = [r.add('gate', NOW - 40 * DAY), r.add('gate', NOW - 39 * DAY)];
    const fresh = r.add('gate', NOW - DAY);
    r.seal(old[0]!, 1);
    r.db.exec(`CREATE TEMP TRIGGER disk_full BEFORE DELETE ON segments BEGIN ${FULL}; END`);
    const ret = r.retention();
    const first = await ret.runOnce();
    expect(first.deleted).toMatchObject([{ cameraId: 'gate', reason: 'age', count: 2 }]); // the files went: reported now
    expect(r.exists([...old, fresh])).toEqual([false, false, true]); // the space is free already
    expect(await r.segments.count()).toBe(3); // the rows could not go yet
    expect((await ret.status(0)).diskFull).toBe(true); // a write failed
    r.db.exec('DROP TRIGGER disk_full');
    expect((await ret.runOnce()).deleted).toEqual([]);
    expect(await r.segments.count()).toBe(1);
    expect((await r.audit.query({ action: 'retention.delete' })).entries).toHaveLength(1);
    const tombs = r.db.prepare('SELECT path, reason, seal_seq FROM segment_tombstones').all();
    expect(tombs).toEqual([{ path: old[0], reason: 'retention:age', seal_seq: 1 }]); // explained, not 'unexplained'
  });

  it('keeps a free-space floor with no quota: oldest unlocked footage first', async () => {
    const disk = { totalBytes: 100_000, freeBytes: 7000 };
    const r = await rig(disk);
    const gate = [0, 1, 2, 3].map((i) => r.add('gate', NOW - 2 * DAY + i * 20_000));
    const lobby = [0, 1].map((i) => r.add('lobby', NOW - 2 * DAY + 10_000 + i * 20_000));
    await r.locks.create({ cameraId: 'gate', startMs: NOW - 2 * DAY, endMs: NOW - 2 * DAY + 5000, reason: 'incident', createdBy: 'inv' });
    expect(floorBytes(disk.totalBytes, { minFreePercent: 10, minFreeGb: 0 })).toBe(10_000);
    const { deleted, status } = await r.retention({ minFreePercent: 10, minFreeGb: 0 }).runOnce();
    // 3000 bytes needed: lobby[0], gate[1], lobby[1] (by start time; gate[0] is locked)
    expect(r.exists(gate)).toEqual([true, false, true, true]);
    expect(r.exists(lobby)).toEqual([false, false]);
    expect(deleted.map((d) => [d.cameraId, d.reason, d.count]).sort()).toEqual([['gate', 'disk', 1], ['lobby', 'disk', 2]]);
    expect(status).toMatchObject({ minFreeBytes: 10_000, belowFloor: true, quotaBlockedByLocks: false });
  });

  it('the default floor is 5 % and at least 2 GB, the 2 GB capped at a fifth of a small disk', async () => {
    const d = { minFreePercent: 5, minFreeGb: 2 };
    expect(floorBytes(1e12, d)).toBe(5e10);
    expect(floorBytes(20 * 1024 ** 3, d)).toBe(2 * 1024 ** 3);
    expect(floorBytes(64 * 1024 ** 2, d)).toBe(Math.round((64 * 1024 ** 2) / 5));
  });

  it('when locks alone exceed the quota, each camera keeps its newest minKeepHours; once per transition', async () => {
    const r = await rig();
    const evidence = r.add('gate', NOW - 10 * DAY, 10_000);
    await r.locks.create({ cameraId: 'gate', startMs: NOW - 10 * DAY, endMs: NOW - 10 * DAY + 10_000, reason: 'case', createdBy: 'inv' });
    const gate = [48, 30, 20, 2].map((h) => r.add('gate', NOW - h * HOUR));
    const lobby = [100, 60, 50].map((h) => r.add('lobby', NOW - h * HOUR)); // offline since 50 h: its newest stays
    const ret = r.retention({ quotaBytes: 5000, minKeepHours: 24 });
    const { status } = await ret.runOnce();
    expect(r.exists([evidence])).toEqual([true]);
    expect(r.exists(gate)).toEqual([false, false, true, true]);
    expect(r.exists(lobby)).toEqual([false, true, true]);
    expect(status).toMatchObject({ quotaBlockedByLocks: true, lockedBytes: 10_000 });
    await ret.runOnce();
    expect(r.exists(gate)).toEqual([false, false, true, true]); // the next pass takes nothing more
    expect((await audited(r.audit, { action: 'storage.quota_locked' }))).toHaveLength(1);
    r.db.prepare('UPDATE evidence_locks SET released_at = ?').run(NOW);
    expect((await ret.runOnce()).status.quotaBlockedByLocks).toBe(false);
    expect((await r.audit.query({ action: 'storage.quota_unlocked' })).entries).toHaveLength(1);
    expect(r.events).toEqual(['storage.quota_blocked:true', 'storage.quota_blocked:false']);
  });

  it('export bundles and snapshots count toward the quota; snapshots follow retentionDays, bundles stay', async () => {
    const r = await rig();
    const exportsDir = join(r.dir, '.exports');
    const snaps = join(r.dir, 'alarms', 'snapshots');
    mkdirSync(exportsDir);
    mkdirSync(snaps, { recursive: true });
    writeFileSync(join(exportsDir, 'exp-1.zip'), Buffer.alloc(3000));
    writeFileSync(join(snaps, 'alarm-1.jpg'), Buffer.alloc(500));
    writeFileSync(join(snaps, 'alarm-2.jpg'), Buffer.alloc(500));
    utimesSync(join(snaps, 'alarm-1.jpg'), (NOW - 31 * DAY) / 1000, (NOW - 31 * DAY) / 1000);
    const segs = [0, 1, 2].map((i) => r.add('gate', NOW - DAY + i * 10_000));
    const { status } = await r.retention({ quotaBytes: 4600, minKeepHours: 0 }).runOnce();
    expect(existsSync(join(snaps, 'alarm-1.jpg'))).toBe(false);
    expect(existsSync(join(exportsDir, 'exp-1.zip'))).toBe(true);
    expect(r.exists(segs)).toEqual([false, false, true]); // 3000 + 500 + 1000 <= 4600
    expect(status).toMatchObject({ exportsBytes: 3000, snapshotsBytes: 500, recordingsBytes: 1000, usedBytes: 4500 });
  });
});

describe('duty log on a full disk', () => {
  const setup = async () => {
    const db = openDb(':memory:');
    const clock = new ManualClock(NOW);
    const duty = new DutyLog(await migratedSqlOver(db), clock);
    const bus = new EventBus();
    const failed: BusEvents['storage.write_failed'][] = [];
    bus.on('storage.write_failed', (e) => failed.push(e));
    return { db, clock, duty, bus, failed };
  };
  const entry = (text: string) => ({ category: 'equipment_fault' as const, kind: 'camera_offline', text, author: { id: null, name: 'system' } });

  it('keeps entries in memory, writes them in order once space is back, then "disk full from T to T"', async () => {
    const { db, duty, bus, failed } = await setup();
    const w = new DutyWriter(duty, bus, { max: 2, now: () => NOW });
    w.append(entry('before'));
    await w.settled();
    db.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON duty_log BEGIN ${FULL}; END`);
    for (const t of ['a', 'b', 'c']) expect(() => w.append(entry(t))).not.toThrow();
    await w.settled();
    expect(w.queued).toBe(2); // bounded: 'a' dropped
    expect(failed.length).toBeGreaterThan(0);
    expect(await duty.list({})).toHaveLength(1); // nothing half-written
    db.exec('DROP TRIGGER disk_full');
    bus.emit('storage.full', { since: NOW - 60_000, freeBytes: 0, totalBytes: 1 });
    await w.flush(); // writes work again, but retention has not said space is back: no summary yet
    expect(await duty.list({})).toHaveLength(3);
    bus.emit('storage.space_back', { fromMs: NOW - 60_000, toMs: NOW + 5000, freeBytes: 1, totalBytes: 1 });
    await w.settled();
    const list = (await duty.list({})).sort((a, b) => a.seq - b.seq);
    expect(list.map((e) => e.text.split(' — ')[0])).toEqual(['before', 'b', 'c', `Disk full from ${siteIso(NOW - 60_000)} to ${siteIso(NOW + 5000)}`]);
    expect(list[3]).toMatchObject({ kind: 'disk_full', data: { writtenLate: 2, lost: 1 } });
    expect(list[1]!.data).toMatchObject({ writtenLate: true, happenedAt: NOW });
    expect(await duty.verify()).toMatchObject({ ok: true, entries: 4, headMatches: true });
  });

  it('PostgreSQL\'s disk_full (53100) and a lost connection are kept and retried; other errors are dropped, in order', async () => {
    const { duty, bus } = await setup();
    const real = duty.store.append.bind(duty.store);
    const fail: (string | null)[] = ['53100', '08006', 'XX000'];
    duty.store.append = (input, also) => {
      const code = fail.shift();
      if (code) return Promise.reject(Object.assign(new Error(`pg ${code}`), { code }));
      return real(input, also);
    };
    const w = new DutyWriter(duty, bus, { now: () => NOW, retryMs: 5 });
    w.append(entry('one'));
    w.append(entry('two'));
    await vi.waitFor(async () => expect((await duty.list({})).length).toBeGreaterThanOrEqual(2), { timeout: 2000 });
    await w.settled();
    const texts = (await duty.list({})).sort((a, b) => a.seq - b.seq).map((e) => e.text.split(' — ')[0]);
    // 53100, then 08006: kept and retried; XX000 (internal error): 'one' dropped; 'two' written; then the summary
    expect(texts[0]).toBe('two');
    expect(texts[1]).toMatch(/^Disk full from/);
  });

  it('a bus listener that throws is logged; the other listeners still run and the emitter never sees it', async () => {
    const bus = new EventBus();
    const got: string[] = [];
    bus.on('storage.full', () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    });
    bus.on('storage.full', () => Promise.reject(new Error('async listener failed')) as never);
    bus.on('storage.full', (e) => got.push(`ok ${e.since}`));
    expect(() => bus.emit('storage.full', { since: 1, freeBytes: 0, totalBytes: 1 })).not.toThrow();
    await new Promise((r) => setTimeout(r, 10)); // the rejection is caught, not unhandled
    expect(got).toEqual(['ok 1']);
  });

  it('a camera going offline while the database is full does not throw out of the bus', async () => {
    const { db, duty, bus } = await setup();
    const stop = watchCameraStates(bus, duty, { debounceMs: 0 });
    db.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON duty_log BEGIN ${FULL}; END`);
    bus.emit('camera.state', { cameraId: 'gate', state: { status: 'offline', since: NOW, reason: 'error' } as never });
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        void duty.list({}).then((l) => {
          expect(l).toHaveLength(0);
          stop();
          resolve();
        });
      }, 20),
    );
  });
});
