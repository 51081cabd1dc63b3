/** Patrol domain types shared by the store, services and routes. */
import type { Grade, Schedule } from './schedule.ts';

export interface RouteStop {
  cameraId: string;
  /** ONVIF PTZ preset token: the round moves the camera there before the dwell starts (server/patrol/ptz.ts). */
  preset: string | null;
  minDwellS: number;
  checklist: string[];
}

export interface PatrolRoute extends Schedule {
  id: number;
  name: string;
  /** The post or role the route belongs to ("control room", "gate post"). */
  post: string;
  stops: RouteStop[];
  /** A stop is confirmed "normal" only with every checklist item ticked (issue K; default off). */
  requireChecklist: boolean;
  enabled: boolean;
  createdMs: number;
  updatedMs: number;
}

/** `requireChecklist` absent = off (routes written before issue K). */
export type RouteInput = Omit<PatrolRoute, 'id' | 'createdMs' | 'updatedMs' | 'requireChecklist'> & { requireChecklist?: boolean };

/** Where a preset stop's camera is: queued behind another round, moving, at the preset, or it failed to move. */
export type PtzState = 'waiting' | 'moving' | 'arrived' | 'failed';

export type { StopOutcome } from '../../shared/wire/patrol.ts';
import type { StopOutcome } from '../../shared/wire/patrol.ts';
export type RoundStatus = 'in_progress' | 'completed' | 'abandoned';

export interface RoundStop {
  idx: number;
  cameraId: string;
  cameraName: string;
  preset: string | null;
  minDwellS: number;
  checklist: string[];
  /** The camera had open alarms when the round started (moved to the front). */
  alarm: boolean;
  /** Preset stops: the move (null for a stop without a preset, or before the round reached it). */
  ptzState: PtzState | null;
  /** Why the camera did not get to the preset (ptzState failed). */
  ptzError: string | null;
  /** When GotoPreset was sent. */
  gotoMs: number | null;
  /** When the camera reported it had arrived (or the settle time passed); the dwell starts here. */
  arrivedMs: number | null;
  /** For a preset stop: the camera's arrival (or the failure); the dwell and the recorded range start here. */
  viewStartedMs: number | null;
  viewEndedMs: number | null;
  dwellMs: number | null;
  outcome: StopOutcome | null;
  note: string | null;
  /** Checklist answers, same order as checklist. */
  checks: boolean[] | null;
  hasSnapshot: boolean;
  /** The recording time range that was on screen while viewing. */
  recFromMs: number | null;
  recToMs: number | null;
  userId: number | null;
  dispatch: boolean;
  logSeq: number | null;
}

export interface SpotCheck {
  id: number;
  idx: number;
  userId: number;
  username: string;
  verdict: 'agree' | 'disagree';
  note: string;
  createdMs: number;
  logSeq: number | null;
}

export interface Round {
  id: number;
  routeId: number;
  routeName: string;
  slotMs: number;
  userId: number;
  username: string;
  status: RoundStatus;
  startedMs: number;
  endedMs: number | null;
  abandonReason: string | null;
  logSeq: number | null;
  /** copied from the route when the round started: "normal" needs every checklist item ticked */
  requireChecklist: boolean;
  stops: RoundStop[];
  /** Index of the stop being viewed; null when the round is over. */
  currentIdx: number | null;
  grade?: Grade;
  /** with `grade`: started by this = on time */
  dueBy?: number;
  spotChecks?: SpotCheck[];
}

export interface Actor {
  id: number;
  username: string;
  role: string;
}
