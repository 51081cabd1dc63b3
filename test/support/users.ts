/** Users for tests: over a legacy handle in process, or into the database file of a running server. */
import type { Db } from '../../server/store/db.ts';
import { openSql, type SqlDb } from '../../server/store/sql/db.ts';
import { UserRepo, type Role, type User } from '../../server/store/users.ts';

/** The SQL layer over an open legacy handle (what main.ts does: one connection). */
const overHandle = new WeakMap<Db, SqlDb>();

/**
 * The SQL layer over a test's better-sqlite3 handle: ONE per handle, as in the server (one Kysely instance holds the
 * one connection and queues its users; two instances over one handle would interleave their transactions).
 */
export function sqlOver(db: Db): SqlDb {
  let s = overHandle.get(db);
  if (!s) overHandle.set(db, (s = openSql({ engine: 'sqlite', file: db.name }, { sqlite: db })));
  return s;
}

/** A user row, synchronously, for tests of other tables that only need someone to be the author. */
export function insertUser(db: Db, username: string, role: Role, displayName: string | null = null): User {
  const id = Number(db.prepare('INSERT INTO users (username, password_hash, role, created_at, display_name) VALUES (?, ?, ?, ?, ?)').run(username, 'x', role, Date.now(), displayName).lastInsertRowid);
  return { id, username, role, disabled: false, displayName, mustChangePassword: false, cameras: null, groups: [] };
}

/** Users written into a running server's database file (it finds them at their login). */
export async function addUsers(dbFile: string, users: { username: string; passwordHash: string; role: Role }[]): Promise<void> {
  const s = openSql({ engine: 'sqlite', file: dbFile });
  try {
    const repo = await UserRepo.open(s);
    for (const u of users) await repo.create(u.username, u.passwordHash, u.role);
  } finally {
    await s.close();
  }
}
