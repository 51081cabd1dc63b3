/**
 * Steps 16 and 17 of the SQL layer (issue J, docs/cluster.md): the audit trail and the per-camera seal chains on
 * both engines. Part of sqlMigrations (migrations.ts); in their own file so other ports adding steps there do not
 * touch these. Same rules: tables the legacy SQLite steps made are created `ifNotExists` with the same columns (a
 * no-op on SQLite), real tables with append-only triggers on PostgreSQL; heads seeded from the newest entries.
 * Never edit a released step: append a new one.
 */
import { sql, type Migration } from 'kysely';
import { GENESIS_HASH } from '../../dutylog/chain.ts';
import { appendOnly, type AnyDb } from './append-only.ts';
import type { Engine } from './db.ts';

/** The chain_heads row of one camera's seal chain: the checkpoints' name for that chain (integrity/chains.ts). */
export const sealChainLog = (cameraId: string) => `recordings/${cameraId}`;

export function chainMigrations(engine: Engine): Record<string, Migration> {
  const seqType = engine === 'sqlite' ? 'integer' : 'bigint';
  return {
    // 16: the audit trail (SQLite: legacy step "issue E"), unique predecessors, its chain head
    '0016_audit_chain': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('audit_log')
          .ifNotExists()
          .addColumn('id', seqType, (c) => c.primaryKey())
          .addColumn('at_ms', 'bigint', (c) => c.notNull())
          .addColumn('actor_id', 'integer')
          .addColumn('actor', 'text')
          .addColumn('role', 'text')
          .addColumn('ip', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('camera_id', 'text')
          .addColumn('target', 'text')
          .addColumn('footage_ms', 'bigint')
          .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .execute();
        await db.schema.createIndex('audit_log_time').ifNotExists().on('audit_log').column('at_ms').execute();
        await db.schema.createIndex('audit_log_action').ifNotExists().on('audit_log').columns(['action', 'at_ms']).execute();
        await db.schema.createIndex('audit_log_camera').ifNotExists().on('audit_log').columns(['camera_id', 'at_ms']).execute();
        // a fork is two entries with one predecessor: refused by the database even if a writer skipped the lock
        await db.schema.createIndex('audit_log_prev_hash').ifNotExists().unique().on('audit_log').column('prev_hash').execute();
        await appendOnly(db, engine, 'audit_log', 'audit_log');
        const last = await db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
        await db
          .insertInto('chain_heads')
          .values({ log: 'audit_log', seq: Number(last?.id ?? 0), hash: (last?.hash as string | undefined) ?? GENESIS_HASH })
          .onConflict((oc) => oc.column('log').doNothing())
          .execute();
      },
    },
    // 17: the segment index's seal columns and the tombstones (SQLite: legacy steps 1 and "issue F"); one seal
    // chain per camera (seal_seq dense per camera, unique: the fork guard); heads seeded per sealed camera
    '0017_seal_chains': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('segments')
          .ifNotExists()
          .addColumn('id', seqType, (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity()))
          .addColumn('camera_id', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull().unique())
          .addColumn('start_ms', 'bigint', (c) => c.notNull())
          .addColumn('end_ms', 'bigint', (c) => c.notNull())
          .addColumn('bytes', 'bigint', (c) => c.notNull())
          .addColumn('codec', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('sha256', 'text')
          .addColumn('seal_seq', 'bigint')
          .addColumn('seal_hash', 'text')
          .addColumn('origin', 'text', (c) => c.notNull().defaultTo('recorder'))
          .execute();
        await db.schema.createIndex('segments_camera_time').ifNotExists().on('segments').columns(['camera_id', 'start_ms']).execute();
        await db.schema.createIndex('segments_start').ifNotExists().on('segments').column('start_ms').execute();
        await db.schema.createIndex('segments_seal').ifNotExists().unique().on('segments').columns(['camera_id', 'seal_seq']).execute();
        await db.schema.createIndex('segments_unsealed').ifNotExists().on('segments').column('start_ms').where(sql.ref('seal_seq'), 'is', null).execute();
        await db.schema
          .createTable('segment_tombstones')
          .ifNotExists()
          .addColumn('segment_id', seqType, (c) => c.primaryKey())
          .addColumn('camera_id', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('start_ms', 'bigint', (c) => c.notNull())
          .addColumn('end_ms', 'bigint', (c) => c.notNull())
          .addColumn('bytes', 'bigint', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('seal_seq', 'bigint', (c) => c.notNull())
          .addColumn('seal_hash', 'text', (c) => c.notNull())
          .addColumn('deleted_ms', 'bigint', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('segment_tombstones_seal').ifNotExists().unique().on('segment_tombstones').columns(['camera_id', 'seal_seq']).execute();
        await appendOnly(db, engine, 'segment_tombstones', 'segment tombstones');
        if (engine === 'postgres') await postgresSealTriggers(db);
        await seedSealHeads(db);
      },
    },
  };
}

/**
 * PostgreSQL's versions of what legacy SQLite step "issue F" does with a trigger — a deleted sealed row leaves a
 * tombstone with its seal ('unexplained' unless the deleter wrote one first with its reason) — and one guard
 * SQLite does not have: a sealed row's seal (seal_seq, seal_hash, sha256, path, camera) cannot change.
 */
async function postgresSealTriggers(db: AnyDb): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION segments_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO segment_tombstones (segment_id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, deleted_ms, reason)
      VALUES (OLD.id, OLD.camera_id, OLD.path, OLD.start_ms, OLD.end_ms, OLD.bytes, OLD.sha256, OLD.seal_seq, OLD.seal_hash,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 'unexplained')
      ON CONFLICT DO NOTHING;
      RETURN OLD;
    END $$`.execute(db);
  await sql`CREATE TRIGGER segments_tombstone AFTER DELETE ON segments FOR EACH ROW WHEN (OLD.seal_seq IS NOT NULL)
    EXECUTE FUNCTION segments_tombstone()`.execute(db);
  await sql`CREATE OR REPLACE FUNCTION segments_seal_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.seal_seq IS DISTINCT FROM OLD.seal_seq OR NEW.seal_hash IS DISTINCT FROM OLD.seal_hash OR NEW.sha256 IS DISTINCT FROM OLD.sha256
         OR NEW.path IS DISTINCT FROM OLD.path OR NEW.camera_id IS DISTINCT FROM OLD.camera_id THEN
        RAISE EXCEPTION 'segment % is sealed: its seal cannot be changed', OLD.path USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER segments_seal_fixed BEFORE UPDATE ON segments FOR EACH ROW WHEN (OLD.seal_seq IS NOT NULL)
    EXECUTE FUNCTION segments_seal_fixed()`.execute(db);
}

/** One head per camera that has seals (an SQLite file the legacy Sealer wrote): its newest seal, row or tombstone. */
async function seedSealHeads(db: AnyDb): Promise<void> {
  const tips = await sql<{ camera_id: string; seq: number | string; hash: string }>`
    SELECT u.camera_id, u.seq, u.hash FROM (
      SELECT camera_id, seal_seq AS seq, seal_hash AS hash FROM segments WHERE seal_seq IS NOT NULL
      UNION ALL SELECT camera_id, seal_seq, seal_hash FROM segment_tombstones) u
    JOIN (SELECT camera_id, MAX(seq) AS seq FROM (
      SELECT camera_id, seal_seq AS seq FROM segments WHERE seal_seq IS NOT NULL
      UNION ALL SELECT camera_id, seal_seq FROM segment_tombstones) v GROUP BY camera_id) m
    ON m.camera_id = u.camera_id AND m.seq = u.seq`.execute(db);
  for (const t of tips.rows) {
    await db
      .insertInto('chain_heads')
      .values({ log: sealChainLog(t.camera_id), seq: Number(t.seq), hash: t.hash })
      .onConflict((oc) => oc.column('log').doNothing())
      .execute();
  }
}
