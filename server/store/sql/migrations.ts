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
import { Migrator, sql, type ColumnDefinitionBuilder, type Migration } from 'kysely';
import { GENESIS_HASH } from '../../dutylog/chain.ts';
import { appendOnly, type AnyDb } from './append-only.ts';
import { chainMigrations } from './migrations-chains.ts';
import { outboxMigrations } from './migrations-outbox.ts';
import { patrolMigrations } from './migrations-patrol.ts';
import { segmentMigrations } from './migrations-segments.ts';
import { alarmMigrations } from './migrations-alarms.ts';
import { dutyLogMigrations } from './migrations-dutylog.ts';
import { exportMigrations } from './migrations-exports.ts';
import type { Engine, SqlDb } from './db.ts';

export function sqlMigrations(engine: Engine): Record<string, Migration> {
  // SQLite: INTEGER PRIMARY KEY is the rowid; PostgreSQL: 64-bit, read back as a number (server/store/sql/db.ts)
  const seqType = engine === 'sqlite' ? 'integer' : 'bigint';
  // an id the database hands out: SQLite's AUTOINCREMENT rowid (as the legacy tables), PostgreSQL an identity
  const autoId = (c: ColumnDefinitionBuilder) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity());
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
    // 18 (issue J): named wall views (legacy migration 14 on SQLite). On PostgreSQL the reference to users(id)
    // is added by the step that creates users there.
    '0018_wall_views': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('wall_views')
          .ifNotExists()
          .addColumn('id', 'integer', autoId)
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('display', 'text')
          .addColumn('layout', 'integer', (c) => c.notNull())
          .addColumn('tiles_json', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('wall_views_user_name', ['user_id', 'name'])
          .execute();
      },
    },
    // 19 (issue J): camera groups, their cameras, the groups given to users (legacy migration 10 on SQLite). A
    // group name is unique regardless of ASCII case: SQLite's column is COLLATE NOCASE, PostgreSQL gets a unique
    // index on lower(name). On PostgreSQL user_groups' reference to users(id) is added by the users step.
    '0019_camera_groups': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('camera_groups')
          .ifNotExists()
          .addColumn('id', 'integer', autoId)
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        if (engine === 'postgres') await sql`CREATE UNIQUE INDEX IF NOT EXISTS camera_groups_name ON camera_groups (lower(name))`.execute(db);
        await db.schema
          .createTable('camera_group_members')
          .ifNotExists()
          .addColumn('group_id', 'integer', (c) => c.notNull().references('camera_groups.id').onDelete('cascade'))
          .addColumn('camera_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('camera_group_members_pk', ['group_id', 'camera_id'])
          .execute();
        await db.schema
          .createTable('user_groups')
          .ifNotExists()
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('group_id', 'integer', (c) => c.notNull().references('camera_groups.id').onDelete('cascade'))
          .addPrimaryKeyConstraint('user_groups_pk', ['user_id', 'group_id'])
          .execute();
      },
    },
    // 20 (issue J): users (legacy migrations 1, 10, 12 on SQLite). The username is unique regardless of ASCII
    // case (SQLite: COLLATE NOCASE; PostgreSQL: a unique index on lower(username)). On PostgreSQL the references
    // to users(id) of the tables made before it (wall_views, user_groups) are added here.
    '0020_users': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('users')
          .ifNotExists()
          .addColumn('id', 'integer', autoId)
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('operator','supervisor','investigator','admin','wall','guard')`))
          .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('display_name', 'text')
          .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('cameras_json', 'text')
          .addColumn('updated_at', 'bigint')
          .execute();
        if (engine !== 'postgres') return;
        await sql`CREATE UNIQUE INDEX IF NOT EXISTS users_username ON users (lower(username))`.execute(db);
        await sql`ALTER TABLE wall_views ADD CONSTRAINT wall_views_user FOREIGN KEY (user_id) REFERENCES users (id)`.execute(db);
        await sql`ALTER TABLE user_groups ADD CONSTRAINT user_groups_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE`.execute(db);
      },
    },
    // 21 (issue J): sessions (legacy migration 1 on SQLite, where a session's id is the table's rowid). PostgreSQL
    // has no rowid: an identity column `id` there.
    '0021_sessions': {
      async up(db: AnyDb) {
        let t = db.schema.createTable('sessions').ifNotExists().addColumn('token_hash', 'text', (c) => c.primaryKey());
        if (engine === 'postgres') t = t.addColumn('id', 'bigint', (c) => c.notNull().unique().generatedByDefaultAsIdentity());
        await t
          .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .execute();
        await db.schema.createIndex('sessions_expiry').ifNotExists().on('sessions').column('expires_at').execute();
      },
    },
    // 22 (issue J): cameras added in the console and their ONVIF facts (legacy migrations 1 and 4 on SQLite)
    '0022_cameras_onvif': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('cameras')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('sub_url', 'text')
          .addColumn('username', 'text')
          .addColumn('password_enc', 'text')
          .addColumn('retention_days', 'integer')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        const empty = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
        await db.schema
          .createTable('camera_onvif')
          .ifNotExists()
          .addColumn('camera_id', 'text', (c) => c.primaryKey().references('cameras.id').onDelete('cascade'))
          .addColumn('xaddr', 'text', (c) => c.notNull())
          .addColumn('urn', 'text')
          .addColumn('manufacturer', 'text', empty)
          .addColumn('model', 'text', empty)
          .addColumn('firmware', 'text', empty)
          .addColumn('serial', 'text', empty)
          .addColumn('hardware_id', 'text', empty)
          .addColumn('media_xaddr', 'text')
          .addColumn('ptz_xaddr', 'text')
          .addColumn('main_token', 'text')
          .addColumn('sub_token', 'text')
          .addColumn('snapshot_uri', 'text')
          .addColumn('capabilities_json', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('clock_offset_ms', 'bigint')
          .addColumn('clock_checked_at', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('camera_onvif_urn').ifNotExists().on('camera_onvif').column('urn').execute();
      },
    },
    // 25–27 (issue J): patrol routes, rounds, stops, spot-checks, missed slots; dispatches (migrations-patrol.ts)
    ...patrolMigrations(engine),
    // 28 (issue J): the evidence locks (migrations-segments.ts)
    ...segmentMigrations(engine),
    // 23, 24 (issue J): detection zones and alarms (migrations-alarms.ts)
    ...alarmMigrations(engine),
    // 29, 30 (issue J): shift handovers, signed checkpoints (migrations-dutylog.ts)
    ...dutyLogMigrations(engine),
    // 31–32 (issue J): export jobs, the equipment check's camera events (migrations-exports.ts)
    ...exportMigrations(engine),
    // 40 (issue J): the MQTT outbox (migrations-outbox.ts)
    ...outboxMigrations(engine),
  };
}

/**
 * Bring the SQL layer's schema up to date. PostgreSQL: safe with several nodes starting at once (Kysely takes an
 * advisory lock). SQLite: one process at a time (the server opens the file once; tests migrate before they fork).
 */
export async function migrateSql(s: SqlDb): Promise<string[]> {
  const migrator = new Migrator({
    db: s.db,
    provider: { getMigrations: () => Promise.resolve(sqlMigrations(s.engine)) },
    // Steps are numbered by issue slice, not by merge date: 0040 (the MQTT outbox) landed while 0022–0030 were
    // still being written on another branch. Kysely by default refuses to run a step whose name sorts before one
    // already applied ("corrupted migrations"), so a database that has 0040 would refuse to start once 0022
    // arrives. The steps are independent (each creates its own tables, ifNotExists), so the late ones may run
    // after: pending steps still run in name order.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${msg}`.replace('  ', ' '), { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
