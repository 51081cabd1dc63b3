/** The MQTT outbox and its sender on the embedded SQLite, in memory and in a WAL file (PostgreSQL: test/integration/pg-outbox.test.ts). */
import { afterEach, describe } from 'vitest';
import { closeAll, sqliteFile, sqliteMemory } from '../support/sql-engines.ts';
import { outboxSuite } from '../support/sql-suites/outbox.ts';

afterEach(closeAll);

describe.each([sqliteMemory, sqliteFile])('$name', (e) => outboxSuite(e));
