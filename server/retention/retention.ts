/**
 * Retention: keeps recordings within their age limit and the disk quota, and raises the low-disk alarm.
 *
 * Each pass (every minute, and on demand):
 *  1. age — per camera, segments that ended more than `retentionDays` (the camera's, else storage.retentionDays)
 *     ago are deleted;
 *  2. quota — while the indexed recordings exceed storage.diskQuotaGb, the oldest segments of any camera go;
 *  3. disk — free space under storage.lowDiskPercent raises `storage.low` (log, bus, audit, console), and
 *     `storage.ok` when it is back.
 * A segment overlapping an active evidence lock is never deleted (the check is inside the DELETE statement, so
 * a lock taken while a pass runs wins). Only files that are in the index are deleted — never `.incoming/`.
 * Every pass that deleted something writes one `retention.delete` audit entry per camera and reason.
 */
import { rmdirSync, statfsSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { AuditLog } from '../audit/log.ts';
import type { EventBus } from '../events/bus.ts';
import type { Db } from '../store/db.ts';
import { createLogger } from '../util/log.ts';
import { segmentLockedSql } from './locks.ts';

const log = createLogger('retention');
const DAY_MS = 86_400_000;
const BATCH = 500;

export interface DiskSpace {
  totalBytes: number;
  freeBytes: number;
}

export interface RetentionOptions {
  db: Db;
  recordingsDir: string;
  bus?: EventBus;
  audit?: AuditLog;
  defaultDays: number;
  /** per-camera override (camera config `retentionDays`) */
  cameraDays?: (cameraId: string) => number | undefined;
  /** 0 = no quota */
  quotaBytes: number;
  lowDiskPercent: number;
  intervalMs?: number;
  now?: () => number;
  disk?: (dir: string) => DiskSpace;
}

export interface StorageStatus {
  recordingsBytes: number;
  segments: number;
  lockedBytes: number;
  quotaBytes: number;
  totalBytes: number;
  freeBytes: number;
  freePercent: number;
  lowDiskPercent: number;
  low: boolean;
  /** locked evidence alone is over the quota: nothing more can be deleted */
  quotaBlockedByLocks: boolean;
  lastPassAt: number | null;
}

export interface PassReport {
  deleted: { cameraId: string; reason: 'age' | 'quota'; count: number; bytes: number; fromMs: number; toMs: number }[];
  status: StorageStatus;
}

interface SegRow {
  id: number;
  camera_id: string;
  path: string;
  start_ms: number;
  end_ms: number;
  bytes: number;
}

export function statDisk(dir: string): DiskSpace {
  const s = statfsSync(dir);
  return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private low = false;
  private blocked = false;
  private lastPassAt: number | null = null;
  private cached: { at: number; status: StorageStatus } | undefined;
  private readonly now: () => number;
  private readonly root: string;

  constructor(private readonly o: RetentionOptions) {
    this.now = o.now ?? Date.now;
    this.root = resolve(o.recordingsDir);
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      try {
        this.runOnce();
      } catch (err) {
        log.error('retention pass failed', { err });
      }
    };
    tick();
    this.timer = setInterval(tick, this.o.intervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  runOnce(): PassReport {
    const deleted: PassReport['deleted'] = [];
    const now = this.now();
    const cams = this.o.db.prepare('SELECT DISTINCT camera_id FROM segments').all() as { camera_id: string }[];
    for (const { camera_id } of cams) {
      const days = this.o.cameraDays?.(camera_id) ?? this.o.defaultDays;
      const cutoff = now - days * DAY_MS;
      const pick = this.o.db.prepare(
        `SELECT s.* FROM segments s WHERE s.camera_id = ? AND s.end_ms <= ? AND NOT ${segmentLockedSql('s')}
         ORDER BY s.start_ms LIMIT ${BATCH}`,
      );
      for (;;) {
        const rows = pick.all(camera_id, cutoff) as SegRow[];
        if (!rows.length) break;
        this.collect(deleted, 'age', this.deleteRows(rows));
        if (rows.length < BATCH) break;
      }
    }
    if (this.o.quotaBytes > 0) this.enforceQuota(deleted);
    this.lastPassAt = now;
    const status = this.status(0);
    this.alarm(status);
    for (const d of deleted) {
      log.info('deleted old recordings', { camera: d.cameraId, reason: d.reason, count: d.count, bytes: d.bytes });
      this.o.audit?.record({
        action: 'retention.delete',
        actor: { username: 'system' },
        cameraId: d.cameraId,
        atMs: d.fromMs,
        detail: {
          reason: d.reason,
          segments: d.count,
          bytes: d.bytes,
          from: new Date(d.fromMs).toISOString(),
          to: new Date(d.toMs).toISOString(),
        },
      });
      this.o.bus?.emit('retention.deleted', { cameraId: d.cameraId, reason: d.reason, count: d.count, bytes: d.bytes });
    }
    return { deleted, status };
  }

  private enforceQuota(deleted: PassReport['deleted']): void {
    const total = () => (this.o.db.prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM segments').get() as { n: number }).n;
    let used = total();
    const pick = this.o.db.prepare(
      `SELECT s.* FROM segments s WHERE NOT ${segmentLockedSql('s')} ORDER BY s.start_ms LIMIT ${BATCH}`,
    );
    let blocked = false;
    while (used > this.o.quotaBytes) {
      const rows = pick.all() as SegRow[];
      if (!rows.length) {
        blocked = true;
        break;
      }
      // only as many as needed, oldest first
      const take: SegRow[] = [];
      let over = used - this.o.quotaBytes;
      for (const r of rows) {
        if (over <= 0) break;
        take.push(r);
        over -= r.bytes;
      }
      const gone = this.deleteRows(take);
      this.collect(deleted, 'quota', gone);
      if (!gone.length) {
        blocked = true;
        break;
      }
      used = total();
    }
    if (blocked !== this.blocked) {
      this.blocked = blocked;
      if (blocked) {
        log.warn('recordings exceed the disk quota but everything left is evidence-locked', { quotaBytes: this.o.quotaBytes, usedBytes: used });
        this.o.audit?.record({ action: 'storage.quota_locked', actor: { username: 'system' }, detail: { quotaBytes: this.o.quotaBytes, usedBytes: used } });
      }
    }
  }

  /** Delete index rows that are still unlocked, then their files. Returns the rows actually deleted. */
  private deleteRows(rows: SegRow[]): SegRow[] {
    const del = this.o.db.prepare(`DELETE FROM segments WHERE id = ? AND NOT ${segmentLockedSql('segments')}`);
    const gone = this.o.db.transaction((rs: SegRow[]) => rs.filter((r) => del.run(r.id).changes > 0))(rows);
    const dirs = new Set<string>();
    for (const r of gone) {
      const file = this.safePath(r.path);
      if (!file) {
        log.warn('index row with an unsafe path; file left alone', { path: r.path });
        continue;
      }
      try {
        unlinkSync(file);
        dirs.add(dirname(file));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('could not delete recording', { file, err });
      }
    }
    for (const d of dirs) {
      try {
        rmdirSync(d); // the day folder, once empty
      } catch {
        /* not empty */
      }
    }
    return gone;
  }

  private safePath(rel: string): string | undefined {
    if (rel.split(/[\\/]/).some((p) => p === '..' || p === '.incoming' || p === '')) return undefined;
    const abs = resolve(join(this.root, rel));
    return abs.startsWith(this.root + sep) ? abs : undefined;
  }

  private collect(out: PassReport['deleted'], reason: 'age' | 'quota', rows: SegRow[]): void {
    for (const r of rows) {
      let d = out.find((x) => x.cameraId === r.camera_id && x.reason === reason);
      if (!d) out.push((d = { cameraId: r.camera_id, reason, count: 0, bytes: 0, fromMs: r.start_ms, toMs: r.end_ms }));
      d.count++;
      d.bytes += r.bytes;
      d.fromMs = Math.min(d.fromMs, r.start_ms);
      d.toMs = Math.max(d.toMs, r.end_ms);
    }
  }

  /** Storage state; cached for `maxAgeMs` (the console polls it). */
  status(maxAgeMs = 5000): StorageStatus {
    const now = this.now();
    if (this.cached && now - this.cached.at < maxAgeMs) return this.cached.status;
    const status = this.computeStatus();
    this.cached = { at: now, status };
    return status;
  }

  private computeStatus(): StorageStatus {
    const db = this.o.db;
    const all = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM segments').get() as { n: number; b: number };
    const locked = db.prepare(`SELECT COALESCE(SUM(s.bytes), 0) AS b FROM segments s WHERE ${segmentLockedSql('s')}`).get() as { b: number };
    let disk: DiskSpace = { totalBytes: 0, freeBytes: 0 };
    try {
      disk = (this.o.disk ?? statDisk)(this.o.recordingsDir);
    } catch (err) {
      log.warn('cannot read free disk space', { dir: this.o.recordingsDir, err });
    }
    const freePercent = disk.totalBytes > 0 ? (disk.freeBytes / disk.totalBytes) * 100 : 100;
    return {
      recordingsBytes: all.b,
      segments: all.n,
      lockedBytes: locked.b,
      quotaBytes: this.o.quotaBytes,
      totalBytes: disk.totalBytes,
      freeBytes: disk.freeBytes,
      freePercent: Math.round(freePercent * 10) / 10,
      lowDiskPercent: this.o.lowDiskPercent,
      low: disk.totalBytes > 0 && freePercent < this.o.lowDiskPercent,
      quotaBlockedByLocks: this.blocked,
      lastPassAt: this.lastPassAt,
    };
  }

  private alarm(s: StorageStatus): void {
    if (s.low === this.low) return;
    this.low = s.low;
    const detail = { freeBytes: s.freeBytes, totalBytes: s.totalBytes, freePercent: s.freePercent, thresholdPercent: s.lowDiskPercent };
    if (s.low) log.warn('low disk space for recordings', { dir: this.o.recordingsDir, ...detail });
    else log.info('disk space back above the threshold', detail);
    this.o.bus?.emit(s.low ? 'storage.low' : 'storage.ok', detail);
    this.o.audit?.record({ action: s.low ? 'storage.low' : 'storage.ok', actor: { username: 'system' }, detail });
  }
}
