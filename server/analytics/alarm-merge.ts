/**
 * One condition, one alarm, whatever saw it (pure). A blocked exit can be seen by the COCO rule (a
 * parked van, a chair) and by the zone's clear-reference comparison (background.ts) at the same time —
 * the van is also a change against the clear lane. Both feed this merger per zone + type: the first
 * source to start opens the alarm, a second one joins it (its track ids and score are merged), and the
 * alarm ends only when every source has ended (end = the latest end).
 */
import type { Alarm, RuleEvent } from './rules.ts';

interface Merged {
  alarm: Alarm;
  /** source alarm ids holding it */
  sources: Set<number>;
  lastEnd: number;
}

export class AlarmMerge {
  private readonly byKey = new Map<string, Merged>();
  private readonly bySource = new Map<number, Merged>();

  push(events: readonly RuleEvent[]): RuleEvent[] {
    const out: RuleEvent[] = [];
    for (const { kind, alarm } of events) {
      const key = `${alarm.type}\u0000${alarm.zone}`;
      if (kind === 'start') {
        const m = this.byKey.get(key);
        if (m) {
          m.sources.add(alarm.id);
          this.bySource.set(alarm.id, m);
          merge(m.alarm, alarm);
          continue;
        }
        const n: Merged = { alarm: { ...alarm, trackIds: [...alarm.trackIds] }, sources: new Set([alarm.id]), lastEnd: Number.NEGATIVE_INFINITY };
        this.byKey.set(key, n);
        this.bySource.set(alarm.id, n);
        out.push({ kind: 'start', alarm: copy(n.alarm) });
        continue;
      }
      const m = this.bySource.get(alarm.id);
      if (!m) continue;
      this.bySource.delete(alarm.id);
      m.sources.delete(alarm.id);
      merge(m.alarm, alarm);
      m.lastEnd = Math.max(m.lastEnd, alarm.end ?? alarm.start);
      if (m.sources.size) continue;
      this.byKey.delete(key);
      m.alarm.end = m.lastEnd;
      out.push({ kind: 'end', alarm: copy(m.alarm) });
    }
    return out;
  }

  get open(): Alarm[] {
    return [...this.byKey.values()].map((m) => m.alarm);
  }
}

function merge(into: Alarm, a: Alarm): void {
  into.score = Math.max(into.score, a.score);
  into.since = Math.min(into.since, a.since);
  for (const id of a.trackIds) if (!into.trackIds.includes(id)) into.trackIds.push(id);
}

function copy(a: Alarm): Alarm {
  return { ...a, trackIds: [...a.trackIds] };
}
