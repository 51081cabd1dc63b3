/**
 * Retention and start-up reconciliation on real recordings: the real MediaManager records the GStreamer RTSP
 * test camera (320x240, 10 fps, 2 s segments); a tiny disk quota then deletes the oldest unlocked segments and
 * keeps the evidence-locked ones; reconciliation indexes an orphan file (real ffprobe), deletes an unreadable
 * one and turns a vanished file into a gap.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../server/audit/log.ts';
import { migratedSqlOver, sqlOver } from '../support/sql-over.ts';
import { EventBus } from '../../server/events/bus.ts';
import { checkFfmpeg } from '../../server/media/ffmpeg-check.ts';
import { MediaManager } from '../../server/media/manager.ts';
import { TimelineService } from '../../server/record/timeline.ts';
import { LockRepo } from '../../server/retention/locks.ts';
import { ffprobeInfo, reconcile } from '../../server/retention/reconcile.ts';
import { Retention } from '../../server/retention/retention.ts';
import { openDb, type Db } from '../../server/store/db.ts';
import { SegmentRepo, type Segment } from '../../server/store/segments.ts';
import { localClock, localDay } from '../../server/media/recorder-index.ts';
import type { BusEvents } from '../../server/events/bus.ts';
import { needCapability } from '../support/capability.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';

const dir = mkdtempSync(join(tmpdir(), 'wp-retention-it-'));
const rec = join(dir, 'rec');
let rtsp: RtspServer;
let db: Db;
let segments: SegmentRepo;
let recorded: Segment[] = [];
let ffprobePath = '';
/** one real recorded segment, copied to make footage for the disk tests */
let sample = Buffer.alloc(0);

beforeAll(async () => {
  const ff = await checkFfmpeg();
  ffprobePath = ff.ffprobePath;
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10 });
  db = openDb(join(dir, 'wp.db'));
  segments = new SegmentRepo(sqlOver(db));
  const bus = new EventBus();
  const media = new MediaManager({
    ffmpegPath: ff.ffmpegPath,
    ffprobePath: ff.ffprobePath,
    recordingsDir: rec,
    liveDir: join(dir, 'live'),
    segmentSeconds: 2,
    hlsSegmentSeconds: 1,
    hlsListSize: 4,
    stallSegments: 3,
    rtspTimeoutSeconds: 5,
    segments,
    bus,
  });
  try {
    media.apply({ id: 'gate', name: 'Gate', enabled: true, origin: 'db', source: { url: rtsp.url() } });
    const until = Date.now() + 40_000;
    while ((await segments.count('gate')) < 6) {
      if (Date.now() > until) throw new Error(`only ${await segments.count('gate')} segments recorded`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await media.stopAll();
  }
  recorded = await segments.range('gate', 0, Date.now() + 60_000);
  // the biggest finished segment (under load a short one can be nearly empty: the seeds below divide by its size)
  const biggest = recorded.slice(0, -1).reduce((a, b) => (b.bytes > a.bytes ? b : a));
  sample = readFileSync(join(rec, biggest.path));
  if (sample.length < 4096) throw new Error(`the recorded sample is only ${sample.length} bytes`);
}, 60_000);

afterAll(async () => {
  db?.close();
  await rtsp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('retention on real recordings', () => {
  it('a tiny quota deletes the oldest unlocked segments and keeps the locked ones', async () => {
    expect(recorded.length).toBeGreaterThanOrEqual(6);
    const locks = new LockRepo(sqlOver(db));
    const audit = new AuditLog(await migratedSqlOver(db));
    // lock the 2nd and 3rd segment (not the oldest: the oldest unlocked one must go first)
    const [s0, s1, s2, s3] = recorded;
    // within s1 and s2 only: under load neighbouring segments' index times overlap by a few ms, and a lock that
    // reached into s0 or s3 would keep them too
    const lockStart = Math.max(s1!.startMs, s0!.endMs) + 1;
    const lockEnd = Math.min(s2!.endMs, s3!.startMs) - 1;
    await locks.create({ cameraId: 'gate', startMs: lockStart, endMs: lockEnd, reason: 'incident', createdBy: 'inv' });
    const newest = recorded[recorded.length - 1]!;
    const quota = newest.bytes + s1!.bytes + s2!.bytes; // room for the locked ones and the newest
    const report = await new Retention({ sql: sqlOver(db), recordingsDir: rec, audit, defaultDays: 30, quotaBytes: quota, lowDiskPercent: 0 }).runOnce();

    const left = await segments.range('gate', 0, Date.now() + 60_000);
    expect(left.map((s) => s.id)).toEqual([s1!.id, s2!.id, newest.id]);
    expect(report.deleted).toMatchObject([{ cameraId: 'gate', reason: 'quota', count: recorded.length - 3 }]);
    expect(existsSync(join(rec, s0!.path))).toBe(false);
    for (const s of left) expect(existsSync(join(rec, s.path))).toBe(true);
    expect(existsSync(join(rec, 'gate', '.incoming'))).toBe(true); // the staging area is never touched
    expect(report.status.lockedBytes).toBe(s1!.bytes + s2!.bytes);
    await audit.settled();
    expect((await audit.query({ action: 'retention.delete' })).entries[0]!.detail).toMatchObject({ reason: 'quota', segments: recorded.length - 3 });
  });

  it('reconciles the index with the disk at start-up', async () => {
    const left = await segments.range('gate', 0, Date.now() + 60_000);
    const [a, b, c] = left;
    // an orphan: a real recording the index does not know (e.g. restored from a backup)
    const orphanRel = join(dirname(a!.path), '00-00-02.mp4');
    copyFileSync(join(rec, a!.path), join(rec, orphanRel));
    // an unreadable file with a recording's name
    const junkRel = join(dirname(a!.path), '00-00-04.mp4');
    writeFileSync(join(rec, junkRel), 'not a video');
    // a recording that vanished from the disk
    unlinkSync(join(rec, b!.path));

    db.prepare(`UPDATE segments SET sha256 = ?, seal_seq = 1, seal_hash = ? WHERE id = ?`).run('a'.repeat(64), 'b'.repeat(64), b!.id);
    const report = await reconcile({ sql: sqlOver(db), segments, recordingsDir: rec, probe: ffprobeInfo(ffprobePath), startedAt: Date.now() + 1000 });
    expect(report).toMatchObject({ indexed: 1, removed: 1, missing: 1 });
    expect(db.prepare('SELECT reason FROM segment_tombstones WHERE segment_id = ?').get(b!.id)).toEqual({ reason: 'reconcile:missing' });
    const orphan = (await segments.byPath(orphanRel.split('\\').join('/')))!;
    expect(orphan.codec).toBe('h264');
    expect(Math.abs(orphan.endMs - orphan.startMs - (a!.endMs - a!.startMs))).toBeLessThan(400);
    expect(existsSync(join(rec, junkRel))).toBe(false);
    expect(await segments.byPath(b!.path)).toBeUndefined();

    const tl = await new TimelineService(sqlOver(db), segments, new LockRepo(sqlOver(db))).build('gate', b!.startMs - 100, b!.endMs + 100, Date.now());
    const gap = tl.gaps.find((g) => g.reason === 'missing');
    expect(gap).toBeDefined();
    // the gap is where b was: from where its neighbours end and begin (their times may overlap b's by a few ms)
    expect(gap!.start).toBeLessThanOrEqual(Math.max(b!.startMs, a!.endMs));
    expect(gap!.end).toBeGreaterThanOrEqual(c ? Math.min(b!.endMs, c.startMs) : b!.endMs);
    expect(gap!.end - gap!.start).toBeGreaterThan(b!.endMs - b!.startMs - 200);
  });
});

/** Copies of the real sample as `n` indexed segments of `cam`, every `stepMs` from `startMs`. */
async function seed(d: Db, dirPath: string, cam: string, n: number, startMs: number, stepMs: number): Promise<Segment[]> {
  const repo = new SegmentRepo(sqlOver(d));
  for (let i = 0; i < n; i++) {
    const t = startMs + i * stepMs;
    const rel = `${cam}/${localDay(t)}/${localClock(t)}.mp4`;
    mkdirSync(join(dirPath, cam, localDay(t)), { recursive: true });
    writeFileSync(join(dirPath, rel), sample);
    await repo.insert({ cameraId: cam, path: rel, startMs: t, endMs: t + 2000, bytes: sample.length, codec: 'h264' });
  }
  return await repo.range(cam, 0, Date.now() + DAY);
}
const DAY = 86_400_000;

describe('retention on a real full disk (tmpfs)', () => {
  const mnt = join(dir, 'full');
  let mounted = false;
  let mountError = '';
  beforeAll(() => {
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt], { stdio: 'pipe' });
      mounted = true;
    } catch (e) {
      mountError = String((e as { stderr?: Buffer }).stderr ?? e);
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mnt]);
  });

  it('frees space on a completely full disk (database on it too): files first, oldest unlocked first, tombstones', async () => {
    needCapability('retention-quota: mount a tmpfs', mounted, mountError);
    const d = openDb(join(mnt, 'wp.db'));
    const n = Math.min(400, Math.ceil((3.5 * 1024 * 1024) / sample.length));
    const t0 = Date.now() - 3600_000;
    const segs = await seed(d, mnt, 'gate', n, t0, 2000);
    for (const [i, sg] of segs.slice(0, 3).entries()) {
      d.prepare('UPDATE segments SET sha256 = ?, seal_seq = ?, seal_hash = ? WHERE id = ?').run('a'.repeat(64), i + 1, 'b'.repeat(64), sg.id);
    }
    await new LockRepo(sqlOver(d)).create({ cameraId: 'gate', startMs: segs[1]!.startMs + 10, endMs: segs[1]!.endMs - 10, reason: 'incident', createdBy: 'inv' });
    // fill the disk to the last byte
    const fd = openSync(join(mnt, 'filler'), 'a');
    for (const size of [1 << 20, 4096, 512]) {
      const buf = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, buf);
        } catch {
          break;
        }
      }
    }
    closeSync(fd);
    expect(statfsSync(mnt).bavail).toBe(0);
    expect(() => d.prepare('INSERT INTO recording_gaps (camera_id, start_ms, end_ms, reason, path, detected_at) VALUES (?, 0, 1, ?, ?, 0)').run('gate', 'x', 'y'.repeat(6_000_000))).toThrow(/full/);

    let report;
    try {
      report = await new Retention({ sql: sqlOver(d), recordingsDir: mnt, defaultDays: 30, quotaBytes: 0, lowDiskPercent: 0, minFreePercent: 25, minFreeGb: 0 }).runOnce();
    } finally {
      if (statfsSync(mnt).bavail === 0) unlinkSync(join(mnt, 'filler')); // the next test needs the space
    }
    const s = statfsSync(mnt);
    expect(s.bavail * s.bsize).toBeGreaterThanOrEqual(0.25 * s.blocks * s.bsize);
    const left = await new SegmentRepo(sqlOver(d)).range('gate', 0, Date.now() + DAY);
    const leftIds = new Set(left.map((x) => x.id));
    const gone = segs.filter((x) => !leftIds.has(x.id));
    expect(report.deleted).toMatchObject([{ cameraId: 'gate', reason: 'disk', count: gone.length }]);
    expect(gone.length).toBeGreaterThan(3);
    expect(leftIds.has(segs[1]!.id)).toBe(true); // locked
    // oldest first: every deleted one is older than every kept unlocked one
    const keptUnlocked = left.filter((x) => x.id !== segs[1]!.id);
    expect(Math.max(...gone.map((x) => x.startMs))).toBeLessThan(Math.min(...keptUnlocked.map((x) => x.startMs)));
    for (const x of gone) expect(existsSync(join(mnt, x.path))).toBe(false);
    for (const x of left) expect(existsSync(join(mnt, x.path))).toBe(true);
    expect(existsSync(join(mnt, 'filler'))).toBe(true); // never touched: not in the index
    expect(statfsSync(mnt).bavail).toBeGreaterThan(0);
    expect(d.prepare('SELECT segment_id, reason FROM segment_tombstones ORDER BY segment_id').all()).toEqual([
      { segment_id: segs[0]!.id, reason: 'retention:disk' },
      { segment_id: segs[2]!.id, reason: 'retention:disk' },
    ]);
    d.close();
    unlinkSync(join(mnt, 'filler'));
  });

  it('with locks over the quota, the newest minKeepHours of each camera stay; raised once', async () => {
    needCapability('retention-quota: mount a tmpfs', mounted, mountError);
    const base = join(mnt, 'quota');
    mkdirSync(base);
    const d = openDb(':memory:');
    const audit = new AuditLog(await migratedSqlOver(d));
    const bus = new EventBus();
    const events: BusEvents['storage.quota_blocked'][] = [];
    bus.on('storage.quota_blocked', (e) => events.push(e));
    const newest = Date.now() - 60_000;
    const segs = await seed(d, base, 'gate', 48, newest - 47 * 3600_000, 3600_000); // one segment an hour for 48 h
    await new LockRepo(sqlOver(d)).create({ cameraId: 'gate', startMs: segs[0]!.startMs, endMs: segs[9]!.endMs, reason: 'case 7', createdBy: 'inv' });
    const ret = new Retention({ sql: sqlOver(d), recordingsDir: base, audit, bus, defaultDays: 30, quotaBytes: 5 * sample.length, lowDiskPercent: 0, minFreeGb: 0, minKeepHours: 24 });
    const { status } = await ret.runOnce();
    await ret.runOnce();
    const left = new Set((await new SegmentRepo(sqlOver(d)).range('gate', 0, Date.now() + DAY)).map((x) => x.id));
    const cut = segs[47]!.endMs - 24 * 3600_000;
    for (const [i, x] of segs.entries()) {
      const expected = i < 10 || x.endMs > cut; // locked, or within the newest 24 h
      expect(left.has(x.id), `segment ${i}`).toBe(expected);
      expect(existsSync(join(base, x.path))).toBe(expected);
    }
    expect(left.size).toBeGreaterThanOrEqual(10 + 24);
    expect(status).toMatchObject({ quotaBlockedByLocks: true, lockedBytes: 10 * sample.length });
    await audit.settled();
    expect((await audit.query({ action: 'storage.quota_locked' })).entries).toHaveLength(1);
    expect(events).toMatchObject([{ blocked: true, limit: 'quota' }]);
  });
});
