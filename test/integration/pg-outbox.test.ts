/** The MQTT outbox and its sender on a real PostgreSQL (test/support/postgres.ts): the suite test/unit/mqtt-outbox.test.ts runs on SQLite. */
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { startPostgres, type PgCluster } from '../support/postgres.ts';
import { closeAll, postgresEngine } from '../support/sql-engines.ts';
import { outboxSuite } from '../support/sql-suites/outbox.ts';

let cluster: PgCluster;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterEach(closeAll);
afterAll(async () => {
  await cluster?.dispose();
});

describe('MQTT outbox', () => outboxSuite(postgresEngine(() => cluster)));
