/**
 * What patrol needs from the alarm subsystem (being built separately). Cameras with open alarms are
 * flagged and moved to the front of a round; handovers list them as open items; an anomaly with
 * "dispatch" asks the alarm subsystem for an alarm.
 */
import { AlarmRepo } from '../alarms/repo.ts';
import type { SqlDb } from '../store/sql/db.ts';

export interface AlarmSource {
  openAlarmCameraIds(): Set<string>;
  /**
   * Optional: open (not resolved) alarms per camera, every camera that has one (the alarm service reads its table
   * through the SQL layer: async). Without it the cameras the source names are counted in the alarms table (SQL layer).
   */
  openAlarmCounts?(): Map<string, number> | Promise<Map<string, number>>;
  /** Optional: raise an alarm for an anomaly found on a round (duty-log entry `logSeq`). */
  raiseFromPatrol?(a: { cameraId: string; text: string; roundId: number; stop: number; logSeq: number }): void;
}

/** Default until alarms exist: nothing is open, nothing is raised (the dispatch request is still logged). */
export const noAlarms: AlarmSource = { openAlarmCameraIds: () => new Set<string>() };

/**
 * Open alarms per camera: the source's counts when it counts; else, for every camera the source reports with open
 * alarms (each at least 1), from the alarms table (status other than resolved) through the SQL layer: the same
 * rows and query as the alarm service (AlarmRepo.openCounts).
 */
export async function openAlarmCounts(src: AlarmSource, s: SqlDb): Promise<Map<string, number>> {
  if (src.openAlarmCounts) return new Map(await src.openAlarmCounts());
  const ids = src.openAlarmCameraIds();
  const counted = await countInDb(s);
  const out = new Map<string, number>();
  for (const id of ids) out.set(id, Math.max(1, counted.get(id) ?? 0));
  return out;
}

async function countInDb(s: SqlDb): Promise<Map<string, number>> {
  try {
    return await AlarmRepo.of(s).openCounts();
  } catch {
    return new Map(); // no alarms table (a database the SQL migrations have not reached)
  }
}
