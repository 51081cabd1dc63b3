/**
 * The repositories ported to the SQL layer (docs/cluster.md step 3) on a real PostgreSQL (test/support/postgres.ts):
 * the same suites as test/unit/sql-repos.test.ts (and the MQTT outbox's, test/unit/mqtt-outbox.test.ts) run on
 * SQLite, one fresh database per test.
 */
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { startPostgres, type PgCluster } from '../support/postgres.ts';
import { closeAll, postgresEngine } from '../support/sql-engines.ts';
import { wallViewSuite } from '../support/sql-suites/wall-views.ts';
import { cameraGroupSuite } from '../support/sql-suites/camera-groups.ts';
import { sessionSuite, userSuite } from '../support/sql-suites/users.ts';
import { cameraSuite } from '../support/sql-suites/cameras.ts';
import { patrolSuite } from '../support/sql-suites/patrol.ts';
import { dispatchSuite } from '../support/sql-suites/dispatch.ts';
import { segmentSuite } from '../support/sql-suites/segments.ts';
import { chainsSuite } from '../support/sql-suites/chains.ts';
import { exportSuite } from '../support/sql-suites/exports.ts';
import { equipmentSuite } from '../support/sql-suites/equipment.ts';
import { verifySuite } from '../support/sql-suites/verify.ts';
import { outboxSuite } from '../support/sql-suites/outbox.ts';
import { alarmSuite } from '../support/sql-suites/alarms.ts';

let cluster: PgCluster;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterEach(closeAll);
afterAll(async () => {
  await cluster?.dispose();
});

const e = postgresEngine(() => cluster);
describe('wall views', () => wallViewSuite(e));
describe('camera groups and rights', () => cameraGroupSuite(e));
describe('users', () => userSuite(e));
describe('sessions', () => sessionSuite(e));
describe('cameras and ONVIF facts', () => cameraSuite(e));
describe('patrol routes and rounds', () => patrolSuite(e));
describe('dispatches to guards', () => dispatchSuite(e));
describe('MQTT outbox', () => outboxSuite(e));
describe('segment index, evidence locks, retention deletes', () => segmentSuite(e));
describe('zones and alarms', () => alarmSuite(e));
describe('duty log, handovers, audit trail (the server\'s classes)', () => chainsSuite(e));
describe('export jobs and camera events', () => exportSuite(e));
describe('equipment report, open-alarm counts, camera guard look-ups', () => equipmentSuite(e));
describe('verify-recordings, seal-chain checkpoints, the site key\'s sealed count', () => verifySuite(e));
