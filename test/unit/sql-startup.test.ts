/**
 * Step 2 of docs/cluster.md: without a database URL, start-up opens the SQLite file (legacy schema 1–14 applied by
 * openDb) with the SQL layer over that one connection, and migrates it; the legacy schema version stays 14, so the
 * file still opens as before. The PostgreSQL start-up is test/integration/server-postgres.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, expect, test } from 'vitest';
import { stepDatabase } from '../../server/startup/database.ts';
import { openDb, schemaVersion } from '../../server/store/db.ts';
import { sqlMigrations } from '../../server/store/sql/migrations.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test('the SQL layer shares the legacy handle, is migrated, and a restart migrates nothing again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-start-'));
  dirs.push(dir);
  const file = join(dir, 'watchpost.db');
  const { sql: s } = await stepDatabase(undefined, file);
  const db = s.sqlite!; // the SQL layer's own better-sqlite3 handle: the legacy schema (1–14) is applied to it too
  // a write through one layer is seen by the other at once, with no commit in between (same connection)
  db.exec('BEGIN');
  db.prepare("INSERT INTO users (username, password_hash, role, created_at) VALUES ('x', 'h', 'admin', 0)").run();
  const seen = await sql<{ n: number }>`SELECT count(*) AS n FROM users`.execute(s.db);
  db.exec('ROLLBACK');
  expect(seen.rows[0]!.n).toBe(1);
  const names = (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(s.db)).rows.map((r) => r.name);
  expect(names).toEqual(Object.keys(sqlMigrations('sqlite')).sort());
  expect(schemaVersion(db)).toBe(14);
  await s.close();
  expect(db.open).toBe(false); // closing the SQL layer closes the shared handle

  const again = await stepDatabase(undefined, file);
  expect(Number((await sql<{ n: number }>`SELECT count(*) AS n FROM kysely_migration`.execute(again.sql.db)).rows[0]!.n)).toBe(names.length);
  await again.sql.close();
  const legacy = openDb(file); // today's server opens the file the SQL layer migrated
  expect(schemaVersion(legacy)).toBe(14);
  legacy.close();
});
