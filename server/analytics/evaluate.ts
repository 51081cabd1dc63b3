/**
 * Event-level scoring of alarms against ground truth (pure).
 *
 * A ground-truth event says: from `start` to `end` (video seconds) the condition physically exists
 * (a person stands in the zone, an object sits in the exit); the ideal alarm is raised at
 * start + dwellSeconds and ends at `end`. An alarm matches an event of the same type and zone when
 * its [start, end] overlaps [start + dwell − tolerance, end + tolerance]; each event takes at most
 * one alarm (best overlap), so a second alarm for one episode is a false positive.
 * Delay = alarm start − (event start + dwell): the latency the rule adds beyond the dwell itself.
 */
import type { AlarmType } from './rules.ts';

export interface TruthEvent {
  type: AlarmType;
  zone: string;
  start: number;
  end: number;
  dwellSeconds: number;
}

export interface AlarmLine {
  type: AlarmType;
  zone: string;
  start: number;
  end: number;
}

export interface EvalResult {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  /** per matched event, seconds */
  delays: number[];
  meanDelay: number | undefined;
  maxDelay: number | undefined;
  matches: { truth: TruthEvent; alarm: AlarmLine | undefined; delay: number | undefined }[];
  unmatched: AlarmLine[];
}

export function scoreAlarms(truth: readonly TruthEvent[], alarms: readonly AlarmLine[], tolerance = 2): EvalResult {
  const used = new Set<number>();
  const matches: EvalResult['matches'] = [];
  for (const g of truth) {
    const lo = g.start + g.dwellSeconds - tolerance;
    const hi = g.end + tolerance;
    let best = -1;
    let bestOverlap = -1;
    alarms.forEach((a, i) => {
      if (used.has(i) || a.type !== g.type || a.zone !== g.zone) return;
      const overlap = Math.min(a.end, hi) - Math.max(a.start, lo);
      if (overlap >= 0 && overlap > bestOverlap) {
        best = i;
        bestOverlap = overlap;
      }
    });
    if (best >= 0) {
      used.add(best);
      const a = alarms[best]!;
      matches.push({ truth: g, alarm: a, delay: a.start - (g.start + g.dwellSeconds) });
    } else matches.push({ truth: g, alarm: undefined, delay: undefined });
  }
  const tp = used.size;
  const fp = alarms.length - tp;
  const fn = truth.length - tp;
  const delays = matches.flatMap((m) => (m.delay === undefined ? [] : [m.delay]));
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: alarms.length ? tp / alarms.length : 1,
    recall: truth.length ? tp / truth.length : 1,
    delays,
    meanDelay: delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : undefined,
    maxDelay: delays.length ? Math.max(...delays) : undefined,
    matches,
    unmatched: alarms.filter((_, i) => !used.has(i)),
  };
}
