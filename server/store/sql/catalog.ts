/**
 * What the database's catalog says, on either engine: SQLite's `sqlite_master`, PostgreSQL's `to_regclass` (a table
 * on the connection's search path). For tools that open a database they did not migrate (verify-log).
 */
import { sql } from 'kysely';
import type { SqlDb } from './db.ts';

/** The table exists. */
export async function hasTable(s: SqlDb, table: string): Promise<boolean> {
  if (s.engine === 'sqlite') {
    const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${table}`.execute(s.db);
    return Number(r.rows[0]?.n) > 0;
  }
  const r = await sql<{ t: string | null }>`SELECT to_regclass(${table})::text AS t`.execute(s.db);
  return r.rows[0]?.t != null;
}
