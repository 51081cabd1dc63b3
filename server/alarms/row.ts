/** An `alarms` row as read back, and the alarm as the service and the wire see it (repo.ts). */
import type { AlarmKind, AlarmOutcome, AlarmPriority, AlarmStatus, AlarmView } from './types.ts';

export interface Row {
  id: number;
  camera_id: string;
  zone: string;
  kind: AlarmKind;
  status: AlarmStatus;
  since_ms: number;
  start_ms: number;
  end_ms: number | null;
  recording_ms: number;
  score: number;
  track_ids: string;
  snapshot: string | null;
  ack_ms: number | null;
  ack_by: string | null;
  ack_note: string | null;
  dispatch_ms: number | null;
  dispatch_by: string | null;
  dispatch_to: string | null;
  dispatch_note: string | null;
  resolve_ms: number | null;
  resolve_by: string | null;
  resolve_note: string | null;
  outcome: AlarmOutcome | null;
  outcome_note: string | null;
  priority: AlarmPriority;
  occurrences: number;
  last_seen_ms: number | null;
  reopened_ms: number | null;
}

const note = (n: string | null) => (n ? { note: n } : {});

export function toView(r: Row): AlarmView {
  return {
    id: Number(r.id),
    cameraId: r.camera_id,
    zone: r.zone,
    kind: r.kind,
    status: r.status,
    sinceMs: r.since_ms,
    startMs: r.start_ms,
    endMs: r.end_ms,
    recordingMs: r.recording_ms,
    score: Number(r.score),
    trackIds: JSON.parse(r.track_ids) as number[],
    snapshotUrl: r.snapshot ? `/api/alarms/${Number(r.id)}/snapshot.jpg` : null,
    ack: r.ack_ms !== null ? { at: r.ack_ms, by: r.ack_by ?? '', ...note(r.ack_note) } : null,
    dispatch: r.dispatch_ms !== null ? { at: r.dispatch_ms, by: r.dispatch_by ?? '', to: r.dispatch_to ?? '', ...note(r.dispatch_note) } : null,
    resolve: r.resolve_ms !== null ? { at: r.resolve_ms, by: r.resolve_by ?? '', ...note(r.resolve_note) } : null,
    ackAfterMs: r.ack_ms !== null ? r.ack_ms - r.start_ms : null,
    resolveAfterMs: r.resolve_ms !== null ? r.resolve_ms - r.start_ms : null,
    priority: (Number(r.priority) || 2) as AlarmPriority,
    outcome: r.outcome ?? null,
    outcomeNote: r.outcome_note ?? null,
    occurrences: r.occurrences ?? 1,
    lastSeenMs: r.last_seen_ms ?? null,
    reopenedMs: r.reopened_ms ?? null,
  };
}

export interface NewAlarm {
  cameraId: string;
  zone: string;
  kind: AlarmKind;
  sinceMs: number;
  startMs: number;
  recordingMs: number;
  score: number;
  trackIds: number[];
  priority: AlarmPriority;
}
