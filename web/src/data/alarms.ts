/**
 * Alarms, kept live from the SSE stream (`alarm` events; the list is re-fetched on every (re)connect's
 * `hello`). `popups` holds alarms raised while this console was open and not yet acknowledged or dismissed.
 */
import { api } from './api';
import { onSseEvent } from './sse';
import { Store } from './store';

export type AlarmKind = 'loitering' | 'blocked_exit' | 'camera_tamper';
export type AlarmStatus = 'open' | 'acknowledged' | 'dispatched' | 'resolved';

export interface AlarmStep {
  at: number;
  by: string;
  note?: string;
  to?: string;
}

export interface Alarm {
  id: number;
  cameraId: string;
  cameraName?: string;
  zone: string;
  kind: AlarmKind;
  status: AlarmStatus;
  sinceMs: number;
  startMs: number;
  endMs: number | null;
  recordingMs: number;
  score: number;
  trackIds: number[];
  snapshotUrl: string | null;
  ack: AlarmStep | null;
  dispatch: AlarmStep | null;
  resolve: AlarmStep | null;
  ackAfterMs: number | null;
  resolveAfterMs: number | null;
  /** > 1: the condition restarted within the cool-down and joined this alarm */
  occurrences?: number;
  reopenedMs?: number | null;
}

export interface AlarmsState {
  list: Alarm[];
  loaded: boolean;
  popups: Alarm[];
}

export interface AnalyticsStatus {
  enabled: boolean;
  reason?: string;
  fps: number;
  cameras: { cameraId: string; zones: number; state: string; analysedFps: number; analysed: number; dropped: number; error?: string }[];
}

export const alarms = new Store<AlarmsState>({ list: [], loaded: false, popups: [] });

const order = (a: Alarm, b: Alarm) => Number(a.status === 'resolved') - Number(b.status === 'resolved') || b.startMs - a.startMs || b.id - a.id;

function upsert(a: Alarm, raised: boolean): void {
  const s = alarms.value;
  const list = [...s.list.filter((x) => x.id !== a.id), a].sort(order);
  let popups = s.popups.map((p) => (p.id === a.id ? a : p)).filter((p) => p.status === 'open');
  if (raised && a.status === 'open' && !popups.some((p) => p.id === a.id)) popups = [a, ...popups];
  alarms.set({ list, loaded: s.loaded, popups });
}

export async function refreshAlarms(): Promise<void> {
  try {
    const r = await api<{ alarms: Alarm[] }>('GET', '/api/alarms?status=all');
    const s = alarms.value;
    const byId = new Map(r.alarms.map((a) => [a.id, a]));
    const popups = s.popups.map((p) => byId.get(p.id) ?? p).filter((p) => p.status === 'open');
    alarms.set({ list: r.alarms.sort(order), loaded: true, popups });
  } catch {
    // the stream's reconnect brings another hello
  }
}

onSseEvent((name, data) => {
  if (name === 'hello') void refreshAlarms();
  else if (name === 'alarm' && data && typeof data === 'object' && 'id' in data) {
    const a = data as Alarm & { raised?: boolean };
    const { raised, ...alarm } = a;
    upsert(alarm, raised === true);
  }
});

export function dismissPopup(id: number): void {
  alarms.update({ popups: alarms.value.popups.filter((p) => p.id !== id) });
}

/** Cameras with an alarm that is not resolved. */
export function openAlarmCameras(s: AlarmsState = alarms.value): Set<string> {
  return new Set(s.list.filter((a) => a.status !== 'resolved').map((a) => a.cameraId));
}

async function step(id: number, action: 'ack' | 'dispatch' | 'resolve', body: Record<string, string>): Promise<Alarm> {
  const a = await api<Alarm>('POST', `/api/alarms/${id}/${action}`, { body });
  upsert(a, false);
  return a;
}

const withNote = (note: string | undefined): Record<string, string> => (note?.trim() ? { note: note.trim() } : {});
export const acknowledgeAlarm = (id: number, note?: string) => step(id, 'ack', withNote(note));
export const dispatchAlarm = (id: number, to: string, note?: string) => step(id, 'dispatch', { to: to.trim(), ...withNote(note) });
export const resolveAlarm = (id: number, note?: string) => step(id, 'resolve', withNote(note));

export const fetchAnalyticsStatus = () => api<AnalyticsStatus>('GET', '/api/analytics/status');
