/**
 * The repositories ported to the SQL layer (docs/cluster.md step 3) on the embedded SQLite, in memory and in a
 * WAL file. The same suites run on a real PostgreSQL in test/integration/pg-repos.test.ts.
 */
import { afterEach, describe } from 'vitest';
import { closeAll, sqliteFile, sqliteMemory } from '../support/sql-engines.ts';
import { wallViewSuite } from '../support/sql-suites/wall-views.ts';
import { cameraGroupSuite } from '../support/sql-suites/camera-groups.ts';
import { sessionSuite, userSuite } from '../support/sql-suites/users.ts';
import { cameraSuite } from '../support/sql-suites/cameras.ts';
import { patrolSuite } from '../support/sql-suites/patrol.ts';
import { dispatchSuite } from '../support/sql-suites/dispatch.ts';
import { segmentSuite } from '../support/sql-suites/segments.ts';
import { alarmSuite } from '../support/sql-suites/alarms.ts';
import { chainsSuite } from '../support/sql-suites/chains.ts';
import { exportSuite } from '../support/sql-suites/exports.ts';
import { equipmentSuite } from '../support/sql-suites/equipment.ts';
import { verifySuite } from '../support/sql-suites/verify.ts';

afterEach(closeAll);

describe.each([sqliteMemory, sqliteFile])('$name', (e) => {
  describe('wall views', () => wallViewSuite(e));
  describe('camera groups and rights', () => cameraGroupSuite(e));
  describe('users', () => userSuite(e));
  describe('sessions', () => sessionSuite(e));
  describe('cameras and ONVIF facts', () => cameraSuite(e));
  describe('patrol routes and rounds', () => patrolSuite(e));
  describe('dispatches to guards', () => dispatchSuite(e));
  describe('segment index, evidence locks, retention deletes', () => segmentSuite(e));
  describe('zones and alarms', () => alarmSuite(e));
  describe('duty log, handovers, audit trail (the server\'s classes)', () => chainsSuite(e));
  describe('export jobs and camera events', () => exportSuite(e));
  describe('equipment report, open-alarm counts, camera guard look-ups', () => equipmentSuite(e));
  describe('verify-recordings, seal-chain checkpoints, the site key\'s sealed count', () => verifySuite(e));
});
