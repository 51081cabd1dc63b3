/**
 * Alarms on the wire (issue K: one set of API types): what the server sends (REST, SSE) and the console reads.
 * Types and constants only, no imports: the server (server/alarms/types.ts) and the console
 * (web/src/data/alarms.ts) both import this module.
 */
export type AlarmKind = 'loitering' | 'blocked_exit' | 'camera_tamper';
/** open → acknowledged → (dispatched) → resolved */
export type AlarmStatus = 'open' | 'acknowledged' | 'dispatched' | 'resolved';
/** What the alarm turned out to be, given on resolve (null: resolved without one, e.g. an older client). */
export type AlarmOutcome = 'genuine' | 'false_alarm' | 'test';
export const ALARM_OUTCOMES = ['genuine', 'false_alarm', 'test'] as const;
/** At most this many ids in one bulk acknowledge (POST /api/alarms/ack). */
export const MAX_BULK_ACK = 200;
/** 1 high, 2 normal, 3 low (per zone; exit zones 1, loitering 2 by default). */
export type AlarmPriority = 1 | 2 | 3;

export interface AlarmStep {
  at: number;
  by: string;
  note?: string;
  to?: string;
}

export interface AlarmView {
  id: number;
  cameraId: string;
  cameraName?: string;
  zone: string;
  kind: AlarmKind;
  status: AlarmStatus;
  /** epoch ms: when the person entered / the obstruction appeared */
  sinceMs: number;
  /** epoch ms: when the alarm was raised (condition met) */
  startMs: number;
  /** epoch ms: last time the condition held; null while it still holds */
  endMs: number | null;
  /** epoch ms to open in the recordings (`/review/:camera?t=…`) */
  recordingMs: number;
  score: number;
  trackIds: number[];
  /** URL of the annotated snapshot, when one was saved */
  snapshotUrl: string | null;
  ack: AlarmStep | null;
  dispatch: (AlarmStep & { to: string }) | null;
  resolve: AlarmStep | null;
  /** response times, ms: ack − start, resolve − start */
  ackAfterMs: number | null;
  resolveAfterMs: number | null;
  priority: AlarmPriority;
  outcome: AlarmOutcome | null;
  /** the note given with the outcome */
  outcomeNote: string | null;
  /** times the condition restarted within the cool-down and joined this alarm (1 = once) */
  occurrences?: number;
  /** epoch ms: last time the condition was confirmed */
  lastSeenMs?: number | null;
  /** epoch ms: last time a resolved alarm was re-opened by its episode restarting */
  reopenedMs?: number | null;
  /** the newest dispatch of this alarm to a guard's phone, with its steps (issue L point 2) */
  guardDispatch?: GuardDispatchSummary | null;
}

/** A guard dispatch as the alarm carries it (the full record: shared/wire/dispatch.ts DispatchView). */
export interface GuardDispatchSummary {
  id: number;
  guard: string;
  guardName: string | null;
  state: 'sent' | 'on_way' | 'arrived' | 'handled';
  sentAt: number;
  onWayAt: number | null;
  arrivedAt: number | null;
  handledAt: number | null;
  handledNote?: string;
  overdueAt: number | null;
  photos: { n: number; url: string; sha256: string }[];
}

/** Per camera + zone over a time window: how alarms were resolved. */
export interface ZoneAlarmStats {
  cameraId: string;
  zone: string;
  /** alarms that started in the window */
  total: number;
  genuine: number;
  false_alarm: number;
  test: number;
  /** resolved without an outcome (older clients, alarms resolved before outcomes existed) */
  unclassified: number;
  /** not resolved yet */
  open: number;
  /** false_alarm / (genuine + false_alarm); null when none of those (tests do not count) */
  falseAlarmRate: number | null;
}

/** Result of one id of a bulk acknowledge. */
export type BulkAckResult =
  | { id: number; ok: true; alarm: AlarmView }
  | { id: number; ok: false; status: number; code: string; error: string };
