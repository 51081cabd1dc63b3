/**
 * The segment index (docs/cluster.md step 3, "Port: segment index and evidence locks"): one row per recorded file,
 * exact wall-clock start and end, on the SQL layer (Kysely, SQLite or PostgreSQL; table from legacy step 1 / SQL
 * step 0017). The recorder inserts on its hot path; timeline, review, export and retention read. The seal columns
 * are written by the Sealer / SealChainStore; deletes go through retention's SegmentDeleter (tombstones).
 */
import { sql, type Selectable } from 'kysely';
import type { SqlDb } from './sql/db.ts';
import type { SegmentsTable } from './sql/schema.ts';

export interface Segment {
  id: number;
  cameraId: string;
  path: string; // relative to the recordings dir
  startMs: number;
  endMs: number;
  bytes: number;
  codec: string | null;
  /** sha256 of the file when it was sealed (null until the sealer has hashed it) */
  sha256?: string | null;
  /** position in the camera's seal chain */
  sealSeq?: number | null;
  /** 'recorder' (written by the recorder) or 'reconciled' (found on disk by the start-up reconcile) */
  origin?: 'recorder' | 'reconciled';
}

export type NewSegment = Omit<Segment, 'id'>;

/** a row of the segment index: the SQL layer's declaration of its columns (one, not two) */
export type SegmentRow = Selectable<SegmentsTable>;
export const toSegment = (r: SegmentRow): Segment => ({
  id: r.id,
  cameraId: r.camera_id,
  path: r.path,
  startMs: r.start_ms,
  endMs: r.end_ms,
  bytes: r.bytes,
  codec: r.codec,
  sha256: r.sha256 ?? null,
  sealSeq: r.seal_seq ?? null,
});

/** SQL condition "segments row `s` overlaps an active evidence lock of its camera" (the query aliases segments as s). */
export const segmentLocked = sql<boolean>`EXISTS (SELECT 1 FROM evidence_locks l WHERE l.camera_id = s.camera_id
  AND l.released_at IS NULL AND l.start_ms < s.end_ms AND l.end_ms > s.start_ms)`;

/** SUM/COUNT come back as strings from PostgreSQL (numeric) and as numbers from SQLite */
const num = (v: unknown): number => Number(v ?? 0);

/** Index of recorded segments: one row per file, exact wall-clock start and end. */
export class SegmentRepo {
  constructor(private readonly s: SqlDb) {}

  /** Index a file; the same path again re-times it (start, end, bytes, codec) and keeps its id and seal. */
  async insert(seg: NewSegment): Promise<Segment> {
    const startMs = Math.round(seg.startMs);
    const endMs = Math.round(seg.endMs);
    const r = await this.s.db
      .insertInto('segments')
      .values({ camera_id: seg.cameraId, path: seg.path, start_ms: startMs, end_ms: endMs, bytes: seg.bytes, codec: seg.codec, created_at: Date.now(), origin: seg.origin ?? 'recorder' })
      .onConflict((oc) =>
        oc.column('path').doUpdateSet((eb) => ({
          start_ms: eb.ref('excluded.start_ms'),
          end_ms: eb.ref('excluded.end_ms'),
          bytes: eb.ref('excluded.bytes'),
          codec: eb.ref('excluded.codec'),
        })),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...seg, id: r.id };
  }

  /** Segments overlapping [fromMs, toMs), in time order. */
  async range(cameraId: string, fromMs: number, toMs: number): Promise<Segment[]> {
    const rows = await this.s.db
      .selectFrom('segments')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('end_ms', '>', fromMs)
      .where('start_ms', '<', toMs)
      .orderBy('start_ms')
      .execute();
    return rows.map(toSegment);
  }

  /** Only start and end of the segments overlapping [fromMs, toMs), in time order (the timeline's query). */
  async spans(cameraId: string, fromMs: number, toMs: number): Promise<{ start_ms: number; end_ms: number }[]> {
    return this.s.db
      .selectFrom('segments')
      .select(['start_ms', 'end_ms'])
      .where('camera_id', '=', cameraId)
      .where('end_ms', '>', fromMs)
      .where('start_ms', '<', toMs)
      .orderBy('start_ms')
      .execute();
  }

  async latest(cameraId: string): Promise<Segment | undefined> {
    const r = await this.s.db.selectFrom('segments').selectAll().where('camera_id', '=', cameraId).orderBy('start_ms', 'desc').limit(1).executeTakeFirst();
    return r && toSegment(r);
  }

  /** End of the camera's newest footage, null when it has none. */
  async latestEnd(cameraId: string): Promise<number | null> {
    const r = await this.s.db.selectFrom('segments').select((eb) => eb.fn.max('end_ms').as('t')).where('camera_id', '=', cameraId).executeTakeFirst();
    return r?.t == null ? null : num(r.t);
  }

  async byId(id: number): Promise<Segment | undefined> {
    const r = await this.s.db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toSegment(r);
  }

  async byPath(path: string): Promise<Segment | undefined> {
    const r = await this.s.db.selectFrom('segments').selectAll().where('path', '=', path).executeTakeFirst();
    return r && toSegment(r);
  }

  async count(cameraId?: string): Promise<number> {
    const r = await this.s.db
      .selectFrom('segments')
      .select((eb) => eb.fn.countAll().as('n'))
      .$if(cameraId !== undefined, (q) => q.where('camera_id', '=', cameraId!))
      .executeTakeFirstOrThrow();
    return num(r.n);
  }

  /** Has this camera any indexed footage? (one index probe, not a count) */
  async hasFootage(cameraId: string): Promise<boolean> {
    return (await this.s.db.selectFrom('segments').select('id').where('camera_id', '=', cameraId).limit(1).executeTakeFirst()) !== undefined;
  }

  /** Cameras with indexed footage. */
  async cameras(): Promise<string[]> {
    return (await this.s.db.selectFrom('segments').select('camera_id').distinct().orderBy('camera_id').execute()).map((r) => r.camera_id);
  }

  /** Rows and bytes of the whole index. */
  async totals(): Promise<{ n: number; b: number }> {
    const r = await this.s.db
      .selectFrom('segments')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.coalesce(eb.fn.sum('bytes'), sql.lit(0)).as('b')])
      .executeTakeFirstOrThrow();
    return { n: num(r.n), b: num(r.b) };
  }

  /** Bytes of the segments under an active evidence lock (`locked`) or not under one. */
  async lockedBytes(locked: boolean): Promise<number> {
    const r = await this.s.db
      .selectFrom('segments as s')
      .select((eb) => eb.fn.coalesce(eb.fn.sum('s.bytes'), sql.lit(0)).as('b'))
      .where(locked ? segmentLocked : sql<boolean>`NOT ${segmentLocked}`)
      .executeTakeFirstOrThrow();
    return num(r.b);
  }

  /** Retention by age: a camera's oldest unlocked segments that ended by `endedBy`. */
  async agedUnlocked(cameraId: string, endedBy: number, limit: number): Promise<SegmentRow[]> {
    return this.s.db
      .selectFrom('segments as s')
      .selectAll('s')
      .where('s.camera_id', '=', cameraId)
      .where('s.end_ms', '<=', endedBy)
      .where(sql<boolean>`NOT ${segmentLocked}`)
      .orderBy('s.start_ms')
      .limit(limit)
      .execute();
  }

  /** Retention for space: the oldest unlocked segments of all cameras, keeping each camera's newest `keepMs`. */
  async oldestUnlocked(keepMs: number, limit: number): Promise<SegmentRow[]> {
    return this.s.db
      .with('newest', (db) => db.selectFrom('segments').select((eb) => ['camera_id', eb.fn.max('end_ms').as('e')]).groupBy('camera_id'))
      .selectFrom('segments as s')
      .innerJoin('newest as n', 'n.camera_id', 's.camera_id')
      .selectAll('s')
      .where(sql<boolean>`NOT ${segmentLocked}`)
      .where(sql<boolean>`s.end_ms <= n.e - ${keepMs}`)
      .orderBy('s.start_ms')
      .limit(limit)
      .execute();
  }
}
