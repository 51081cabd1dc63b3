/**
 * The SQL layer over a test's legacy better-sqlite3 handle (openDb), as the server's start-up does
 * (server/startup/database.ts): one connection for both layers. The legacy migrations already made the tables the
 * ported segment index and evidence locks use, so this needs no await; `sqlOverMigrated` also runs the SQL steps.
 */
import type { Db } from '../../server/store/db.ts';
import type { SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { sqlOver } from './users.ts';

export { sqlOver };

export async function sqlOverMigrated(db: Db): Promise<SqlDb> {
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
