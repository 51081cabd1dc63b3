/** Rows the suites need in tables of other repositories. */
import { sql } from 'kysely';
import type { SqlDb } from '../../../server/store/sql/db.ts';

let fakeIds = 0;
/** A user to own rows. SQLite has the legacy users table (and wall_views refers to it); PostgreSQL has none yet. */
export async function seedUser(s: SqlDb, username: string): Promise<number> {
  if (s.engine === 'postgres') return ++fakeIds;
  const r = await sql<{ id: number }>`INSERT INTO users (username, password_hash, role, created_at) VALUES (${username}, 'x', 'operator', 0) RETURNING id`.execute(s.db);
  return r.rows[0]!.id;
}
