/** A migrated SQL layer over an in-memory SQLite (the legacy handle underneath as `sqlite`), for unit tests. */
import type { Db } from '../../server/store/db.ts';
import { openSql, type SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';

export async function memorySql(): Promise<SqlDb & { sqlite: Db }> {
  const s = openSql({ engine: 'sqlite', file: ':memory:' });
  await migrateSql(s);
  return s as SqlDb & { sqlite: Db };
}
