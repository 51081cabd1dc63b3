/** The MQTT outbox and its sender on the embedded SQLite, in memory and in a WAL file (PostgreSQL: the same suite in test/integration/pg-repos.test.ts). */
import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { closeAll, sqliteFile, sqliteMemory } from '../support/sql-engines.ts';
import { outboxSuite } from '../support/sql-suites/outbox.ts';

afterEach(closeAll);

describe.each([sqliteMemory, sqliteFile])('$name', (e) => outboxSuite(e));

test('a step numbered before 0040 that arrives after 0040 was applied still runs (allowUnorderedMigrations)', async () => {
  const s = await sqliteFile.open();
  // as if 0021 had been merged after this database got 0040: forget that 0021 ran
  await sql`DELETE FROM kysely_migration WHERE name = '0021_sessions'`.execute(s.db);
  expect(await migrateSql(s)).toEqual(['0021_sessions']);
  const names = (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(s.db)).rows.map((r) => r.name);
  expect(names).toContain('0040_mqtt_outbox');
  expect(names).toContain('0021_sessions');
});
