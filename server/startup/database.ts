/**
 * Start step: the database. The legacy handle (better-sqlite3, legacy migrations 1–14, server/store/db.ts) and,
 * beside it, the SQL layer (Kysely, docs/cluster.md step 2) over the SAME handle, migrated to its newest step.
 * `cluster.database` / WATCHPOST_DATABASE_URL are still refused by the config loader: SQLite only for now.
 */
import { existsSync } from 'node:fs';
import { openDb, type Db } from '../store/db.ts';
import { openSql, type SqlDb } from '../store/sql/db.ts';
import { migrateSql } from '../store/sql/migrations.ts';
import { createLogger } from '../util/log.ts';
import { fail, tighten } from './steps.ts';

const log = createLogger('main');

export async function stepDatabase(dbFile: string): Promise<{ db: Db; sql: SqlDb }> {
  let db: Db;
  try {
    db = openDb(dbFile);
  } catch (e) {
    fail(`cannot open the database ${dbFile}: ${(e as Error).message}`);
  }
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) if (existsSync(f)) tighten(f, 0o600);
  const sql = openSql({ engine: 'sqlite', file: dbFile }, { sqlite: db });
  try {
    const ran = await migrateSql(sql);
    if (ran.length) log.info('migrated database (SQL layer)', { steps: ran });
  } catch (e) {
    fail(`cannot migrate the database ${dbFile}: ${(e as Error).message}`);
  }
  return { db, sql };
}
