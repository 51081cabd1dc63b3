/**
 * Retention: keeps recordings within their age limit, the disk quota and the free-space floor, and raises the
 * storage alarms (low disk, disk full, quota blocked by evidence locks).
 *
 * Each pass (every minute, every 10 s while the disk is full or under the floor, and right after a write failed
 * for lack of space):
 *  1. age — per camera, segments that ended more than `retentionDays` ago are deleted; alarm and patrol
 *     snapshots older than storage.retentionDays too;
 *  2. quota — while recordings + export bundles + snapshots exceed storage.diskQuotaGb, the oldest segments go;
 *  3. floor — while free space is under the floor (storage.minFreePercent / minFreeGb, even with no quota),
 *     the oldest segments go;
 *  4. alarms — `storage.low` / `storage.ok`, `storage.full` / `storage.space_back`, `storage.quota_blocked`.
 * When the quota or the floor cannot be met even by deleting every unlocked segment (locked evidence alone is
 * over it), the newest `minKeepHours` of each camera are kept and "quota blocked by evidence locks" is raised.
 * A segment overlapping an active evidence lock is never deleted. Files go first, then their rows in one
 * transaction (with a tombstone naming the reason), so this works on a completely full disk; rows whose
 * transaction failed are retried at the start of the next pass. Only indexed files are deleted — never `.incoming/`.
 * Export bundles are never deleted here (only by DELETE /api/exports/:id).
 */
import { join, resolve } from 'node:path';
import type { AuditInput, AuditLog } from '../audit/log.ts';
import type { BusEvents, EventBus } from '../events/bus.ts';
import type { SqlDb } from '../store/sql/db.ts';
import { SegmentRepo } from '../store/segments.ts';
import { createLogger } from '../util/log.ts';
import { SegmentDeleter, type Reason, type SegRow } from './deleter.ts';
import { deleteOldFiles, floorBytes, fullBytes, listFiles, statDisk, sumBytes, type DiskSpace } from './space.ts';
import { addDeleted, type PassReport } from './pass-report.ts';
import { LateAudit } from './late-audit.ts';

export { statDisk, type DiskSpace } from './space.ts';
export type { PassReport } from './pass-report.ts';
import { StorageAlarms } from './storage-alarms.ts';
import type { StorageStatus } from '../../shared/wire/recordings.ts';

const log = createLogger('retention');
const DAY_MS = 86_400_000;
const BATCH = 500;

export interface RetentionOptions {
  /** the SQL layer (segment index and evidence locks) */
  sql: SqlDb;
  recordingsDir: string;
  bus?: EventBus;
  audit?: AuditLog;
  defaultDays: number;
  /** per-camera override (camera config `retentionDays`) */
  cameraDays?: (cameraId: string) => number | undefined;
  /** 0 = no quota */
  quotaBytes: number;
  lowDiskPercent: number;
  /** free-space floor (storage.minFreePercent, default 5; storage.minFreeGb, default 2) */
  minFreePercent?: number;
  minFreeGb?: number;
  /** newest footage of each camera kept when locks block the quota or the floor (storage.minKeepHours, default 24) */
  minKeepHours?: number;
  /** export bundles (count toward the quota, never deleted here); default <recordingsDir>/.exports */
  exportsDir?: string;
  /** alarm and patrol snapshots (count toward the quota, deleted after retentionDays); default under recordingsDir */
  snapshotDirs?: string[];
  intervalMs?: number;
  /** pass interval while the disk is full or under the floor (default 10 s) */
  urgentIntervalMs?: number;
  now?: () => number;
  disk?: (dir: string) => DiskSpace;
}

/** GET /api/storage on the wire: shared/wire/recordings.ts (the console imports the same module). */
export type { StorageStatus } from '../../shared/wire/recordings.ts';

export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private lastPassAt: number | null = null;
  private cached: { at: number; status: StorageStatus } | undefined;
  private readonly deleter: SegmentDeleter;
  private dirBytes: { at: number; exports: number; snapshots: number } | undefined;
  /** audit entries the full database could not take yet */
  private readonly lateAudit: LateAudit | undefined;
  private readonly alarms: StorageAlarms;
  private readonly now: () => number;
  private readonly root: string;
  private readonly exportsDir: string;
  private readonly snapshotDirs: string[];
  private readonly offBus: () => void;
  private readonly segments: SegmentRepo;
  /** the pass running now (passes never overlap) */
  private running: Promise<PassReport> | undefined;

  constructor(private readonly o: RetentionOptions) {
    this.now = o.now ?? Date.now;
    this.root = resolve(o.recordingsDir);
    this.exportsDir = o.exportsDir ?? join(this.root, '.exports');
    this.snapshotDirs = o.snapshotDirs ?? [join(this.root, 'alarms', 'snapshots'), join(this.root, 'patrol', 'snapshots')];
    this.lateAudit = o.audit ? new LateAudit(o.audit, this.now) : undefined;
    this.alarms = new StorageAlarms({ bus: o.bus, audit: (i) => this.audit(i), now: this.now, dir: o.recordingsDir });
    this.segments = new SegmentRepo(o.sql);
    this.deleter = new SegmentDeleter({ sql: o.sql, root: this.root, now: this.now, onFailed: (at) => this.alarms.writeFailed(at) });
    // a write that failed for lack of space: note it and free space now rather than within a minute
    this.offBus = o.bus?.on('storage.write_failed', (e) => this.writeFailed(e)) ?? (() => {});
  }

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.o.intervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.soon);
    this.timer = this.soon = undefined;
    this.offBus();
  }

  /** A write failed for lack of space (reported on the bus by the writers). */
  writeFailed(e: BusEvents['storage.write_failed']): void {
    this.alarms.setDisk(this.disk());
    this.alarms.writeFailed(e.atMs);
    this.cached = undefined;
    this.schedule(1000);
  }

  /** A timer's pass: never throws (a failed pass is logged and retried soon). */
  private tick(): void {
    if (this.running) return;
    this.runOnce().then(
      ({ status }) => {
        if (status.diskFull || status.belowFloor) this.schedule(this.o.urgentIntervalMs ?? 10_000);
      },
      (err: unknown) => {
        log.error('retention pass failed', { err });
        this.schedule(this.o.urgentIntervalMs ?? 10_000);
      },
    );
  }

  private schedule(ms: number): void {
    if (this.soon || !this.timer) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.tick();
    }, ms);
    this.soon.unref();
  }

  /** One pass; a pass already running is awaited instead of starting a second one. */
  runOnce(): Promise<PassReport> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<PassReport> {
    const deleted: PassReport['deleted'] = [];
    const now = this.now();
    this.audit(); // retry what the full database refused
    if (!(await this.deleter.flush())) return { deleted, status: await this.finish(now, deleted) };
    for (const camera of await this.segments.cameras()) {
      const days = this.o.cameraDays?.(camera) ?? this.o.defaultDays;
      if (!(await this.drain(deleted, 'age', () => this.segments.agedUnlocked(camera, now - days * DAY_MS, BATCH), () => false))) {
        return { deleted, status: await this.finish(now, deleted) };
      }
    }
    for (const d of this.snapshotDirs) {
      const gone = deleteOldFiles(d, now - this.o.defaultDays * DAY_MS);
      if (gone.count) log.info('deleted old snapshots', { dir: d, ...gone });
    }
    const blocked = { quota: false, floor: false };
    if (this.o.quotaBytes > 0) {
      let over = (await this.usage(true)).usedBytes - this.o.quotaBytes;
      if (over > 0) blocked.quota = await this.makeRoom(deleted, 'quota', over, (freed) => (over -= freed) <= 0);
      if (this.deleter.stuck) return { deleted, status: await this.finish(now, deleted) };
    }
    const disk = this.disk();
    let need = floorBytes(disk.totalBytes, this.floor()) - disk.freeBytes;
    if (disk.totalBytes > 0 && need > 0) blocked.floor = await this.makeRoom(deleted, 'disk', need, (freed) => (need -= freed) <= 0);
    this.alarms.blocked(blocked, await this.lockedBytes(), this.o.quotaBytes, floorBytes(disk.totalBytes, this.floor()));
    return { deleted, status: await this.finish(now, deleted) };
  }

  private async finish(now: number, deleted: PassReport['deleted']): Promise<StorageStatus> {
    this.lastPassAt = now;
    this.dirBytes = undefined;
    const status = await this.status(0);
    this.alarms.update(status);
    for (const d of deleted) {
      log.info('deleted old recordings', { camera: d.cameraId, reason: d.reason, count: d.count, bytes: d.bytes });
      this.audit({
        action: 'retention.delete',
        actor: { username: 'system' },
        cameraId: d.cameraId,
        atMs: d.fromMs,
        detail: { reason: d.reason, segments: d.count, bytes: d.bytes, from: new Date(d.fromMs).toISOString(), to: new Date(d.toMs).toISOString() },
      });
      this.o.bus?.emit('retention.deleted', { cameraId: d.cameraId, reason: d.reason, count: d.count, bytes: d.bytes });
    }
    return status;
  }

  /**
   * Delete the oldest unlocked segments until `done(freedBytes)` says enough. If even every unlocked segment
   * would not free `need` bytes, the limit cannot be met: keep each camera's newest minKeepHours. Returns true
   * when that is because of evidence locks (deleting the locked footage too would have been enough).
   */
  private async makeRoom(deleted: PassReport['deleted'], reason: Reason, need: number, done: (freed: number) => boolean): Promise<boolean> {
    const unlocked = await this.segments.lockedBytes(false);
    const blocked = unlocked < need;
    const byLocks = blocked && unlocked + (await this.lockedBytes()) >= need;
    const keepMs = blocked ? (this.o.minKeepHours ?? 24) * 3600_000 : 0;
    await this.drain(deleted, reason, () => this.segments.oldestUnlocked(keepMs, BATCH), done);
    return byLocks;
  }

  /** Delete batches from `pick` until it is empty or `done`; false when the index could not be updated. */
  private async drain(deleted: PassReport['deleted'], reason: Reason, pick: () => Promise<SegRow[]>, done: (freed: number) => boolean): Promise<boolean> {
    const skip = new Set<number>();
    for (;;) {
      const rows = (await pick()).filter((r) => !skip.has(r.id));
      if (!rows.length) return true;
      const take: SegRow[] = [];
      let enough = false;
      for (const r of rows) {
        take.push(r);
        if ((enough = done(r.bytes))) break;
      }
      const gone = await this.deleter.remove(take, reason, skip);
      addDeleted(deleted, reason, gone);
      if (this.deleter.stuck) return false; // the rows could not be deleted: stop, retry next pass
      if (enough || rows.length < BATCH) return true;
    }
  }

  /** Audit, or keep the entry for the next pass when the database is full (late-audit.ts). */
  private audit(i?: AuditInput): void {
    this.lateAudit?.record(i);
  }

  private floor() {
    return { minFreePercent: this.o.minFreePercent ?? 5, minFreeGb: this.o.minFreeGb ?? 2 };
  }

  private disk(): DiskSpace {
    try {
      return (this.o.disk ?? statDisk)(this.o.recordingsDir);
    } catch (err) {
      log.warn('cannot read free disk space', { dir: this.o.recordingsDir, err });
      return { totalBytes: 0, freeBytes: 0 };
    }
  }

  private lockedBytes(): Promise<number> {
    return this.segments.lockedBytes(true);
  }

  /** Index totals, and the bundle and snapshot folders (listed at most every 30 s unless `fresh`: the console polls). */
  private async usage(fresh = false) {
    const all = await this.segments.totals();
    const now = this.now();
    if (fresh || !this.dirBytes || now - this.dirBytes.at > 30_000) {
      const snapshots = this.snapshotDirs.reduce((n, d) => n + sumBytes(listFiles(d)), 0);
      this.dirBytes = { at: now, exports: sumBytes(listFiles(this.exportsDir)), snapshots };
    }
    const { exports: exportsBytes, snapshots: snapshotsBytes } = this.dirBytes;
    return { segments: all.n, recordingsBytes: all.b, exportsBytes, snapshotsBytes, usedBytes: all.b + exportsBytes + snapshotsBytes };
  }

  /** Storage state; cached for `maxAgeMs` (the console polls it). */
  async status(maxAgeMs = 5000): Promise<StorageStatus> {
    const now = this.now();
    if (this.cached && now - this.cached.at < maxAgeMs) return this.cached.status;
    const status = await this.computeStatus();
    this.cached = { at: now, status };
    return status;
  }

  private async computeStatus(): Promise<StorageStatus> {
    const u = await this.usage();
    const disk = this.disk();
    const freePercent = disk.totalBytes > 0 ? (disk.freeBytes / disk.totalBytes) * 100 : 100;
    const minFreeBytes = floorBytes(disk.totalBytes, this.floor());
    const full = this.alarms.full(disk.totalBytes > 0 && disk.freeBytes < fullBytes(disk.totalBytes), disk.freeBytes >= minFreeBytes, disk);
    return {
      ...u,
      lockedBytes: await this.lockedBytes(),
      quotaBytes: this.o.quotaBytes,
      totalBytes: disk.totalBytes,
      freeBytes: disk.freeBytes,
      freePercent: Math.round(freePercent * 10) / 10,
      lowDiskPercent: this.o.lowDiskPercent,
      low: disk.totalBytes > 0 && freePercent < this.o.lowDiskPercent,
      minFreeBytes,
      belowFloor: disk.totalBytes > 0 && disk.freeBytes < minFreeBytes,
      diskFull: full.full,
      diskFullSince: full.since,
      minKeepHours: this.o.minKeepHours ?? 24,
      quotaBlockedByLocks: this.alarms.isBlocked,
      lastPassAt: this.lastPassAt,
    };
  }
}
