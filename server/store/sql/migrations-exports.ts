/**
 * SQL steps 31–32 (issue J, docs/cluster.md "Port: evidence exports and the equipment report"): the export jobs and
 * the equipment check's camera events on both engines. Same rules as the other steps: the tables the legacy SQLite
 * steps made ("issue E" exports, "issue L point 3" camera_events) are created `ifNotExists` with the same columns
 * (a no-op on SQLite), the real tables on PostgreSQL. Never edit a released step: append a new one.
 */
import { sql, type Migration } from 'kysely';
import type { AnyDb } from './append-only.ts';
import type { Engine } from './db.ts';

export function exportMigrations(engine: Engine): Record<string, Migration> {
  return {
    '0031_exports': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('exports')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          // a JSON array of camera ids (text on both engines; read with json_each / jsonb_array_elements_text)
          .addColumn('camera_ids', 'text', (c) => c.notNull())
          .addColumn('from_ms', 'bigint', (c) => c.notNull())
          .addColumn('to_ms', 'bigint', (c) => c.notNull())
          .addColumn('case_ref', 'text')
          .addColumn('reason', 'text', (c) => c.notNull())
          // no reference to users(id): a job outlives its requester (as on SQLite)
          .addColumn('user_id', 'bigint')
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('progress', engine === 'sqlite' ? 'real' : 'double precision', (c) => c.notNull().defaultTo(0))
          .addColumn('file', 'text')
          .addColumn('bytes', 'bigint')
          .addColumn('sha256', 'text')
          .addColumn('error_code', 'text')
          .addColumn('error', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('finished_at', 'bigint')
          .addCheckConstraint('exports_status', sql`status IN ('queued','running','done','failed')`)
          .execute();
        await db.schema.createIndex('exports_created').ifNotExists().on('exports').column('created_at').execute();
      },
    },
    '0032_camera_events': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('camera_events')
          .ifNotExists()
          .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', (c) =>
            engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
          )
          .addColumn('camera_id', 'text', (c) => c.notNull())
          .addColumn('ts_ms', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('detail', 'text')
          .addCheckConstraint('camera_events_kind', sql`kind IN ('restart')`)
          .execute();
        await db.schema.createIndex('camera_events_camera').ifNotExists().on('camera_events').columns(['camera_id', 'ts_ms']).execute();
      },
    },
  };
}
