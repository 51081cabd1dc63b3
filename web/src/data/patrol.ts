/** Patrol rounds, routes, compliance, handovers and reports (docs/patrol.md). All fetching lives here. */
import { api } from './api';

export type { Grade, OutcomeCounts, StopOutcome } from '../../../shared/wire/patrol';
export { CHECKLIST_INCOMPLETE, checklistMissing, outcomeCounts } from '../../../shared/wire/patrol';
import type { Grade, StopOutcome } from '../../../shared/wire/patrol';

/** Where a preset stop's camera is (issue L point 1). */
export type PtzState = 'waiting' | 'moving' | 'arrived' | 'failed';

export interface RoundStop {
  idx: number;
  cameraId: string;
  cameraName: string;
  /** ONVIF PTZ preset token; the round moves the camera there before the dwell starts */
  preset: string | null;
  ptzState: PtzState | null;
  ptzError: string | null;
  gotoMs: number | null;
  arrivedMs: number | null;
  minDwellS: number;
  checklist: string[];
  alarm: boolean;
  viewStartedMs: number | null;
  viewEndedMs: number | null;
  dwellMs: number | null;
  outcome: StopOutcome | null;
  note: string | null;
  checks: boolean[] | null;
  hasSnapshot: boolean;
  recFromMs: number | null;
  recToMs: number | null;
  dispatch: boolean;
}

export interface SpotCheck {
  id: number;
  idx: number;
  username: string;
  verdict: 'agree' | 'disagree';
  note: string;
  createdMs: number;
}

export interface Round {
  id: number;
  routeId: number;
  routeName: string;
  slotMs: number;
  username: string;
  status: 'in_progress' | 'completed' | 'abandoned';
  startedMs: number;
  endedMs: number | null;
  abandonReason?: string | null;
  /** "normal" needs every checklist item ticked (copied from the route when the round started) */
  requireChecklist: boolean;
  stops: RoundStop[];
  currentIdx: number | null;
  /** the slot's grade as of the answer, and the time the round had to be started by to be on time */
  grade?: Grade;
  dueBy?: number;
  spotChecks?: SpotCheck[];
}

export interface DueItem {
  routeId: number;
  routeName: string;
  post: string;
  stops: number;
  slotMs: number | null;
  dueBy: number | null;
  windowEnd: number | null;
  nextSlotMs: number | null;
  state: 'due' | 'overdue' | 'in_progress' | 'done' | 'not_active';
  roundId: number | null;
  username: string | null;
}

export interface Tally {
  due: number;
  on_time: number;
  late: number;
  incomplete: number;
  missed: number;
  compliance: number | null;
}

export interface GradedSlot {
  routeId: number;
  routeName: string;
  slotMs: number;
  grade: Grade;
  roundId: number | null;
  username: string | null;
  shift: string;
  day: string;
}

export interface Compliance {
  total: Tally;
  byRoute: Record<string, Tally & { routeName: string }>;
  byOperator: Record<string, Tally>;
  byShift: Record<string, Tally>;
  byDay: Record<string, Tally>;
  slots: GradedSlot[];
}

export interface RouteStopInput {
  cameraId: string;
  preset?: string | null;
  minDwellS: number;
  checklist: string[];
}

/** Body of POST/PUT /api/patrol/routes (docs/patrol.md). */
export interface RouteInput {
  name: string;
  post: string;
  intervalMin: number;
  activeFrom: string;
  activeTo: string;
  graceMin: number;
  enabled: boolean;
  /** a stop is confirmed "normal" only with every checklist item ticked */
  requireChecklist: boolean;
  stops: RouteStopInput[];
}

export interface PatrolRoute extends RouteInput {
  id: number;
  stops: (RouteStopInput & { preset: string | null })[];
  createdMs: number;
  updatedMs: number;
}

/** Who may create and edit routes (the server enforces it too). */
export const canEditRoutes = (role: string | undefined): boolean => role === 'supervisor' || role === 'admin';

export const fetchRoutes = (all = true) => api<PatrolRoute[]>('GET', `/api/patrol/routes${all ? '?all=1' : ''}`);
export const fetchRoute = (id: number) => api<PatrolRoute>('GET', `/api/patrol/routes/${id}`);
export const createRoute = (input: RouteInput) => api<PatrolRoute>('POST', '/api/patrol/routes', { body: input });
export const updateRoute = (id: number, input: RouteInput) => api<PatrolRoute>('PUT', `/api/patrol/routes/${id}`, { body: input });

/** Server time minus local time, from the last answer that carried `now` (countdowns use server time). */
let clockOffset = 0;
export const serverNow = (): number => Date.now() + clockOffset;

export async function fetchDue(): Promise<DueItem[]> {
  const r = await api<{ now: number; items: DueItem[] }>('GET', '/api/patrol/due');
  clockOffset = r.now - Date.now();
  return r.items;
}

export async function fetchCurrentRound(): Promise<Round | null> {
  const r = await api<{ now: number; round: Round | null }>('GET', '/api/patrol/rounds/current');
  clockOffset = r.now - Date.now();
  return r.round;
}

export const startRound = (routeId: number) => api<Round>('POST', '/api/patrol/rounds', { body: { routeId } });
export const fetchRound = (id: number) => api<Round>('GET', `/api/patrol/rounds/${id}`);

export function confirmStop(
  round: number,
  idx: number,
  body: { outcome: 'normal' | 'anomaly' | 'not_verifiable'; note?: string; checks?: boolean[]; dispatch?: boolean; shownFromMs?: number; shownToMs?: number },
): Promise<Round> {
  return api<Round>('POST', `/api/patrol/rounds/${round}/stops/${idx}/confirm`, { body });
}

export const skipStop = (round: number, idx: number, reason: string) =>
  api<Round>('POST', `/api/patrol/rounds/${round}/stops/${idx}/skip`, { body: { reason } });
export const abandonRound = (round: number, reason: string) => api<Round>('POST', `/api/patrol/rounds/${round}/abandon`, { body: { reason } });
export const spotCheck = (round: number, idx: number, verdict: 'agree' | 'disagree', note: string) =>
  api<Round>('POST', `/api/patrol/rounds/${round}/stops/${idx}/spot-check`, { body: { verdict, note } });

export function fetchCompliance(from: number, to: number): Promise<Compliance> {
  return api<Compliance>('GET', `/api/patrol/compliance?from=${Math.round(from)}&to=${Math.round(to)}`);
}

export const snapshotUrl = (round: number, idx: number) => `/api/patrol/rounds/${round}/stops/${idx}/snapshot.jpg`;

export function reportUrl(kind: 'daily' | 'shift', format: 'csv' | 'html', date: string, shift?: string): string {
  const q = new URLSearchParams({ date, format });
  if (shift) q.set('shift', shift);
  return `/api/reports/${kind}?${q.toString()}`;
}

export interface OpenItems {
  /** open alarms in all (absent in handovers written before issue K: count the cameras) */
  openAlarms?: number;
  /** cameras with open alarms and how many each (count absent in older handovers: 1) */
  alarms: { cameraId: string; cameraName: string; count?: number }[];
  offlineCameras: { cameraId: string; cameraName: string; reason: string | null }[];
  /** today's equipment check: cameras under the recording-completeness threshold */
  equipmentProblems?: { cameraId: string; cameraName: string; completeness: number; gaps: number }[];
  missedRounds: { routeId: number; routeName: string; slotMs: number }[];
}

export interface Handover {
  id: number;
  createdMs: number;
  fromUserId: number;
  fromUsername: string;
  notes: string;
  openItems: OpenItems;
  ackUsername: string | null;
  ackMs: number | null;
}

export const fetchHandoverDraft = () => api<{ openItems: OpenItems; latest: Handover | null }>('GET', '/api/handovers/draft');
export const createHandover = (notes: string) => api<Handover>('POST', '/api/handovers', { body: { notes } });
export const ackHandover = (id: number, note: string) => api<Handover>('POST', `/api/handovers/${id}/ack`, { body: { note } });
