/**
 * Response times of dispatches to guards (issue L point 2), for compliance: per local day, dispatch → arrived and
 * dispatch → handled (median and maximum), how many were flagged as not accepted in time; and the dispatches.
 */
import { dayKey } from '../patrol/compliance.ts';
import { reportRange } from '../patrol/reports.ts';
import { badRequest } from '../util/errors.ts';
import type { DispatchDayTimes, DispatchTimes, DispatchView } from '../../shared/wire/dispatch.ts';
import type { DispatchRepo } from './repo.ts';

/** Lower median; null for none. */
export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

export function dayTimes(date: string, list: readonly DispatchView[]): DispatchDayTimes {
  const arrived = list.map((d) => d.arrivedAfterMs).filter((x): x is number => x !== null);
  const handled = list.map((d) => d.handledAfterMs).filter((x): x is number => x !== null);
  return {
    date,
    dispatches: list.length,
    arrived: arrived.length,
    handled: handled.length,
    overdue: list.filter((d) => d.overdueAt !== null).length,
    arrivedP50Ms: median(arrived),
    arrivedMaxMs: arrived.length ? Math.max(...arrived) : null,
    handledP50Ms: median(handled),
    handledMaxMs: handled.length ? Math.max(...handled) : null,
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** [from, to] local dates (default: the last 7 days up to today), at most 92 days. */
export async function dispatchTimes(
  repo: Pick<DispatchRepo, 'between'>,
  q: { from?: string; to?: string; now: number },
  names?: { named(d: DispatchView): DispatchView },
): Promise<DispatchTimes> {
  const to = q.to ?? dayKey(q.now);
  const from = q.from ?? dayKey(q.now - 6 * 86_400_000);
  if (!DATE.test(from) || !DATE.test(to)) throw badRequest('from, to: dates as YYYY-MM-DD');
  const fromMs = reportRange(from).from;
  const toMs = reportRange(to).to;
  if (toMs <= fromMs) throw badRequest('to must not be before from');
  if (toMs - fromMs > 93 * 86_400_000) throw badRequest('at most 92 days at once');
  const list = (await repo.between(fromMs, toMs)).map((d) => names?.named(d) ?? d);
  const byDay = new Map<string, DispatchView[]>();
  for (const d of list) {
    const k = dayKey(d.sentAt);
    byDay.set(k, [...(byDay.get(k) ?? []), d]);
  }
  const days = [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => dayTimes(k, v));
  return { from: fromMs, to: toMs, days, dispatches: list };
}
