/**
 * Patrol schedules and grading. Pure functions over local wall-clock time (the server's time zone):
 * a route is due every `intervalMin` minutes from `activeFrom` until `activeTo` (which may be past midnight:
 * 20:00–08:00 is a night shift); each due time is a slot, and each slot is graded once its window is over.
 *
 *  - on_time:    a round was started within the grace window [slot, slot + grace] and completed
 *  - late:       started after the grace window but before the next slot, and completed
 *  - incomplete: started, but abandoned, a stop skipped, or not finished by the end of the window
 *  - missed:     no round was started before the next slot
 *  - pending:    the window is still open (not graded yet)
 */

/** A route's schedule is on the wire with the route: shared/wire/patrol.ts. */
export type { PatrolSchedule as Schedule } from '../../shared/wire/patrol.ts';
import type { PatrolSchedule as Schedule } from '../../shared/wire/patrol.ts';

export type { Grade } from '../../shared/wire/patrol.ts';
import type { Grade } from '../../shared/wire/patrol.ts';

export interface RoundFacts {
  startedMs: number;
  /** when the last stop was confirmed (completed rounds) */
  endedMs: number | null;
  status: 'in_progress' | 'completed' | 'abandoned';
  skippedStops: number;
}

import { HHMM_RE } from '../../shared/wire/patrol.ts';
export { HHMM_RE };

export function parseHHMM(s: string): number {
  const m = HHMM_RE.exec(s);
  if (!m) throw new Error(`not a HH:MM time: ${s}`);
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
}

/** Local midnight of the day containing `ms`. */
export function localMidnight(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Local time `minutes` after the midnight of `dayMs` (DST-safe via setHours). */
function atMinutes(dayMs: number, minutes: number): number {
  const d = new Date(dayMs);
  d.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  return d.getTime();
}

/** Due times of the schedule's active windows that begin on the local day of `dayMs`. */
export function slotsOfDay(s: Schedule, dayMs: number): number[] {
  const from = parseHHMM(s.activeFrom);
  let to = parseHHMM(s.activeTo);
  if (to <= from) to += 24 * 60;
  const out: number[] = [];
  const step = Math.max(1, Math.round(s.intervalMin));
  for (let m = from; m < to; m += step) {
    const day = new Date(localMidnight(dayMs));
    if (m >= 24 * 60) day.setDate(day.getDate() + 1);
    out.push(atMinutes(day.getTime(), m % (24 * 60)));
  }
  return out;
}

/** Slots with due time in [fromMs, toMs), ascending. */
export function slotsBetween(s: Schedule, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  const day = new Date(localMidnight(fromMs));
  day.setDate(day.getDate() - 1); // windows that began yesterday and run past midnight
  while (day.getTime() < toMs) {
    for (const t of slotsOfDay(s, day.getTime())) if (t >= fromMs && t < toMs) out.push(t);
    day.setDate(day.getDate() + 1);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** When the slot's window closes: the next slot, but never more than one interval later (end of active hours). */
export function slotEnd(s: Schedule, slotMs: number): number {
  return slotMs + Math.max(1, Math.round(s.intervalMin)) * 60_000;
}

export function graceEnd(s: Schedule, slotMs: number): number {
  return slotMs + Math.max(0, s.graceMin) * 60_000;
}

/** The slot whose window contains `now`, if any. */
export function currentSlot(s: Schedule, now: number): number | undefined {
  const slots = slotsBetween(s, now - Math.max(1, s.intervalMin) * 60_000 - 1, now + 1);
  const last = slots[slots.length - 1];
  return last !== undefined && now < slotEnd(s, last) ? last : undefined;
}

export function nextSlot(s: Schedule, now: number): number | undefined {
  return slotsBetween(s, now + 1, now + 2 * 24 * 3600_000)[0];
}

/**
 * `openedMs`: when the slot became due for real — the route's creation time when it was created mid-window
 * (the grace window then starts there instead of at the slot's due time).
 */
export function gradeSlot(s: Schedule, slotMs: number, round: RoundFacts | undefined, now: number, openedMs = slotMs): Grade {
  const end = slotEnd(s, slotMs);
  if (!round) return now >= end ? 'missed' : 'pending';
  if (round.status === 'abandoned') return 'incomplete';
  const finishedInWindow = round.status === 'completed' && round.endedMs !== null && round.endedMs <= end;
  if (!finishedInWindow) return now >= end || round.status === 'completed' ? 'incomplete' : 'pending';
  if (round.skippedStops > 0) return 'incomplete';
  return round.startedMs <= graceEnd(s, Math.max(slotMs, openedMs)) ? 'on_time' : 'late';
}

export type { Tally } from '../../shared/wire/patrol.ts';
import type { Tally } from '../../shared/wire/patrol.ts';

export function emptyTally(): Tally {
  return { due: 0, on_time: 0, late: 0, incomplete: 0, missed: 0, compliance: null };
}

export function addToTally(t: Tally, g: Grade): void {
  if (g === 'pending') return;
  t.due++;
  t[g]++;
  t.compliance = Math.round((t.on_time / t.due) * 1000) / 10;
}
