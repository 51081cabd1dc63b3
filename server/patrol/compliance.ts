/**
 * Grading rounds against their schedules: what is due now (with deadlines for the countdown), every slot's
 * grade, compliance per route, operator, shift and day, and the scheduler that seals missed rounds into the
 * duty log.
 */
import type { DutyLog } from '../dutylog/log.ts';
import { SYSTEM_AUTHOR } from '../dutylog/log.ts';
import { createLogger } from '../util/log.ts';
import type { Clock } from './clock.ts';
import type { RouteRepo } from './routes-repo.ts';
import type { RoundRepo } from './rounds-repo.ts';
import {
  addToTally, currentSlot, emptyTally, graceEnd, gradeSlot, localMidnight, nextSlot, parseHHMM, slotEnd, slotsBetween,
  type Grade,
} from './schedule.ts';
import type { PatrolRoute, Round } from './types.ts';
import type { RoundGrade } from '../../shared/wire/patrol.ts';

const log = createLogger('patrol');

export interface Shift {
  id: string;
  name: string;
  /** "HH:MM" */
  start: string;
  end: string;
}

export const DEFAULT_SHIFTS: Shift[] = [
  { id: 'day', name: 'Day 白班', start: '08:00', end: '20:00' },
  { id: 'night', name: 'Night 夜班', start: '20:00', end: '08:00' },
];

/** The shift a moment belongs to, and the local day the shift started on (a night shift's morning belongs to the evening before). */
export function shiftOf(shifts: Shift[], ms: number): { shift: string; day: string } {
  const d = new Date(ms);
  const minutes = d.getHours() * 60 + d.getMinutes();
  for (const s of shifts) {
    const a = parseHHMM(s.start);
    const b = parseHHMM(s.end);
    const inside = a < b ? minutes >= a && minutes < b : minutes >= a || minutes < b;
    if (!inside) continue;
    const startDay = new Date(localMidnight(ms));
    if (a >= b && minutes < b) startDay.setDate(startDay.getDate() - 1);
    return { shift: s.id, day: dayKey(startDay.getTime()) };
  }
  return { shift: 'none', day: dayKey(ms) };
}

export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Due slots and compliance on the wire: shared/wire/patrol.ts (the console imports the same module). */
export type { ComplianceReport, DueItem, GradedSlot } from '../../shared/wire/patrol.ts';
import type { ComplianceReport, DueItem, GradedSlot } from '../../shared/wire/patrol.ts';

export class ComplianceService {
  constructor(
    private readonly routes: RouteRepo,
    private readonly rounds: RoundRepo,
    private readonly clock: Clock,
    private readonly shifts: Shift[] = DEFAULT_SHIFTS,
  ) {}

  grade(route: PatrolRoute, slotMs: number, round: Round | undefined, now = this.clock.now()): Grade {
    const facts = round && {
      startedMs: round.startedMs,
      endedMs: round.endedMs,
      status: round.status,
      skippedStops: round.stops.filter((s) => s.outcome === 'skipped').length,
    };
    return gradeSlot(route, slotMs, facts, now, route.createdMs);
  }

  /** A round's grade as of now and the time it had to be started by (shown when the round ends). */
  result(route: PatrolRoute, round: Round, now = this.clock.now()): RoundGrade {
    return { grade: this.grade(route, round.slotMs, round, now), dueBy: graceEnd(route, Math.max(round.slotMs, route.createdMs)) };
  }

  async due(): Promise<DueItem[]> {
    const now = this.clock.now();
    const out: DueItem[] = [];
    for (const r of await this.routes.list()) {
      const slot = currentSlot(r, now);
      const next = nextSlot(r, now) ?? null;
      const base = { routeId: r.id, routeName: r.name, post: r.post, stops: r.stops.length, nextSlotMs: next };
      if (slot === undefined) {
        out.push({ ...base, slotMs: null, dueBy: null, windowEnd: null, state: 'not_active', roundId: null, username: null });
        continue;
      }
      const round = await this.rounds.bySlot(r.id, slot);
      const state: DueItem['state'] = round
        ? round.status === 'in_progress' ? 'in_progress' : 'done'
        : now > graceEnd(r, Math.max(slot, r.createdMs)) ? 'overdue' : 'due';
      out.push({ ...base, slotMs: slot, dueBy: graceEnd(r, Math.max(slot, r.createdMs)), windowEnd: slotEnd(r, slot), state, roundId: round?.id ?? null, username: round?.username ?? null });
    }
    return out;
  }

  /** Every slot with due time in [from, to) of every route (disabled ones too), graded as of now. */
  async slots(from: number, to: number): Promise<GradedSlot[]> {
    const now = this.clock.now();
    const out: GradedSlot[] = [];
    const rounds = await this.rounds.list({ from, to, limit: 5000 });
    for (const r of await this.routes.list(true)) {
      const mine = new Map(rounds.filter((x) => x.routeId === r.id).map((x) => [x.slotMs, x]));
      const start = Math.max(from, r.createdMs - r.intervalMin * 60_000);
      const end = r.enabled ? Math.min(to, now + 1) : Math.min(to, r.updatedMs);
      for (const slot of slotsBetween(r, start, end)) {
        if (slotEnd(r, slot) <= r.createdMs) continue;
        const round = mine.get(slot);
        const { shift, day } = shiftOf(this.shifts, slot);
        out.push({
          routeId: r.id, routeName: r.name, slotMs: slot, dueBy: graceEnd(r, Math.max(slot, r.createdMs)), windowEnd: slotEnd(r, slot),
          grade: this.grade(r, slot, round, now), roundId: round?.id ?? null, userId: round?.userId ?? null,
          username: round?.username ?? null, shift, day,
        });
      }
    }
    return out.sort((a, b) => a.slotMs - b.slotMs);
  }

  async compliance(from: number, to: number): Promise<ComplianceReport> {
    const slots = await this.slots(from, to);
    const rep: ComplianceReport = { from, to, total: emptyTally(), byRoute: {}, byOperator: {}, byShift: {}, byDay: {}, slots };
    for (const s of slots) {
      addToTally(rep.total, s.grade);
      addToTally((rep.byRoute[String(s.routeId)] ??= { ...emptyTally(), routeName: s.routeName }), s.grade);
      if (s.username) addToTally((rep.byOperator[s.username] ??= emptyTally()), s.grade);
      addToTally((rep.byShift[s.shift] ??= emptyTally()), s.grade);
      addToTally((rep.byDay[s.day] ??= emptyTally()), s.grade);
    }
    return rep;
  }

  get shiftList(): Shift[] {
    return this.shifts;
  }

  /**
   * Seal newly missed rounds (of the last day) into the duty log; idempotent, also for two checks at once (each
   * slot is claimed in the database before its entry is written). Returns how many were logged.
   */
  async logMissed(duty: DutyLog): Promise<number> {
    const now = this.clock.now();
    let n = 0;
    for (const s of await this.slots(now - 24 * 3600_000, now)) {
      if (s.grade !== 'missed' || (await this.rounds.isMissedLogged(s.routeId, s.slotMs))) continue;
      if (!(await this.rounds.claimMissed(s.routeId, s.slotMs))) continue;
      let seq: number;
      try {
        seq = (
          await duty.append({
            category: 'patrol',
            kind: 'round_missed',
            text: `${s.routeName}: round due ${new Date(s.slotMs).toISOString()} was missed`,
            author: SYSTEM_AUTHOR,
            data: { routeId: s.routeId, route: s.routeName, slotMs: s.slotMs, shift: s.shift, day: s.day },
          })
        ).seq;
      } catch (e) {
        await this.rounds.unclaimMissed(s.routeId, s.slotMs); // the next check tries again
        throw e;
      }
      await this.rounds.setMissedLogSeq(s.routeId, s.slotMs, seq);
      n++;
    }
    if (n) log.warn('missed rounds', { count: n });
    return n;
  }

  /** Check for missed rounds every `everyMs`; returns a stop function. */
  startScheduler(duty: DutyLog, everyMs = 30_000): () => void {
    let running = false;
    const tick = () => {
      if (running) return; // a slow check (a slow database) is not overtaken by the next one
      running = true;
      this.logMissed(duty)
        .catch((e: unknown) => log.error('missed-round check failed', { err: e }))
        .finally(() => (running = false));
    };
    tick();
    const t = setInterval(tick, everyMs);
    t.unref();
    return () => clearInterval(t);
  }
}
