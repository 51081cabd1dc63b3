/**
 * SQL steps 28 and 33 (issue J, docs/cluster.md "Port: segment index and evidence locks"): the evidence locks and
 * the recording gaps found by the start-up reconcile, on both engines. The segment index itself (`segments`, `segment_tombstones`) is step 0017 (migrations-chains.ts). Same
 * rules as the other steps: the table the legacy SQLite step made ("issue F") is created `ifNotExists` with the same
 * columns (a no-op on SQLite), the real table on PostgreSQL. Never edit a released step: append a new one.
 */
import { sql, type Migration } from 'kysely';
import type { AnyDb } from './append-only.ts';
import type { Engine } from './db.ts';

export function segmentMigrations(engine: Engine): Record<string, Migration> {
  return {
    '0028_evidence_locks': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('evidence_locks')
          .ifNotExists()
          .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', (c) =>
            engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
          )
          .addColumn('camera_id', 'text', (c) => c.notNull())
          .addColumn('start_ms', 'bigint', (c) => c.notNull())
          .addColumn('end_ms', 'bigint', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('case_ref', 'text')
          .addColumn('export_id', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('released_at', 'bigint')
          .addColumn('released_by', 'text')
          .addColumn('release_reason', 'text')
          .addCheckConstraint('evidence_locks_range', sql`end_ms > start_ms`)
          .execute();
        await db.schema.createIndex('evidence_locks_camera').ifNotExists().on('evidence_locks').columns(['camera_id', 'start_ms']).execute();
        // the timeline query and retention's picks: segments of a camera by end (legacy SQLite has (camera_id, start_ms) only)
        await db.schema.createIndex('segments_camera_end').ifNotExists().on('segments').columns(['camera_id', 'end_ms']).execute();
      },
    },
    // the gaps the start-up reconcile records (server/retention/reconcile.ts): legacy columns
    '0033_recording_gaps': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('recording_gaps')
          .ifNotExists()
          .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', (c) =>
            engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
          )
          .addColumn('camera_id', 'text', (c) => c.notNull())
          .addColumn('start_ms', 'bigint', (c) => c.notNull())
          .addColumn('end_ms', 'bigint', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('path', 'text')
          .addColumn('detected_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('recording_gaps_camera').ifNotExists().on('recording_gaps').columns(['camera_id', 'start_ms']).execute();
      },
    },
  };
}
