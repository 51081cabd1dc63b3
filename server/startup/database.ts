/**
 * Start step: the database (issue J). Unset `cluster.database` / WATCHPOST_DATABASE_URL: the embedded SQLite file
 * in the data dir — the legacy handle (better-sqlite3, legacy migrations 1–14, server/store/db.ts) with the SQL
 * layer (Kysely) over that same connection. A `postgres://` URL: PostgreSQL through a `pg` pool, no SQLite file at
 * all. Either way the SQL layer is migrated to its newest step; a database that cannot be opened, reached or
 * migrated stops the start-up with one line that names it (never its password).
 */
import { existsSync } from 'node:fs';
import { sql as rawSql } from 'kysely';
import { openDb, type Db } from '../store/db.ts';
import { openSql, sqlTarget, type SqlDb, type SqlTarget } from '../store/sql/db.ts';
import { migrateSql } from '../store/sql/migrations.ts';
import { createLogger } from '../util/log.ts';
import { redactUrl } from '../util/url.ts';
import { fail, tighten } from './steps.ts';

const log = createLogger('main');

export async function stepDatabase(databaseUrl: string | undefined, dbFile: string): Promise<{ sql: SqlDb }> {
  let target: SqlTarget;
  try {
    target = sqlTarget(databaseUrl, dbFile);
  } catch (e) {
    fail(`cluster.database: ${(e as Error).message}`);
  }
  const sql = target.engine === 'postgres' ? await openPostgres(target.url) : openSqlite(dbFile);
  const name = target.engine === 'postgres' ? redactUrl(target.url) : dbFile;
  try {
    const ran = await migrateSql(sql);
    if (ran.length) log.info('migrated database (SQL layer)', { engine: sql.engine, steps: ran });
  } catch (e) {
    await sql.close().catch(() => undefined);
    fail(`cannot migrate the database ${name}: ${(e as Error).message}`);
  }
  log.info('database', { engine: sql.engine, at: name });
  return { sql };
}

function openSqlite(dbFile: string): SqlDb {
  let db: Db;
  try {
    db = openDb(dbFile);
  } catch (e) {
    fail(`cannot open the database ${dbFile}: ${(e as Error).message}`);
  }
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) if (existsSync(f)) tighten(f, 0o600);
  return openSql({ engine: 'sqlite', file: dbFile }, { sqlite: db });
}

/** The pool, once one connection answered: a wrong host, port, password or database name is a start-up error. */
async function openPostgres(url: string): Promise<SqlDb> {
  const sql = openSql({ engine: 'postgres', url });
  try {
    await rawSql`SELECT 1`.execute(sql.db);
  } catch (e) {
    await sql.close().catch(() => undefined);
    const msg = ((e as Error).message || String((e as { code?: string }).code ?? e)).split(url).join(redactUrl(url));
    fail(`cannot connect to the database ${redactUrl(url)}: ${msg}`);
  }
  return sql;
}
