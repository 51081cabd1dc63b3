/**
 * Patrol rounds on the wire (issue K, "Patrol"). The server (server/patrol) and the console (web/src/data/patrol.ts)
 * both import this module. Same rules as the other shared/wire files: types, constants and pure functions only,
 * no imports of any kind.
 */
export type StopOutcome = 'normal' | 'anomaly' | 'not_verifiable' | 'skipped';
export type Grade = 'on_time' | 'late' | 'incomplete' | 'missed' | 'pending';

/** 400 of POST …/stops/:idx/confirm {outcome: 'normal'} when the route requires the whole checklist and an item is not ticked. */
export const CHECKLIST_INCOMPLETE = 'checklist_incomplete';

/** Indexes (0-based) of the checklist items not ticked in `checks` (missing answers count as not ticked). */
export function checklistMissing(checklist: readonly string[], checks: readonly boolean[] | null | undefined): number[] {
  const out: number[] = [];
  for (let i = 0; i < checklist.length; i++) if (checks?.[i] !== true) out.push(i);
  return out;
}

export interface OutcomeCounts {
  normal: number;
  anomaly: number;
  not_verifiable: number;
  skipped: number;
  /** stops never reached (an abandoned round) */
  not_done: number;
}

/** How many stops of a round ended how. */
export function outcomeCounts(stops: readonly { outcome: StopOutcome | null }[]): OutcomeCounts {
  const c: OutcomeCounts = { normal: 0, anomaly: 0, not_verifiable: 0, skipped: 0, not_done: 0 };
  for (const s of stops) c[s.outcome ?? 'not_done']++;
  return c;
}

/** The grade of a round's slot as of now (server/patrol/schedule.ts) and the time it had to be started by to be on time. */
export interface RoundGrade {
  grade: Grade;
  dueBy: number;
}
