/**
 * A write transaction on either engine. SQLite: BEGIN IMMEDIATE on the one connection, so the write lock is
 * taken before the first read (no other process can extend a chain between our read of its head and our
 * insert; busy_timeout makes the others wait). PostgreSQL: an ordinary READ COMMITTED transaction from the
 * pool; the caller serialises on a row with SELECT … FOR UPDATE (see lockedHead in chain-store).
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDb } from './db.ts';
import type { SqlSchema } from './schema.ts';

export async function writeTransaction<T>(s: SqlDb, fn: (tx: Kysely<SqlSchema>) => Promise<T>): Promise<T> {
  if (s.engine === 'postgres') return s.db.transaction().execute(fn);
  return s.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    let result: T;
    try {
      result = await fn(conn);
    } catch (err) {
      // SQLite may already have rolled back by itself (SQLITE_FULL, I/O error): nothing left to undo then
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
    await sql`commit`.execute(conn);
    return result;
  });
}
