/**
 * What patrol needs from the alarm subsystem (being built separately). Cameras with open alarms are
 * flagged and moved to the front of a round; handovers list them as open items; an anomaly with
 * "dispatch" asks the alarm subsystem for an alarm.
 */
import type { Db } from '../store/db.ts';

export interface AlarmSource {
  openAlarmCameraIds(): Set<string>;
  /**
   * Optional: open (not resolved) alarms per camera, every camera that has one (the alarm service reads its table
   * through the SQL layer: async). Without it the cameras the source names are counted in the alarms table.
   */
  openAlarmCounts?(): Map<string, number> | Promise<Map<string, number>>;
  /** Optional: raise an alarm for an anomaly found on a round (duty-log entry `logSeq`). */
  raiseFromPatrol?(a: { cameraId: string; text: string; roundId: number; stop: number; logSeq: number }): void;
}

/** Default until alarms exist: nothing is open, nothing is raised (the dispatch request is still logged). */
export const noAlarms: AlarmSource = { openAlarmCameraIds: () => new Set<string>() };

/**
 * Open alarms per camera: the source's counts when it counts; else, for every camera the source reports with open
 * alarms (each at least 1), from the alarms table (status other than resolved), the same rows the alarm
 * service reads.
 */
export async function openAlarmCounts(src: AlarmSource, db: Db): Promise<Map<string, number>> {
  if (src.openAlarmCounts) return new Map(await src.openAlarmCounts());
  const ids = src.openAlarmCameraIds();
  const counted = countInDb(db);
  const out = new Map<string, number>();
  for (const id of ids) out.set(id, Math.max(1, counted.get(id) ?? 0));
  return out;
}

function countInDb(db: Db): Map<string, number> {
  try {
    const rows = db.prepare("SELECT camera_id, COUNT(*) AS n FROM alarms WHERE status != 'resolved' GROUP BY camera_id").all() as {
      camera_id: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.camera_id, r.n]));
  } catch {
    return new Map(); // no alarms table (a store without the alarm migrations)
  }
}
