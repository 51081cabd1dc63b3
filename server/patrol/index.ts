/** Wires the patrol and duty-log domain together (one object for main.ts and the routers). */
import type { SqlDb } from '../store/sql/db.ts';
import { DutyLog } from '../dutylog/log.ts';
import { HandoverService, type HandoverDeps } from '../dutylog/handover.ts';
import type { AlarmSource } from './alarms.ts';
import { noAlarms } from './alarms.ts';
import type { Clock } from './clock.ts';
import { ComplianceService, DEFAULT_SHIFTS, type Shift } from './compliance.ts';
import { ReviewService } from './review.ts';
import { RoundRepo } from './rounds-repo.ts';
import { PatrolPtz, type PtzAuditEntry, type PtzMover, type PtzSettings } from './ptz.ts';
import { RoundService, type PatrolCameras, type SnapshotTaker } from './rounds.ts';
import { RouteRepo } from './routes-repo.ts';
import type { CheckpointRef } from '../../shared/wire/patrol.ts';

export interface PatrolOptions {
  /** the SQL layer: routes, rounds, stops, spot-checks, missed slots (SQL steps 0025–0026), the duty log, handovers */
  sql: SqlDb;
  clock: Clock;
  cameras: PatrolCameras;
  cameraList: HandoverDeps['cameras'];
  snapshots: SnapshotTaker;
  alarms?: AlarmSource;
  shifts?: Shift[];
  liveLatencyMs?: number;
  /** the newest signed checkpoint of the duty log / audit trail, printed on reports and handovers (issue F) */
  checkpoint?: () => CheckpointRef | null;
  /** today's flagged cameras of the equipment check, listed at handover */
  equipmentProblems?: HandoverDeps['equipmentProblems'];
  /** drives preset stops (ONVIF); without it a preset stop is not verifiable */
  ptz?: PtzMover;
  /** records a round's PTZ moves in the audit trail (`ptz.goto`) */
  ptzAudit?: (e: PtzAuditEntry) => void;
  ptzSettings?: Partial<PtzSettings>;
}

export type { CheckpointRef } from '../../shared/wire/patrol.ts';

export interface Patrol {
  clock: Clock;
  log: DutyLog;
  routes: RouteRepo;
  roundRepo: RoundRepo;
  rounds: RoundService;
  compliance: ComplianceService;
  review: ReviewService;
  handover: HandoverService;
  cameras: PatrolCameras;
  checkpoint: () => CheckpointRef | null;
  ptz: PatrolPtz;
}

export function createPatrol(o: PatrolOptions): Patrol {
  const alarms = o.alarms ?? noAlarms;
  const log = new DutyLog(o.sql, o.clock);
  const routes = new RouteRepo(o.sql, o.clock);
  const roundRepo = new RoundRepo(o.sql);
  const ptz = new PatrolPtz({ rounds: roundRepo, clock: o.clock, mover: o.ptz, audit: o.ptzAudit, settings: o.ptzSettings });
  const compliance = new ComplianceService(routes, roundRepo, o.clock, o.shifts ?? DEFAULT_SHIFTS);
  return {
    clock: o.clock,
    log,
    routes,
    roundRepo,
    compliance,
    cameras: o.cameras,
    checkpoint: o.checkpoint ?? (() => null),
    ptz,
    rounds: new RoundService({
      routes, rounds: roundRepo, log, clock: o.clock, cameras: o.cameras, alarms, snapshots: o.snapshots,
      liveLatencyMs: o.liveLatencyMs ?? 3000,
      ptz,
    }),
    review: new ReviewService(roundRepo, log, o.clock),
    handover: new HandoverService({ log, clock: o.clock, alarms, compliance, cameras: o.cameraList, checkpoint: o.checkpoint, equipmentProblems: o.equipmentProblems }),
  };
}
