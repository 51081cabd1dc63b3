/**
 * The alarms that are not resolved yet or whose condition still holds, in memory (issue J): patrol rounds, the
 * and the MQTT publisher ask for them synchronously and often. Loaded at start,
 * changed by the alarm service after each committed write. Operators resolve alarms, so this stays small.
 * Limit (docs/cluster.md): alarms written by another process are not seen here until restart.
 */
import type { AlarmKind, AlarmStatus, AlarmView } from './types.ts';

export interface LiveAlarm {
  id: number;
  cameraId: string;
  zone: string;
  kind: AlarmKind;
  status: AlarmStatus;
  endMs: number | null;
}

export class LiveAlarms {
  private readonly byId = new Map<number, LiveAlarm>();

  constructor(rows: Iterable<LiveAlarm> = []) {
    for (const r of rows) this.note(r);
  }

  /** The alarm as just committed. */
  note(a: Pick<AlarmView, 'id' | 'cameraId' | 'zone' | 'kind' | 'status' | 'endMs'>): void {
    if (a.status !== 'resolved' || a.endMs === null) {
      this.byId.set(a.id, { id: a.id, cameraId: a.cameraId, zone: a.zone, kind: a.kind, status: a.status, endMs: a.endMs });
    } else this.byId.delete(a.id);
  }

  /** Cameras with an alarm that is not resolved. */
  openCameraIds(): Set<string> {
    const out = new Set<string>();
    for (const a of this.byId.values()) if (a.status !== 'resolved') out.add(a.cameraId);
    return out;
  }

  /** Alarms whose condition still holds (end not set), resolved or not. */
  holding(): LiveAlarm[] {
    return [...this.byId.values()].filter((a) => a.endMs === null).map((a) => ({ ...a }));
  }
}
