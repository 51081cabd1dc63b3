/**
 * SQL step 40 (issue J, docs/mqtt.md "Outbox"): the MQTT outbox. Every alarm event and duty-log entry a node
 * publishes is a row here first; the publisher (server/mqtt/outbox.ts, publisher.ts) sends the rows in seq order
 * (QoS 1) and deletes one only after the broker's PUBACK. `seq` is handed out by the database and never reused
 * (SQLite AUTOINCREMENT, PostgreSQL identity), so it is the per-node sequence number consumers drop duplicates by.
 */
import type { ColumnDefinitionBuilder, Migration } from 'kysely';
import type { AnyDb } from './append-only.ts';
import type { Engine } from './db.ts';

export function outboxMigrations(engine: Engine): Record<string, Migration> {
  const seq = (c: ColumnDefinitionBuilder) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity());
  return {
    '0040_mqtt_outbox': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('mqtt_outbox')
          .ifNotExists()
          .addColumn('seq', engine === 'sqlite' ? 'integer' : 'bigint', seq)
          .addColumn('topic', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('qos', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  };
}
