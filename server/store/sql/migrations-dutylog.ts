/**
 * SQL step 29 (issue J, docs/cluster.md "Port: the chains"): shift handovers on both engines. The duty log
 * itself is step 15, its chain head too; a handover is two duty-log entries (written and acknowledged) and this
 * table only indexes them (server/dutylog/handover.ts). On SQLite the legacy step "issue D" made it: created
 * `ifNotExists` with the same columns, a no-op there. Never edit a released step: append a new one.
 */
import type { ColumnDefinitionBuilder, Migration } from 'kysely';
import type { AnyDb } from './append-only.ts';
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
  };
}
