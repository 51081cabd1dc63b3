/** Rows of rounds and stops as the patrol domain sees them (rounds-repo.ts). */
import type { Selectable } from 'kysely';
import type { PatrolRoundsTable, PatrolStopsTable } from '../store/sql/schema.ts';
import type { RoundStatus, RoundStop, StopOutcome } from './types.ts';

export type RoundRow = Selectable<PatrolRoundsTable>;
export type StopRow = Selectable<PatrolStopsTable>;

export const toStop = (s: StopRow): RoundStop => ({
  idx: s.idx,
  cameraId: s.camera_id,
  cameraName: s.camera_name,
  preset: s.preset,
  minDwellS: s.min_dwell_s,
  checklist: JSON.parse(s.checklist_json) as string[],
  alarm: s.alarm_flag === 1,
  ptzState: s.ptz_state,
  ptzError: s.ptz_error,
  gotoMs: s.goto_ms,
  arrivedMs: s.arrived_ms,
  viewStartedMs: s.view_started_ms,
  viewEndedMs: s.view_ended_ms,
  dwellMs: s.view_started_ms !== null && s.view_ended_ms !== null ? s.view_ended_ms - s.view_started_ms : null,
  outcome: s.outcome,
  note: s.note,
  checks: s.checks_json ? (JSON.parse(s.checks_json) as boolean[]) : null,
  hasSnapshot: s.snapshot !== null,
  recFromMs: s.rec_from_ms,
  recToMs: s.rec_to_ms,
  userId: s.user_id,
  dispatch: s.dispatch === 1,
  logSeq: s.log_seq,
});

export interface NewStop {
  cameraId: string;
  cameraName: string;
  preset: string | null;
  minDwellS: number;
  checklist: string[];
  alarm: boolean;
}

export interface StopResult {
  viewEndedMs: number;
  outcome: StopOutcome;
  note: string | null;
  checks: boolean[] | null;
  snapshot: string | null;
  recFromMs: number | null;
  recToMs: number | null;
  userId: number;
  dispatch: boolean;
  logSeq: number | null;
}

/** A stop with the round it belongs to (review markers). */
export interface CameraStop extends RoundStop {
  roundId: number;
  routeName: string;
  username: string;
}

export interface RoundFilter {
  from?: number;
  to?: number;
  userId?: number;
  routeId?: number;
  status?: RoundStatus;
  limit?: number;
}
