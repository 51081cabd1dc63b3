/** Alarm domain types shared by the store, the service, http and the bus; the wire part lives in shared/wire. */
export type { AlarmKind, AlarmStatus, AlarmOutcome, AlarmPriority, AlarmStep, AlarmView } from '../../shared/wire/alarms.ts';
export { ALARM_OUTCOMES } from '../../shared/wire/alarms.ts';
import type { AlarmKind, AlarmPriority, AlarmView } from '../../shared/wire/alarms.ts';

/** What live analytics hands over when a rule fires. */
export interface RaiseInput {
  cameraId: string;
  zone: string;
  kind: AlarmKind;
  sinceMs: number;
  startMs: number;
  score: number;
  trackIds: number[];
  /** default: the zone's priority, else by kind (blocked_exit / camera_tamper 1, loitering 2) */
  priority?: AlarmPriority;
  /** annotated JPEG, saved under the data dir */
  jpeg?: Buffer;
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
