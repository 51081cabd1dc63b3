/**
 * The SQL layer over a test's own better-sqlite3 handle (openDb), as the server's start-up does
 * (server/startup/database.ts): one connection, so the test may still look at the file with plain SQL.
 *
 *  - `sqlOver` (users.ts): not migrated — enough for tables the legacy migrations made (segments, locks, …);
 *  - `migratedSqlOver`: migrated (chain heads, handovers, checkpoints: what the duty log and audit trail need);
 *  - `seedSegment`: a segment row, synchronously (fixtures that seed rows in loops).
 */
import type { Db } from '../../server/store/db.ts';
import type { SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { sqlOver } from './users.ts';

export { sqlOver };

/** sqlOver(db), migrated (the same instance: one per handle) */
export async function migratedSqlOver(db: Db): Promise<SqlDb> {
  const s = sqlOver(db);
  await migrateSql(s);
  return s;
}

/** Index a segment synchronously through the legacy handle (test fixtures that seed rows in loops). */
export function seedSegment(db: Db, s: { cameraId: string; path: string; startMs: number; endMs: number; bytes: number; codec: string | null }): number {
  const info = db
    .prepare(`INSERT INTO segments (camera_id, path, start_ms, end_ms, bytes, codec, created_at, origin) VALUES (?, ?, ?, ?, ?, ?, ?, 'recorder')`)
    .run(s.cameraId, s.path, Math.round(s.startMs), Math.round(s.endMs), s.bytes, s.codec, Date.now());
  return Number(info.lastInsertRowid);
}
