/** Alarm domain types shared by the store, the service, http and the bus; the wire part lives in shared/wire. */
export type { AlarmKind, AlarmStatus, AlarmOutcome, AlarmPriority, AlarmStep, AlarmView, ZoneAlarmStats, BulkAckResult } from '../../shared/wire/alarms.ts';
export { ALARM_OUTCOMES } from '../../shared/wire/alarms.ts';
import type { AlarmKind, AlarmPriority } from '../../shared/wire/alarms.ts';

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
