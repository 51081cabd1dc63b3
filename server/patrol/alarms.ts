/**
 * What patrol needs from the alarm subsystem (being built separately). Cameras with open alarms are
 * flagged and moved to the front of a round; handovers list them as open items; an anomaly with
 * "dispatch" asks the alarm subsystem for an alarm.
 */
export interface AlarmSource {
  openAlarmCameraIds(): Set<string>;
  /** Optional: raise an alarm for an anomaly found on a round (duty-log entry `logSeq`). */
  raiseFromPatrol?(a: { cameraId: string; text: string; roundId: number; stop: number; logSeq: number }): void;
}

/** Default until alarms exist: nothing is open, nothing is raised (the dispatch request is still logged). */
export const noAlarms: AlarmSource = { openAlarmCameraIds: () => new Set<string>() };
