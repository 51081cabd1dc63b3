/**
 * SQL steps 29 and 30 (issue J, docs/cluster.md "Port: the chains") on both engines: shift handovers (a handover
 * is two duty-log entries, written and acknowledged; this table only indexes them, server/dutylog/handover.ts) and
 * the signed checkpoints of the hash chains (server/integrity/checkpoints.ts; append-only). On SQLite the legacy
 * steps "issue D" and "issue F" made both: created `ifNotExists` with the same columns, a no-op there.
 * Never edit a released step: append a new one.
 */
import type { ColumnDefinitionBuilder, Migration } from 'kysely';
import { appendOnly, type AnyDb } from './append-only.ts';
import type { Engine } from './db.ts';

export function dutyLogMigrations(engine: Engine): Record<string, Migration> {
  const id = (c: ColumnDefinitionBuilder) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity());
  return {
    '0029_handovers': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('handovers')
          .ifNotExists()
          .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', id)
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .addColumn('from_user_id', 'integer', (c) => c.notNull())
          .addColumn('from_username', 'text', (c) => c.notNull())
          .addColumn('notes', 'text', (c) => c.notNull())
          .addColumn('open_items_json', 'text', (c) => c.notNull())
          .addColumn('log_seq', 'bigint', (c) => c.notNull())
          .addColumn('ack_user_id', 'integer')
          .addColumn('ack_username', 'text')
          .addColumn('ack_ms', 'bigint')
          .addColumn('ack_log_seq', 'bigint')
          .execute();
      },
    },
    '0030_checkpoints': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('checkpoints')
          .ifNotExists()
          .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', id)
          .addColumn('log', 'text', (c) => c.notNull())
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('head_hash', 'text', (c) => c.notNull())
          .addColumn('count', 'bigint', (c) => c.notNull())
          .addColumn('time_ms', 'bigint', (c) => c.notNull())
          .addColumn('key_fp', 'text', (c) => c.notNull())
          .addColumn('from_seq', 'bigint', (c) => c.notNull())
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('sig', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .execute();
        await db.schema.createIndex('checkpoints_log').ifNotExists().on('checkpoints').columns(['log', 'seq']).execute();
        await appendOnly(db, engine, 'checkpoints', 'checkpoints');
      },
    },
  };
}
