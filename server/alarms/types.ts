/** Alarm domain types shared by the store, the service, http and the bus. */
export type AlarmKind = 'loitering' | 'blocked_exit' | 'camera_tamper';
/** open → acknowledged → (dispatched) → resolved */
export type AlarmStatus = 'open' | 'acknowledged' | 'dispatched' | 'resolved';

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
  /** times the condition restarted within the cool-down and joined this alarm (1 = once) */
  occurrences?: number;
  /** epoch ms: last time the condition was confirmed */
  lastSeenMs?: number | null;
  /** epoch ms: last time a resolved alarm was re-opened by its episode restarting */
  reopenedMs?: number | null;
}

/** What live analytics hands over when a rule fires. */
export interface RaiseInput {
  cameraId: string;
  zone: string;
  kind: AlarmKind;
  sinceMs: number;
  startMs: number;
  score: number;
  trackIds: number[];
  /** annotated JPEG, saved under the data dir */
  jpeg?: Buffer;
}
