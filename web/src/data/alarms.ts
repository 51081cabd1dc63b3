/**
 * Alarms, kept live from the SSE stream (`alarm` events; the list is re-fetched on every (re)connect's
 * `hello`). `popups` holds the alarms not acknowledged yet and not dismissed in this page: those raised while
 * the console is open and, after a (re)load or reconnect, every open one (so a reload brings the pop-up back),
 * high priority first.
 */
import { api } from './api';
import { onSseEvent } from './sse';
import { Store } from './store';

export type { AlarmKind, AlarmStatus, AlarmOutcome, AlarmPriority, AlarmStep } from '../../../shared/wire/alarms';
export { ALARM_OUTCOMES } from '../../../shared/wire/alarms';
import type { AlarmOutcome, AlarmView, BulkAckResult, ZoneAlarmStats } from '../../../shared/wire/alarms';
import type { AlarmAckBody, AlarmBulkAckBody, AlarmDispatchBody, AlarmResolveBody } from '../../../shared/wire/requests/alarms';
export type { BulkAckResult, ZoneAlarmStats } from '../../../shared/wire/alarms';
/** An alarm as the console receives it (shared/wire/alarms.ts). */
export type Alarm = AlarmView;

export interface AlarmsState {
  list: Alarm[];
  loaded: boolean;
  popups: Alarm[];
}

/** GET /api/analytics/status: shared/wire/analytics.ts (the server sends the same type). */
export type { AnalyticsStatus, CameraAnalyticsStatus } from '../../../shared/wire/analytics';
import type { AnalyticsStatus } from '../../../shared/wire/analytics';

export const alarms = new Store<AlarmsState>({ list: [], loaded: false, popups: [] });

const prio = (a: Alarm) => (a.status === 'resolved' ? 0 : (a.priority ?? 2));
/** Not resolved first, by priority (high first), newest first (as the server lists them). */
const order = (a: Alarm, b: Alarm) =>
  Number(a.status === 'resolved') - Number(b.status === 'resolved') || prio(a) - prio(b) || b.startMs - a.startMs || b.id - a.id;

/** Pop-ups dismissed in this page (a reload shows them again while they are open). */
const dismissed = new Set<number>();

function upsert(a: Alarm, raised: boolean): void {
  const s = alarms.value;
  const list = [...s.list.filter((x) => x.id !== a.id), a].sort(order);
  let popups = s.popups.map((p) => (p.id === a.id ? a : p)).filter((p) => p.status === 'open');
  // a resolved alarm re-opened by its episode restarting pops up again, like a new one
  const reopened = s.list.some((x) => x.id === a.id && x.status === 'resolved') && a.status === 'open';
  if (raised || reopened) dismissed.delete(a.id);
  if (a.status === 'open' && !dismissed.has(a.id) && !popups.some((p) => p.id === a.id)) popups = [a, ...popups];
  alarms.set({ list, loaded: s.loaded, popups: popups.sort(order) });
}

export async function refreshAlarms(): Promise<void> {
  try {
    const r = await api<{ alarms: Alarm[] }>('GET', '/api/alarms?status=all');
    const s = alarms.value;
    const byId = new Map(r.alarms.map((a) => [a.id, a]));
    const popups = s.popups.map((p) => byId.get(p.id) ?? p).filter((p) => p.status === 'open');
    // every open alarm not dismissed here pops up: after a reload, or raised while the stream was down
    for (const a of r.alarms) if (a.status === 'open' && !dismissed.has(a.id) && !popups.some((p) => p.id === a.id)) popups.push(a);
    alarms.set({ list: r.alarms.sort(order), loaded: true, popups: popups.sort(order) });
  } catch {
    // the stream's reconnect brings another hello
  }
}

onSseEvent((name, data) => {
  // a guard's phone gets no alarms, only its dispatches (data/dispatches.ts)
  if (name === 'hello') {
    if ((data as { user?: { role?: string } } | null)?.user?.role !== 'guard') void refreshAlarms();
  }
  else if (name === 'alarm' && data && typeof data === 'object' && 'id' in data) {
    const a = data as Alarm & { raised?: boolean };
    const { raised, ...alarm } = a;
    upsert(alarm, raised === true);
  }
});

export function dismissPopup(id: number): void {
  dismissed.add(id);
  alarms.update({ popups: alarms.value.popups.filter((p) => p.id !== id) });
}

/** Cameras with an alarm that is not resolved. */
export function openAlarmCameras(s: AlarmsState = alarms.value): Set<string> {
  return new Set(s.list.filter((a) => a.status !== 'resolved').map((a) => a.cameraId));
}

/** Alarms not resolved yet (open, acknowledged or dispatched): the menu badge and the wall counter. */
export function openAlarmCount(s: AlarmsState = alarms.value): number {
  return s.list.filter((a) => a.status !== 'resolved').length;
}

/** Bodies: shared/wire/requests/alarms.ts, the schemas the server validates with (types only here). */
type StepBody = { ack: AlarmAckBody; dispatch: AlarmDispatchBody; resolve: AlarmResolveBody };
async function step<A extends keyof StepBody>(id: number, action: A, body: StepBody[A]): Promise<Alarm> {
  const a = await api<Alarm>('POST', `/api/alarms/${id}/${action}`, { body });
  upsert(a, false);
  return a;
}

const withNote = (note: string | undefined): { note?: string } => (note?.trim() ? { note: note.trim() } : {});
export const acknowledgeAlarm = (id: number, note?: string) => step(id, 'ack', withNote(note));
export const dispatchAlarm = (id: number, to: string, note?: string) => step(id, 'dispatch', { to: to.trim(), ...withNote(note) });
export const resolveAlarm = (id: number, outcome: AlarmOutcome, note?: string) => step(id, 'resolve', { outcome, ...withNote(note) });

/** Acknowledge several alarms at once: a result per id (the others go through when one fails). */
export async function acknowledgeAlarms(ids: number[], note?: string): Promise<BulkAckResult[]> {
  const r = await api<{ results: BulkAckResult[] }>('POST', '/api/alarms/ack', { body: { ids, ...withNote(note) } satisfies AlarmBulkAckBody });
  for (const x of r.results) if (x.ok) upsert(x.alarm, false);
  return r.results;
}

export const fetchAlarmStats = (cameraId: string, days = 30) =>
  api<{ days: number; zones: ZoneAlarmStats[] }>('GET', `/api/alarms/stats?camera=${encodeURIComponent(cameraId)}&days=${days}`);

export const fetchAnalyticsStatus = () => api<AnalyticsStatus>('GET', '/api/analytics/status');
