/** Patrol rounds, routes, compliance, handovers and reports (docs/patrol.md). All fetching lives here. */
import { api } from './api';

export type { Grade, OutcomeCounts, StopOutcome } from '../../../shared/wire/patrol';
export { CHECKLIST_INCOMPLETE, checklistMissing, outcomeCounts } from '../../../shared/wire/patrol';

/** Routes and rounds on the wire: shared/wire/patrol.ts (the server's server/patrol sends the same types). */
export type { PatrolRoute, PtzState, Round, RoundStatus, RoundStop, SpotCheck } from '../../../shared/wire/patrol';
export type { CheckpointRef, ComplianceReport as Compliance, DueItem, GradedSlot, Handover, OpenItems, Tally } from '../../../shared/wire/patrol';
import type { ComplianceReport as Compliance, DueItem, Handover, OpenItems, PatrolRoute, Round } from '../../../shared/wire/patrol';

/** Request bodies: shared/wire/requests/patrol.ts, the schemas the server validates with (types only here). */
import type { ReasonBody, RoundStartBody, RouteBody, RouteStopBody, SpotCheckBody, StopConfirmBody } from '../../../shared/wire/requests/patrol';
import type { HandoverAckBody, HandoverBody } from '../../../shared/wire/requests/dutylog';
/** Body of POST/PUT /api/patrol/routes (docs/patrol.md). */
export type RouteInput = RouteBody;
export type RouteStopInput = RouteStopBody;

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

export const startRound = (routeId: number) => api<Round>('POST', '/api/patrol/rounds', { body: { routeId } satisfies RoundStartBody });
export const fetchRound = (id: number) => api<Round>('GET', `/api/patrol/rounds/${id}`);

export function confirmStop(
  round: number,
  idx: number,
  body: StopConfirmBody,
): Promise<Round> {
  return api<Round>('POST', `/api/patrol/rounds/${round}/stops/${idx}/confirm`, { body });
}

export const skipStop = (round: number, idx: number, reason: string) =>
  api<Round>('POST', `/api/patrol/rounds/${round}/stops/${idx}/skip`, { body: { reason } satisfies ReasonBody });
export const abandonRound = (round: number, reason: string) => api<Round>('POST', `/api/patrol/rounds/${round}/abandon`, { body: { reason } satisfies ReasonBody });
export const spotCheck = (round: number, idx: number, verdict: SpotCheckBody['verdict'], note: string) =>
  api<Round>('POST', `/api/patrol/rounds/${round}/stops/${idx}/spot-check`, { body: { verdict, note } satisfies SpotCheckBody });

export function fetchCompliance(from: number, to: number): Promise<Compliance> {
  return api<Compliance>('GET', `/api/patrol/compliance?from=${Math.round(from)}&to=${Math.round(to)}`);
}

export const snapshotUrl = (round: number, idx: number) => `/api/patrol/rounds/${round}/stops/${idx}/snapshot.jpg`;

export function reportUrl(kind: 'daily' | 'shift', format: 'csv' | 'html', date: string, shift?: string): string {
  const q = new URLSearchParams({ date, format });
  if (shift) q.set('shift', shift);
  return `/api/reports/${kind}?${q.toString()}`;
}

export const fetchHandoverDraft = () => api<{ openItems: OpenItems; latest: Handover | null }>('GET', '/api/handovers/draft');
export const createHandover = (notes: string) => api<Handover>('POST', '/api/handovers', { body: { notes } satisfies HandoverBody });
export const ackHandover = (id: number, note: string) => api<Handover>('POST', `/api/handovers/${id}/ack`, { body: { note } satisfies HandoverAckBody });
