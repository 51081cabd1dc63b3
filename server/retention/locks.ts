/**
 * Evidence locks (table `evidence_locks`, SQL step 0028): a camera's time range that retention must not delete. A
 * segment is locked when it overlaps an active (unreleased) lock of its camera. Releasing keeps the row (who, when,
 * why). On the SQL layer (Kysely, SQLite or PostgreSQL; docs/cluster.md "Port: segment index and evidence locks").
 *
 * A lock and a retention delete racing: a lock never commits while a segment it covers is being deleted. On
 * PostgreSQL the lock's transaction takes FOR SHARE on the segments rows it covers, retention's delete takes FOR
 * UPDATE on its rows and checks the locks after that (deleter.ts): whichever comes second waits for the first, so
 * either the delete sees the lock (the segment stays) or the lock comes after the delete (and does not cover it).
 * On SQLite both are BEGIN IMMEDIATE write transactions: one after the other.
 */
import type { Selectable } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { EvidenceLocksTable } from '../store/sql/schema.ts';
import { writeTransaction } from '../store/sql/tx.ts';
import { holdsNul } from '../store/sql/filters.ts';

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

type Row = Selectable<EvidenceLocksTable>;

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

export type NewLock = Pick<EvidenceLock, 'cameraId' | 'startMs' | 'endMs' | 'reason' | 'createdBy'> & { caseRef?: string | null; exportId?: string | null };

export class LockRepo {
  constructor(private readonly s: SqlDb) {}

  async create(l: NewLock, now = Date.now()): Promise<EvidenceLock> {
    return (await this.createCovering(l, now)).lock;
  }

  /**
   * Create a lock; also returns the ids of the indexed segments it covers as it commits — retention cannot delete
   * any of them any more (see the head of this file).
   */
  async createCovering(l: NewLock, now = Date.now()): Promise<{ lock: EvidenceLock; segmentIds: number[] }> {
    const startMs = Math.floor(l.startMs);
    const endMs = Math.ceil(l.endMs);
    return writeTransaction(this.s, async (tx) => {
      const covered = await tx
        .selectFrom('segments')
        .select('id')
        .where('camera_id', '=', l.cameraId)
        .where('start_ms', '<', endMs)
        .where('end_ms', '>', startMs)
        .orderBy('id')
        .$if(this.s.engine === 'postgres', (q) => q.forShare())
        .execute();
      const row = await tx
        .insertInto('evidence_locks')
        .values({ camera_id: l.cameraId, start_ms: startMs, end_ms: endMs, reason: l.reason, case_ref: l.caseRef ?? null, export_id: l.exportId ?? null, created_by: l.createdBy, created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { lock: toLock(row), segmentIds: covered.map((r) => r.id) };
    });
  }

  async get(id: number): Promise<EvidenceLock | undefined> {
    const r = await this.s.db.selectFrom('evidence_locks').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toLock(r);
  }

  /** Release an active lock. Returns the updated lock, or undefined if there is no active lock with that id. */
  async release(id: number, by: string, reason: string, now = Date.now()): Promise<EvidenceLock | undefined> {
    const r = await this.s.db
      .updateTable('evidence_locks')
      .set({ released_at: now, released_by: by, release_reason: reason })
      .where('id', '=', id)
      .where('released_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return r && toLock(r);
  }

  /** Locks of a camera overlapping [fromMs, toMs); active only unless `all`. */
  async overlapping(cameraId: string, fromMs: number, toMs: number, all = false): Promise<EvidenceLock[]> {
    const rows = await this.s.db
      .selectFrom('evidence_locks')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('start_ms', '<', toMs)
      .where('end_ms', '>', fromMs)
      .$if(!all, (q) => q.where('released_at', 'is', null))
      .orderBy('start_ms')
      .orderBy('id')
      .execute();
    return rows.map(toLock);
  }

  async list(opts: { cameraId?: string; active?: boolean; limit?: number } = {}): Promise<EvidenceLock[]> {
    if (holdsNul(opts.cameraId)) return []; // no camera id holds U+0000 (filters.ts)
    const limit = Math.min(Math.max(1, opts.limit ?? 200), 1000);
    const rows = await this.s.db
      .selectFrom('evidence_locks')
      .selectAll()
      .$if(!!opts.cameraId, (q) => q.where('camera_id', '=', opts.cameraId!))
      .$if(!!opts.active, (q) => q.where('released_at', 'is', null))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toLock);
  }

  /** Is a segment of this camera covering [startMs, endMs) locked? */
  async isLocked(cameraId: string, startMs: number, endMs: number): Promise<boolean> {
    const r = await this.s.db
      .selectFrom('evidence_locks')
      .select('id')
      .where('camera_id', '=', cameraId)
      .where('released_at', 'is', null)
      .where('start_ms', '<', endMs)
      .where('end_ms', '>', startMs)
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }
}
