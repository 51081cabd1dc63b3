/**
 * SQL steps 23 and 24 (issue J, docs/cluster.md "Port: zones and alarms"): the per-camera detection zones and the
 * alarms. Both tables exist on SQLite since the legacy migrations ("alarms (issue C)", rebuilt by "issue H"), so
 * the steps are `ifNotExists` with exactly those columns: a no-op on an existing SQLite file, the real tables
 * (same columns, checks and indexes) on PostgreSQL.
 */
import { sql, type Migration } from 'kysely';
import type { AnyDb } from './append-only.ts';
import type { Engine } from './db.ts';

export function alarmMigrations(engine: Engine): Record<string, Migration> {
  return {
    '0023_camera_zones': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('camera_zones')
          .ifNotExists()
          .addColumn('camera_id', 'text', (c) => c.primaryKey())
          .addColumn('zones', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_by', 'text')
          .execute();
      },
    },
    '0024_alarms': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('alarms')
          .ifNotExists()
          .addColumn('id', 'integer', (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity()))
          .addColumn('camera_id', 'text', (c) => c.notNull())
          .addColumn('zone', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('loitering','blocked_exit','camera_tamper')`))
          .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('open','acknowledged','dispatched','resolved')`))
          .addColumn('since_ms', 'bigint', (c) => c.notNull())
          .addColumn('start_ms', 'bigint', (c) => c.notNull())
          .addColumn('end_ms', 'bigint')
          .addColumn('recording_ms', 'bigint', (c) => c.notNull())
          // SQLite REAL is 8 bytes; PostgreSQL `real` would be 4: double precision keeps the scores as they are
          .addColumn('score', 'double precision', (c) => c.notNull())
          .addColumn('track_ids', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('snapshot', 'text')
          .addColumn('ack_ms', 'bigint')
          .addColumn('ack_by', 'text')
          .addColumn('ack_note', 'text')
          .addColumn('dispatch_ms', 'bigint')
          .addColumn('dispatch_by', 'text')
          .addColumn('dispatch_to', 'text')
          .addColumn('dispatch_note', 'text')
          .addColumn('resolve_ms', 'bigint')
          .addColumn('resolve_by', 'text')
          .addColumn('resolve_note', 'text')
          .addColumn('outcome', 'text', (c) => c.check(sql`outcome IS NULL OR outcome IN ('genuine','false_alarm','test')`))
          .addColumn('outcome_note', 'text')
          .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(2).check(sql`priority IN (1, 2, 3)`))
          .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1).check(sql`occurrences >= 1`))
          .addColumn('last_seen_ms', 'bigint')
          .addColumn('reopened_ms', 'bigint')
          .execute();
        await db.schema.createIndex('alarms_status').ifNotExists().on('alarms').columns(['status', 'start_ms']).execute();
        await db.schema.createIndex('alarms_camera').ifNotExists().on('alarms').columns(['camera_id', 'start_ms']).execute();
        await db.schema.createIndex('alarms_episode').ifNotExists().on('alarms').columns(['camera_id', 'zone', 'kind', 'start_ms']).execute();
      },
    },
  };
}
