/**
 * The storage alarms' state and their transitions, each logged, put on the bus and audited once:
 *  - low disk (`storage.low` / `storage.ok`, under storage.lowDiskPercent);
 *  - disk full (`storage.full` / `storage.space_back`): a write failed for lack of space, or almost nothing is
 *    free; it is over when space is back (above the floor, or clear of the full mark with no failure for 30 s);
 *  - quota blocked by evidence locks (`storage.quota_blocked`, audited `storage.quota_locked` / `storage.quota_unlocked`).
 */
import type { AuditInput } from '../audit/log.ts';
import type { EventBus } from '../events/bus.ts';
import { createLogger } from '../util/log.ts';

const log = createLogger('retention');
const QUIET_MS = 30_000;

export interface StorageView {
  freeBytes: number;
  totalBytes: number;
  freePercent: number;
  lowDiskPercent: number;
  low: boolean;
}

export class StorageAlarms {
  private low = false;
  private blockedBy: 'quota' | 'floor' | null = null;
  private fullSince: number | null = null;
  private lastFailure: number | null = null;
  private lastDisk = { freeBytes: 0, totalBytes: 0 };

  constructor(
    private readonly o: { bus?: EventBus; audit: (i: AuditInput) => void; now: () => number; dir: string },
  ) {}

  get isBlocked(): boolean {
    return this.blockedBy !== null;
  }

  /** The disk figures the alarms report. */
  setDisk(disk: { freeBytes: number; totalBytes: number }): void {
    this.lastDisk = disk;
  }

  /** A write failed for lack of space at `atMs`. */
  writeFailed(atMs: number): void {
    this.lastFailure = Math.max(this.lastFailure ?? 0, atMs);
    if (this.fullSince === null) this.startFull(atMs);
  }

  /** Disk-full state from the disk as seen now; emits the transitions. */
  full(nearlyEmpty: boolean, aboveFloor: boolean, disk = this.lastDisk): { full: boolean; since: number | null } {
    this.lastDisk = disk;
    const now = this.o.now();
    if (nearlyEmpty && this.fullSince === null) this.startFull(now);
    else if (!nearlyEmpty && this.fullSince !== null && (aboveFloor || now - (this.lastFailure ?? this.fullSince) > QUIET_MS)) {
      const detail = { fromMs: this.fullSince, toMs: now, ...disk };
      this.fullSince = null;
      log.info('disk space is back: writes resume', { from: new Date(detail.fromMs).toISOString(), ...disk });
      this.o.bus?.emit('storage.space_back', detail);
      this.o.audit({ action: 'storage.space_back', actor: { username: 'system' }, detail: { ...detail, from: new Date(detail.fromMs).toISOString(), to: new Date(now).toISOString() } });
    }
    return { full: this.fullSince !== null, since: this.fullSince };
  }

  private startFull(at: number): void {
    this.fullSince = at;
    log.error('the recordings disk is full: writes fail until space is freed', { dir: this.o.dir, ...this.lastDisk });
    this.o.bus?.emit('storage.full', { since: at, ...this.lastDisk });
    this.o.audit({ action: 'storage.full', actor: { username: 'system' }, detail: { since: new Date(at).toISOString(), ...this.lastDisk } });
  }

  /** The quota or the floor could not be met because of evidence locks; once per transition. */
  blocked(b: { quota: boolean; floor: boolean }, lockedBytes: number, quotaBytes: number, floorBytes: number): void {
    const by = b.quota ? 'quota' : b.floor ? 'floor' : null;
    if ((by === null) === (this.blockedBy === null)) return;
    this.blockedBy = by;
    const limit: 'quota' | 'floor' = by ?? 'quota';
    const detail = { blocked: by !== null, limit, lockedBytes, limitBytes: limit === 'quota' ? quotaBytes : floorBytes };
    if (by) log.warn('quota blocked by evidence locks: only footage older than minKeepHours can be deleted', detail);
    else log.info('quota no longer blocked by evidence locks', detail);
    this.o.bus?.emit('storage.quota_blocked', detail);
    this.o.audit({
      action: by ? 'storage.quota_locked' : 'storage.quota_unlocked',
      actor: { username: 'system' },
      detail: { limit, lockedBytes, quotaBytes, floorBytes },
    });
  }

  /** Low-disk alarm. */
  update(s: StorageView): void {
    if (s.low === this.low) return;
    this.low = s.low;
    const detail = { freeBytes: s.freeBytes, totalBytes: s.totalBytes, freePercent: s.freePercent, thresholdPercent: s.lowDiskPercent };
    if (s.low) log.warn('low disk space for recordings', { dir: this.o.dir, ...detail });
    else log.info('disk space back above the threshold', detail);
    this.o.bus?.emit(s.low ? 'storage.low' : 'storage.ok', detail);
    this.o.audit({ action: s.low ? 'storage.low' : 'storage.ok', actor: { username: 'system' }, detail });
  }
}
