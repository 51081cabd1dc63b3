/**
 * The SQL layer over a test's own better-sqlite3 handle, migrated — what the server's start-up does
 * (server/startup/database.ts): one connection, so the test may still look at the file with plain SQL.
 */
import type { Db } from '../../server/store/db.ts';
import { openSql, type SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';

export async function sqlOver(db: Db): Promise<SqlDb> {
  const s = openSql({ engine: 'sqlite', file: '' }, { sqlite: db });
  await migrateSql(s);
  return s;
}
