/**
 * The SQL layer's migrations: ONE definition per step for both engines, written with Kysely's schema builder
 * and run by Kysely's Migrator (table kysely_migration; on PostgreSQL under an advisory lock, each step in a
 * transaction). Names continue the numbering of the legacy SQLite list (server/store/migrations.ts, 1–14,
 * PRAGMA user_version), so one number is one schema step across the project; see docs/cluster.md.
 *
 * A step may differ per engine only where SQL itself does (column types of rowid tables, triggers): the
 * branch is inside the step, next to the common part. Tables the legacy list already made on SQLite are
 * created `ifNotExists`, so the step is a no-op there and builds the same table on PostgreSQL.
 * Never edit a released step: append a new one.
 */
import { Migrator, type Migration } from 'kysely';
import { GENESIS_HASH } from '../../dutylog/chain.ts';
import { appendOnly, type AnyDb } from './append-only.ts';
import { chainMigrations } from './migrations-chains.ts';
import type { Engine, SqlDb } from './db.ts';

export function sqlMigrations(engine: Engine): Record<string, Migration> {
  // SQLite: INTEGER PRIMARY KEY is the rowid; PostgreSQL: 64-bit, read back as a number (server/store/sql/db.ts)
  const seqType = engine === 'sqlite' ? 'integer' : 'bigint';
  return {
    // 15 (issue J): the duty log on both engines (SQLite has it since legacy migration 2), unique predecessors,
    // and the chain heads: one row per hash chain, locked by every append, seeded from the chain's newest entry
    '0015_duty_log_chain_heads': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('duty_log')
          .ifNotExists()
          .addColumn('seq', seqType, (c) => c.primaryKey())
          .addColumn('ts_ms', 'bigint', (c) => c.notNull())
          .addColumn('camera_id', 'text')
          .addColumn('category', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('author_id', 'integer')
          .addColumn('author_name', 'text', (c) => c.notNull())
          .addColumn('ref_seq', 'integer')
          .addColumn('data_json', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .execute();
        await db.schema.createIndex('duty_log_time').ifNotExists().on('duty_log').column('ts_ms').execute();
        await db.schema.createIndex('duty_log_camera').ifNotExists().on('duty_log').columns(['camera_id', 'ts_ms']).execute();
        // a fork is two entries with one predecessor: the database refuses it even if a writer skipped the lock
        await db.schema.createIndex('duty_log_prev_hash').ifNotExists().unique().on('duty_log').column('prev_hash').execute();
        await appendOnly(db, engine, 'duty_log', 'duty_log');

        await db.schema
          .createTable('chain_heads')
          .ifNotExists()
          .addColumn('log', 'text', (c) => c.primaryKey())
          .addColumn('seq', seqType, (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        const last = await db.selectFrom('duty_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
        await db
          .insertInto('chain_heads')
          .values({ log: 'duty_log', seq: Number(last?.seq ?? 0), hash: (last?.hash as string | undefined) ?? GENESIS_HASH })
          .onConflict((oc) => oc.column('log').doNothing())
          .execute();
      },
    },
    // 16, 17 (issue J): the audit trail and the per-camera seal chains (migrations-chains.ts)
    ...chainMigrations(engine),
  };
}

/**
 * Bring the SQL layer's schema up to date. PostgreSQL: safe with several nodes starting at once (Kysely takes an
 * advisory lock). SQLite: one process at a time (the server opens the file once; tests migrate before they fork).
 */
export async function migrateSql(s: SqlDb): Promise<string[]> {
  const migrator = new Migrator({ db: s.db, provider: { getMigrations: () => Promise.resolve(sqlMigrations(s.engine)) } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${msg}`.replace('  ', ' '), { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
