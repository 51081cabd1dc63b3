/**
 * SQL steps 25–27 (issue J, docs/cluster.md "Port: patrol and dispatch"): patrol routes, rounds and their stops
 * (legacy migrations 2, the PTZ step and 13 on SQLite), spot-checks and missed slots, and dispatches to guards with
 * their photos (legacy "issue L point 2"). Each table is created `ifNotExists` with the legacy columns: a no-op on
 * an existing SQLite file, the real table on PostgreSQL.
 *
 * PostgreSQL differences: ids are identity columns; `dispatches.alarm_id` has no reference to `alarms(id)` (that
 * table is another port's; the reference is for that step to add); dispatch photos are append-only by the same
 * trigger helper as the chains (SQLite keeps its legacy triggers).
 */
import { sql, type ColumnDefinitionBuilder, type Migration } from 'kysely';
import { appendOnly, type AnyDb } from './append-only.ts';
import type { Engine } from './db.ts';

export function patrolMigrations(engine: Engine): Record<string, Migration> {
  const autoId = (c: ColumnDefinitionBuilder) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity());
  const flag = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);
  return {
    '0025_patrol_routes_rounds': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('patrol_routes')
          .ifNotExists()
          .addColumn('id', 'integer', autoId)
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('post', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('interval_min', 'integer', (c) => c.notNull())
          .addColumn('active_from', 'text', (c) => c.notNull())
          .addColumn('active_to', 'text', (c) => c.notNull())
          .addColumn('grace_min', 'integer', (c) => c.notNull())
          .addColumn('stops_json', 'text', (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .addColumn('updated_ms', 'bigint', (c) => c.notNull())
          .addColumn('require_checklist', 'integer', flag)
          .execute();
        await db.schema
          .createTable('patrol_rounds')
          .ifNotExists()
          .addColumn('id', 'integer', autoId)
          .addColumn('route_id', 'integer', (c) => c.notNull().references('patrol_routes.id'))
          .addColumn('route_name', 'text', (c) => c.notNull())
          .addColumn('slot_ms', 'bigint', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('in_progress','completed','abandoned')`))
          .addColumn('started_ms', 'bigint', (c) => c.notNull())
          .addColumn('ended_ms', 'bigint')
          .addColumn('abandon_reason', 'text')
          .addColumn('log_seq', 'bigint')
          .addColumn('require_checklist', 'integer', flag)
          .addUniqueConstraint('patrol_rounds_slot', ['route_id', 'slot_ms'])
          .execute();
        await db.schema.createIndex('patrol_rounds_user').ifNotExists().on('patrol_rounds').columns(['user_id', 'status']).execute();
        await db.schema
          .createTable('patrol_stops')
          .ifNotExists()
          .addColumn('round_id', 'integer', (c) => c.notNull().references('patrol_rounds.id'))
          .addColumn('idx', 'integer', (c) => c.notNull())
          .addColumn('camera_id', 'text', (c) => c.notNull())
          .addColumn('camera_name', 'text', (c) => c.notNull())
          .addColumn('preset', 'text')
          .addColumn('min_dwell_s', 'integer', (c) => c.notNull())
          .addColumn('checklist_json', 'text', (c) => c.notNull())
          .addColumn('alarm_flag', 'integer', flag)
          .addColumn('view_started_ms', 'bigint')
          .addColumn('view_ended_ms', 'bigint')
          .addColumn('outcome', 'text', (c) => c.check(sql`outcome IN ('normal','anomaly','not_verifiable','skipped')`))
          .addColumn('note', 'text')
          .addColumn('checks_json', 'text')
          .addColumn('snapshot', 'text')
          .addColumn('rec_from_ms', 'bigint')
          .addColumn('rec_to_ms', 'bigint')
          .addColumn('user_id', 'integer')
          .addColumn('dispatch', 'integer', flag)
          .addColumn('log_seq', 'bigint')
          .addColumn('ptz_state', 'text', (c) => c.check(sql`ptz_state IN ('waiting','moving','arrived','failed')`))
          .addColumn('ptz_error', 'text')
          .addColumn('goto_ms', 'bigint')
          .addColumn('arrived_ms', 'bigint')
          .addPrimaryKeyConstraint('patrol_stops_pk', ['round_id', 'idx'])
          .execute();
        await db.schema.createIndex('patrol_stops_camera').ifNotExists().on('patrol_stops').columns(['camera_id', 'view_started_ms']).execute();
      },
    },
    '0026_patrol_spot_checks_missed': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('patrol_spot_checks')
          .ifNotExists()
          .addColumn('id', 'integer', autoId)
          .addColumn('round_id', 'integer', (c) => c.notNull().references('patrol_rounds.id'))
          .addColumn('idx', 'integer', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict IN ('agree','disagree')`))
          .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .addColumn('log_seq', 'bigint')
          .execute();
        await db.schema
          .createTable('patrol_missed')
          .ifNotExists()
          .addColumn('route_id', 'integer', (c) => c.notNull())
          .addColumn('slot_ms', 'bigint', (c) => c.notNull())
          .addColumn('log_seq', 'bigint')
          .addPrimaryKeyConstraint('patrol_missed_pk', ['route_id', 'slot_ms'])
          .execute();
      },
    },
    '0027_dispatches': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('dispatches')
          .ifNotExists()
          .addColumn('id', 'integer', autoId)
          .addColumn('alarm_id', 'integer', (c) => c.notNull())
          .addColumn('camera_id', 'text', (c) => c.notNull())
          .addColumn('guard_id', 'integer', (c) => c.notNull().references('users.id'))
          .addColumn('by_name', 'text', (c) => c.notNull())
          .addColumn('note', 'text')
          .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('sent','on_way','arrived','handled')`))
          .addColumn('sent_ms', 'bigint', (c) => c.notNull())
          .addColumn('accept_by_ms', 'bigint', (c) => c.notNull())
          .addColumn('on_way_ms', 'bigint')
          .addColumn('on_way_note', 'text')
          .addColumn('arrived_ms', 'bigint')
          .addColumn('arrived_note', 'text')
          .addColumn('handled_ms', 'bigint')
          .addColumn('handled_note', 'text')
          .addColumn('overdue_ms', 'bigint')
          .execute();
        await db.schema.createIndex('dispatches_guard').ifNotExists().on('dispatches').columns(['guard_id', 'sent_ms']).execute();
        await db.schema.createIndex('dispatches_alarm').ifNotExists().on('dispatches').columns(['alarm_id', 'sent_ms']).execute();
        await db.schema.createIndex('dispatches_time').ifNotExists().on('dispatches').column('sent_ms').execute();
        await db.schema
          .createIndex('dispatches_waiting')
          .ifNotExists()
          .on('dispatches')
          .column('accept_by_ms')
          .where(sql.ref('state'), '=', 'sent')
          .where(sql.ref('overdue_ms'), 'is', null)
          .execute();
        await db.schema
          .createTable('dispatch_photos')
          .ifNotExists()
          .addColumn('dispatch_id', 'integer', (c) => c.notNull().references('dispatches.id'))
          .addColumn('n', 'integer', (c) => c.notNull().check(sql`n BETWEEN 1 AND 3`))
          .addColumn('file', 'text', (c) => c.notNull())
          .addColumn('mime', 'text', (c) => c.notNull().check(sql`mime IN ('image/jpeg','image/png')`))
          .addColumn('bytes', 'integer', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('dispatch_photos_pk', ['dispatch_id', 'n'])
          .execute();
        // SQLite: the legacy triggers exist (the helper's are IF NOT EXISTS with the same names)
        if (engine === 'postgres') await appendOnly(db, engine, 'dispatch_photos', 'dispatch photos (evidence)');
      },
    },
  };
}
