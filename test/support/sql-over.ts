/**
 * Segment-index fixtures for tests over a legacy better-sqlite3 handle (openDb). `sqlOver` (users.ts) puts the SQL
 * layer over the same handle, as the server's start-up does; the legacy migrations already made the tables the
 * ported segment index and evidence locks use, so no SQL-layer migration is needed for them.
 */
import type { Db } from '../../server/store/db.ts';
import { sqlOver } from './users.ts';

export { sqlOver };

/** Index a segment synchronously through the legacy handle (test fixtures that seed rows in loops). */
export function seedSegment(db: Db, s: { cameraId: string; path: string; startMs: number; endMs: number; bytes: number; codec: string | null }): number {
  const info = db
    .prepare(`INSERT INTO segments (camera_id, path, start_ms, end_ms, bytes, codec, created_at, origin) VALUES (?, ?, ?, ?, ?, ?, ?, 'recorder')`)
    .run(s.cameraId, s.path, Math.round(s.startMs), Math.round(s.endMs), s.bytes, s.codec, Date.now());
  return Number(info.lastInsertRowid);
}
