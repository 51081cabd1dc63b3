/**
 * The SQL layer's database handle (docs/cluster.md): Kysely over PostgreSQL (`pg` pool) or over the embedded
 * SQLite file (better-sqlite3, opened by server/store/db.ts so the legacy migrations 1–14 and the pragmas —
 * WAL, busy_timeout, foreign keys — are the same as the server's). Callers see one `Kysely<SqlSchema>` and
 * an `engine` for the few places where the engines differ (row locks, triggers).
 */
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { openDb, type Db } from '../db.ts';
import { createLogger } from '../../util/log.ts';
import type { SqlSchema } from './schema.ts';

const log = createLogger('store');

export type Engine = 'sqlite' | 'postgres';

export type SqlTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

export interface SqlDb {
  engine: Engine;
  db: Kysely<SqlSchema>;
  /** the better-sqlite3 handle underneath (SQLite only) */
  sqlite?: Db;
  close(): Promise<void>;
}

/** `postgres://…` / `postgresql://…` → PostgreSQL; unset → the SQLite file. Anything else is refused, naming it. */
export function sqlTarget(databaseUrl: string | undefined, sqliteFile: string): SqlTarget {
  if (databaseUrl === undefined || databaseUrl === '') return { engine: 'sqlite', file: sqliteFile };
  let u: URL;
  try {
    u = new URL(databaseUrl);
  } catch {
    throw new Error('database URL is not a URL (expected postgres://user:password@host:port/database)');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new Error(`database URL scheme "${u.protocol}" is not supported (expected postgres://user:password@host:port/database)`);
  }
  return { engine: 'postgres', url: databaseUrl };
}

const INT8_OID = 20;

/** BIGINT columns (ms timestamps, sequence numbers) as JS numbers; a value beyond 2^53 is an error, never rounded. */
function parseInt8(s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${s} does not fit a JavaScript number`);
  return n;
}

const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface OpenSqlOptions {
  /** PostgreSQL pool size (default 4) */
  poolSize?: number;
  /**
   * SQLite: wrap this already open better-sqlite3 handle instead of opening the file again (the server's own,
   * from openDb), so both layers share ONE connection: no lock contention between them, no busy waits that
   * block the event loop. close() then closes that handle too (it is the same connection).
   */
  sqlite?: Db;
  /** PostgreSQL: every session read-only (`default_transaction_read_only`), for the verifiers (verify-log) */
  readOnly?: boolean;
}

/** Open the database. Does not migrate: call migrateSql (server/store/sql/migrations.ts). */
export function openSql(target: SqlTarget, o: OpenSqlOptions = {}): SqlDb {
  if (target.engine === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: o.poolSize ?? 4,
      types: pgTypes,
      application_name: 'watchpost',
      ...(o.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    // an idle client that loses its server (restart, network) must not end the process; the pool replaces it
    pool.on('error', (err) => log.warn('idle PostgreSQL connection lost', { err: err.message }));
    const db = new Kysely<SqlSchema>({ dialect: new PostgresDialect({ pool }) });
    return { engine: 'postgres', db, close: () => db.destroy() };
  }
  const sqlite = o.sqlite ?? openDb(target.file);
  const db = new Kysely<SqlSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { engine: 'sqlite', db, sqlite, close: () => db.destroy() };
}
