/**
 * Retention and start-up reconciliation on real recordings: the real MediaManager records the GStreamer RTSP
 * test camera (320x240, 10 fps, 2 s segments); a tiny disk quota then deletes the oldest unlocked segments and
 * keeps the evidence-locked ones; reconciliation indexes an orphan file (real ffprobe), deletes an unreadable
 * one and turns a vanished file into a gap.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../server/audit/log.ts';
import { EventBus } from '../../server/events/bus.ts';
import { checkFfmpeg } from '../../server/media/ffmpeg-check.ts';
import { MediaManager } from '../../server/media/manager.ts';
import { TimelineService } from '../../server/record/timeline.ts';
import { LockRepo } from '../../server/retention/locks.ts';
import { ffprobeInfo, reconcile } from '../../server/retention/reconcile.ts';
import { Retention } from '../../server/retention/retention.ts';
import { openDb, type Db } from '../../server/store/db.ts';
import { SegmentRepo, type Segment } from '../../server/store/segments.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';

const dir = mkdtempSync(join(tmpdir(), 'wp-retention-it-'));
const rec = join(dir, 'rec');
let rtsp: RtspServer;
let db: Db;
let segments: SegmentRepo;
let recorded: Segment[] = [];
let ffprobePath = '';

beforeAll(async () => {
  const ff = await checkFfmpeg();
  ffprobePath = ff.ffprobePath;
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10 });
  db = openDb(join(dir, 'wp.db'));
  segments = new SegmentRepo(db);
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
    while (segments.count('gate') < 6) {
      if (Date.now() > until) throw new Error(`only ${segments.count('gate')} segments recorded`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await media.stopAll();
  }
  recorded = segments.range('gate', 0, Date.now() + 60_000);
}, 60_000);

afterAll(async () => {
  db?.close();
  await rtsp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('retention on real recordings', () => {
  it('a tiny quota deletes the oldest unlocked segments and keeps the locked ones', () => {
    expect(recorded.length).toBeGreaterThanOrEqual(6);
    const locks = new LockRepo(db);
    const audit = new AuditLog(db);
    // lock the 2nd and 3rd segment (not the oldest: the oldest unlocked one must go first)
    const [s0, s1, s2] = recorded;
    locks.create({ cameraId: 'gate', startMs: s1!.startMs + 10, endMs: s2!.endMs - 10, reason: 'incident', createdBy: 'inv' });
    const newest = recorded[recorded.length - 1]!;
    const quota = newest.bytes + s1!.bytes + s2!.bytes; // room for the locked ones and the newest
    const report = new Retention({ db, recordingsDir: rec, audit, defaultDays: 30, quotaBytes: quota, lowDiskPercent: 0 }).runOnce();

    const left = segments.range('gate', 0, Date.now() + 60_000);
    expect(left.map((s) => s.id)).toEqual([s1!.id, s2!.id, newest.id]);
    expect(report.deleted).toMatchObject([{ cameraId: 'gate', reason: 'quota', count: recorded.length - 3 }]);
    expect(existsSync(join(rec, s0!.path))).toBe(false);
    for (const s of left) expect(existsSync(join(rec, s.path))).toBe(true);
    expect(existsSync(join(rec, 'gate', '.incoming'))).toBe(true); // the staging area is never touched
    expect(report.status.lockedBytes).toBe(s1!.bytes + s2!.bytes);
    expect(audit.query({ action: 'retention.delete' }).entries[0]!.detail).toMatchObject({ reason: 'quota', segments: recorded.length - 3 });
  });

  it('reconciles the index with the disk at start-up', async () => {
    const left = segments.range('gate', 0, Date.now() + 60_000);
    const [a, b] = left;
    // an orphan: a real recording the index does not know (e.g. restored from a backup)
    const orphanRel = join(dirname(a!.path), '00-00-02.mp4');
    copyFileSync(join(rec, a!.path), join(rec, orphanRel));
    // an unreadable file with a recording's name
    const junkRel = join(dirname(a!.path), '00-00-04.mp4');
    writeFileSync(join(rec, junkRel), 'not a video');
    // a recording that vanished from the disk
    unlinkSync(join(rec, b!.path));

    const report = await reconcile({ db, segments, recordingsDir: rec, probe: ffprobeInfo(ffprobePath), startedAt: Date.now() + 1000 });
    expect(report).toMatchObject({ indexed: 1, removed: 1, missing: 1 });
    const orphan = segments.byPath(orphanRel.split('\\').join('/'))!;
    expect(orphan.codec).toBe('h264');
    expect(Math.abs(orphan.endMs - orphan.startMs - (a!.endMs - a!.startMs))).toBeLessThan(400);
    expect(existsSync(join(rec, junkRel))).toBe(false);
    expect(segments.byPath(b!.path)).toBeUndefined();

    const tl = new TimelineService(db, new LockRepo(db)).build('gate', b!.startMs - 100, b!.endMs + 100, Date.now());
    const gap = tl.gaps.find((g) => g.reason === 'missing');
    expect(gap).toBeDefined();
    expect(gap!.start).toBeLessThanOrEqual(b!.startMs);
    expect(gap!.end).toBeGreaterThanOrEqual(b!.endMs);
  });
});
