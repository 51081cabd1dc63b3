import type { Selectable } from 'kysely';
import type { Db } from './db.ts';
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

/** a row of the segment index: the SQL layer's declaration of its columns (one, not two) */
type Row = Selectable<SegmentsTable>;
const toSegment = (r: Row): Segment => ({
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

/** Index of recorded segments: one row per file, exact wall-clock start and end. */
export class SegmentRepo {
  constructor(private readonly db: Db) {}

  insert(s: Omit<Segment, 'id'>): Segment {
    const info = this.db
      .prepare(
        `INSERT INTO segments (camera_id, path, start_ms, end_ms, bytes, codec, created_at, origin)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET start_ms = excluded.start_ms, end_ms = excluded.end_ms,
           bytes = excluded.bytes, codec = excluded.codec`,
      )
      .run(s.cameraId, s.path, Math.round(s.startMs), Math.round(s.endMs), s.bytes, s.codec, Date.now(), s.origin ?? 'recorder');
    return { ...s, id: Number(info.lastInsertRowid) };
  }

  /** Segments overlapping [fromMs, toMs), in time order. */
  range(cameraId: string, fromMs: number, toMs: number): Segment[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM segments WHERE camera_id = ? AND end_ms > ? AND start_ms < ? ORDER BY start_ms`,
        )
        .all(cameraId, fromMs, toMs) as Row[]
    ).map(toSegment);
  }

  latest(cameraId: string): Segment | undefined {
    const r = this.db
      .prepare(`SELECT * FROM segments WHERE camera_id = ? ORDER BY start_ms DESC LIMIT 1`)
      .get(cameraId) as Row | undefined;
    return r && toSegment(r);
  }

  byPath(path: string): Segment | undefined {
    const r = this.db.prepare(`SELECT * FROM segments WHERE path = ?`).get(path) as Row | undefined;
    return r && toSegment(r);
  }

  count(cameraId?: string): number {
    const r = (
      cameraId
        ? this.db.prepare(`SELECT COUNT(*) AS n FROM segments WHERE camera_id = ?`).get(cameraId)
        : this.db.prepare(`SELECT COUNT(*) AS n FROM segments`).get()
    ) as { n: number };
    return r.n;
  }
}
