/**
 * One episode, one alarm — offline (pure). The zone rules end an alarm when its condition has been
 * false for clearSeconds; when the same zone fires the same kind again within cooldownSeconds of
 * that end (the pacing person whose track was lost, someone back after a moment), it is the same
 * episode: the later alarm joins the earlier one (its end moves on, occurrences + 1, track ids and
 * score merged) instead of being a second alarm. Live, AlarmService does the same on the stored
 * alarms (it also re-opens one that was already resolved).
 *
 * push() takes the rule events of one step at video time t and returns the alarms that became
 * final: ended more than cooldownSeconds ago with no restart. finish() returns the rest.
 */
import type { Alarm, RuleEvent } from './rules.ts';

/** default `analytics.alarmCooldownSeconds` */
export const DEFAULT_ALARM_COOLDOWN_SECONDS = 120;

export class EpisodeJoiner {
  /** ended, waiting out the cool-down, by zone + kind */
  private readonly ended = new Map<string, Alarm>();
  /** rule alarm id → the episode it belongs to */
  private readonly open = new Map<number, Alarm>();

  constructor(private readonly cooldownSeconds = DEFAULT_ALARM_COOLDOWN_SECONDS) {}

  push(events: readonly RuleEvent[], t: number): Alarm[] {
    const out: Alarm[] = [];
    for (const { kind, alarm } of events) {
      const key = `${alarm.type}\u0000${alarm.zone}`;
      if (kind === 'start') {
        const prev = this.ended.get(key);
        if (prev && prev.end !== undefined && alarm.start - prev.end <= this.cooldownSeconds) {
          this.ended.delete(key);
          prev.end = undefined;
          prev.occurrences = (prev.occurrences ?? 1) + 1;
          this.open.set(alarm.id, prev);
        } else this.open.set(alarm.id, { ...alarm, trackIds: [...alarm.trackIds], occurrences: 1 });
        continue;
      }
      const ep = this.open.get(alarm.id);
      if (!ep) continue;
      this.open.delete(alarm.id);
      ep.end = alarm.end;
      ep.score = Math.max(ep.score, alarm.score);
      for (const id of alarm.trackIds) if (!ep.trackIds.includes(id)) ep.trackIds.push(id);
      // a different episode still waiting under this key cannot be joined any more: it is final
      const waiting = this.ended.get(key);
      this.ended.set(key, ep);
      if (waiting && waiting !== ep) out.push(waiting);
    }
    return [...out, ...this.flush(t)];
  }

  finish(): Alarm[] {
    const out = [...this.ended.values(), ...this.open.values()];
    this.ended.clear();
    this.open.clear();
    return out.sort((a, b) => a.start - b.start);
  }

  private flush(t: number): Alarm[] {
    const out: Alarm[] = [];
    for (const [key, a] of this.ended) {
      if (t - (a.end ?? t) > this.cooldownSeconds) {
        this.ended.delete(key);
        out.push(a);
      }
    }
    return out;
  }
}
