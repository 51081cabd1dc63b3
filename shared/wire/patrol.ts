/**
 * Patrol rounds on the wire (issue K, "Patrol"). The server (server/patrol) and the console (web/src/data/patrol.ts)
 * both import this module. Same rules as the other shared/wire files: types, constants and pure functions only,
 * no imports of any kind.
 */
export type StopOutcome = 'normal' | 'anomaly' | 'not_verifiable' | 'skipped';
export type Grade = 'on_time' | 'late' | 'incomplete' | 'missed' | 'pending';

/** 400 of POST …/stops/:idx/confirm {outcome: 'normal'} when the route requires the whole checklist and an item is not ticked. */
export const CHECKLIST_INCOMPLETE = 'checklist_incomplete';

/** A time of day as routes carry it (activeFrom, activeTo): HH:MM, 24 h. */
export const HHMM_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Indexes (0-based) of the checklist items not ticked in `checks` (missing answers count as not ticked). */
export function checklistMissing(checklist: readonly string[], checks: readonly boolean[] | null | undefined): number[] {
  const out: number[] = [];
  for (let i = 0; i < checklist.length; i++) if (checks?.[i] !== true) out.push(i);
  return out;
}

export interface OutcomeCounts {
  normal: number;
  anomaly: number;
  not_verifiable: number;
  skipped: number;
  /** stops never reached (an abandoned round) */
  not_done: number;
}

/** How many stops of a round ended how. */
export function outcomeCounts(stops: readonly { outcome: StopOutcome | null }[]): OutcomeCounts {
  const c: OutcomeCounts = { normal: 0, anomaly: 0, not_verifiable: 0, skipped: 0, not_done: 0 };
  for (const s of stops) c[s.outcome ?? 'not_done']++;
  return c;
}

/** The grade of a round's slot as of now (server/patrol/schedule.ts) and the time it had to be started by to be on time. */
export interface RoundGrade {
  grade: Grade;
  dueBy: number;
}

/** When a route is due: every `intervalMin` minutes from `activeFrom` until `activeTo` (local "HH:MM"). */
export interface PatrolSchedule {
  intervalMin: number;
  /** "HH:MM" local time */
  activeFrom: string;
  /** "HH:MM"; equal to activeFrom = around the clock; smaller = past midnight */
  activeTo: string;
  graceMin: number;
}

export interface RouteStop {
  cameraId: string;
  /** ONVIF PTZ preset token: the round moves the camera there before the dwell starts (server/patrol/ptz.ts). */
  preset: string | null;
  minDwellS: number;
  checklist: string[];
}

/** A route as GET/POST/PUT /api/patrol/routes answer. */
export interface PatrolRoute extends PatrolSchedule {
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

/** Where a preset stop's camera is: queued behind another round, moving, at the preset, or it failed to move. */
export type PtzState = 'waiting' | 'moving' | 'arrived' | 'failed';

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

/** A supervisor's verdict on a stop they replayed. */
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

/** A round as the patrol API answers it (GET /api/patrol/rounds…, start, confirm, skip, abandon). */
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
  /** the slot's grade as of the answer (closed rounds) */
  grade?: Grade;
  /** with `grade`: started by this = on time */
  dueBy?: number;
  /** GET /api/patrol/rounds/:id */
  spotChecks?: SpotCheck[];
}

/** Slots graded per route, operator, shift or day (GET /api/patrol/compliance). */
export interface Tally {
  due: number;
  on_time: number;
  late: number;
  incomplete: number;
  missed: number;
  /** on_time / due, 0..100, one decimal; null when nothing was due */
  compliance: number | null;
}

export interface GradedSlot {
  routeId: number;
  routeName: string;
  slotMs: number;
  dueBy: number;
  windowEnd: number;
  grade: Grade;
  roundId: number | null;
  userId: number | null;
  username: string | null;
  shift: string;
  day: string;
}

/** A route's current slot as GET /api/patrol/due lists it ({ now, items }). */
export interface DueItem {
  routeId: number;
  routeName: string;
  post: string;
  stops: number;
  slotMs: number | null;
  /** on time if started before this (countdown target) */
  dueBy: number | null;
  windowEnd: number | null;
  nextSlotMs: number | null;
  state: 'due' | 'overdue' | 'in_progress' | 'done' | 'not_active';
  roundId: number | null;
  username: string | null;
}

/** GET /api/patrol/compliance. */
export interface ComplianceReport {
  from: number;
  to: number;
  total: Tally;
  byRoute: Record<string, Tally & { routeName: string }>;
  byOperator: Record<string, Tally>;
  byShift: Record<string, Tally>;
  byDay: Record<string, Tally>;
  slots: GradedSlot[];
}

/** The newest signed checkpoint of a chain (duty log, audit) when something was written. */
export interface CheckpointRef {
  log: string;
  seq: number;
  time: number;
  hash: string;
}

/** What a shift hands over still open. */
export interface OpenItems {
  /** open (not resolved) alarms in all, the sum of `alarms[].count`; absent in handovers written before issue K */
  openAlarms?: number;
  /** cameras with open alarms, most first; `count` is absent in handovers written before issue K (read it as 1) */
  alarms: { cameraId: string; cameraName: string; count?: number }[];
  offlineCameras: { cameraId: string; cameraName: string; reason: string | null; since: number | null }[];
  missedRounds: { routeId: number; routeName: string; slotMs: number }[];
  /** cameras the day's equipment check flags (recording completeness under the threshold); issue L */
  equipmentProblems?: { cameraId: string; cameraName: string; completeness: number; gaps: number }[];
}

/** A shift handover (/api/handovers). */
export interface Handover {
  id: number;
  createdMs: number;
  fromUserId: number;
  fromUsername: string;
  notes: string;
  openItems: OpenItems;
  logSeq: number;
  ackUserId: number | null;
  ackUsername: string | null;
  ackMs: number | null;
  ackLogSeq: number | null;
  /** the newest signed checkpoint when the handover was written (also in its duty-log entry): a paper copy pins it */
  checkpoint: CheckpointRef | null;
}
