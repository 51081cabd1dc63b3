/** Rows the suites need in tables of other repositories. */
import type { SqlDb } from '../../../server/store/sql/db.ts';

/** A user to own rows (wall_views, user_groups and sessions refer to users). */
export async function seedUser(s: SqlDb, username: string): Promise<number> {
  const r = await s.db.insertInto('users').values({ username, password_hash: 'x', role: 'operator', created_at: 0 }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}
