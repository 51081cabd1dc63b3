/**
 * Evidence locks (table `evidence_locks`): a camera's time range that retention must not delete. A segment is
 * locked when it overlaps an active (unreleased) lock of its camera. Releasing keeps the row (who, when, why).
 */
import type { Db } from '../store/db.ts';

export interface EvidenceLock {
  id: number;
  cameraId: string;
  startMs: number;
  endMs: number;
  reason: string;
  caseRef: string | null;
  exportId: string | null;
  createdBy: string;
  createdAt: number;
  releasedAt: number | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

interface Row {
  id: number;
  camera_id: string;
  start_ms: number;
  end_ms: number;
  reason: string;
  case_ref: string | null;
  export_id: string | null;
  created_by: string;
  created_at: number;
  released_at: number | null;
  released_by: string | null;
  release_reason: string | null;
}

const toLock = (r: Row): EvidenceLock => ({
  id: r.id,
  cameraId: r.camera_id,
  startMs: r.start_ms,
  endMs: r.end_ms,
  reason: r.reason,
  caseRef: r.case_ref,
  exportId: r.export_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  releasedAt: r.released_at,
  releasedBy: r.released_by,
  releaseReason: r.release_reason,
});

/** SQL condition "this segments row is locked"; `t` is the name or alias of the segments table in the query. */
export const segmentLockedSql = (t: string): string => `EXISTS (SELECT 1 FROM evidence_locks l WHERE l.camera_id = ${t}.camera_id
  AND l.released_at IS NULL AND l.start_ms < ${t}.end_ms AND l.end_ms > ${t}.start_ms)`;

export class LockRepo {
  constructor(private readonly db: Db) {}

  create(
    l: Pick<EvidenceLock, 'cameraId' | 'startMs' | 'endMs' | 'reason' | 'createdBy'> & { caseRef?: string | null; exportId?: string | null },
    now = Date.now(),
  ): EvidenceLock {
    const info = this.db
      .prepare(
        `INSERT INTO evidence_locks (camera_id, start_ms, end_ms, reason, case_ref, export_id, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(l.cameraId, Math.floor(l.startMs), Math.ceil(l.endMs), l.reason, l.caseRef ?? null, l.exportId ?? null, l.createdBy, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): EvidenceLock | undefined {
    const r = this.db.prepare('SELECT * FROM evidence_locks WHERE id = ?').get(id) as Row | undefined;
    return r && toLock(r);
  }

  /** Release an active lock. Returns the updated lock, or undefined if there is no active lock with that id. */
  release(id: number, by: string, reason: string, now = Date.now()): EvidenceLock | undefined {
    const n = this.db
      .prepare(
        `UPDATE evidence_locks SET released_at = ?, released_by = ?, release_reason = ? WHERE id = ? AND released_at IS NULL`,
      )
      .run(now, by, reason, id).changes;
    return n ? this.get(id) : undefined;
  }

  /** Locks of a camera overlapping [fromMs, toMs); active only unless `all`. */
  overlapping(cameraId: string, fromMs: number, toMs: number, all = false): EvidenceLock[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM evidence_locks WHERE camera_id = ? AND start_ms < ? AND end_ms > ?
           ${all ? '' : 'AND released_at IS NULL'} ORDER BY start_ms`,
        )
        .all(cameraId, toMs, fromMs) as Row[]
    ).map(toLock);
  }

  list(opts: { cameraId?: string; active?: boolean; limit?: number } = {}): EvidenceLock[] {
    const w: string[] = [];
    const p: unknown[] = [];
    if (opts.cameraId) {
      w.push('camera_id = ?');
      p.push(opts.cameraId);
    }
    if (opts.active) w.push('released_at IS NULL');
    const limit = Math.min(Math.max(1, opts.limit ?? 200), 1000);
    return (
      this.db
        .prepare(`SELECT * FROM evidence_locks ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`)
        .all(...p, limit) as Row[]
    ).map(toLock);
  }

  /** Is a segment of this camera covering [startMs, endMs) locked? */
  isLocked(cameraId: string, startMs: number, endMs: number): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM evidence_locks WHERE camera_id = ? AND released_at IS NULL AND start_ms < ? AND end_ms > ? LIMIT 1`,
        )
        .get(cameraId, endMs, startMs) !== undefined
    );
  }
}
