import { describe, expect, it } from 'vitest';
import { EpisodeJoiner } from '../../server/analytics/episodes.ts';
import type { Alarm, RuleEvent } from '../../server/analytics/rules.ts';

let nextId = 100;
function alarm(zone: string, start: number, end: number, trackIds = [1], type: Alarm['type'] = 'loitering'): [RuleEvent, RuleEvent] {
  const a: Alarm = { id: nextId++, type, zone, start, end: undefined, since: start - 10, score: 0.8, trackIds };
  return [{ kind: 'start', alarm: { ...a } }, { kind: 'end', alarm: { ...a, end } }];
}

/** Feed events at their times (1 s steps up to tEnd), collect what becomes final, with when. */
function drive(j: EpisodeJoiner, events: RuleEvent[], tEnd: number): { at: number; a: Alarm }[] {
  const at = (e: RuleEvent) => (e.kind === 'start' ? e.alarm.start : e.alarm.end!);
  const out: { at: number; a: Alarm }[] = [];
  for (let t = 0; t <= tEnd; t++) for (const a of j.push(events.filter((e) => at(e) === t), t)) out.push({ at: t, a });
  for (const a of j.finish()) out.push({ at: Infinity, a });
  return out;
}

describe('EpisodeJoiner (offline cool-down merge)', () => {
  it('joins a restart within the cool-down into one alarm with a count, reported once the cool-down passed', () => {
    const [s1, e1] = alarm('lawn', 35, 57, [9]);
    const [s2, e2] = alarm('lawn', 88, 95, [36]);
    const out = drive(new EpisodeJoiner(120), [s1, e1, s2, e2], 300);
    expect(out).toHaveLength(1);
    expect(out[0]!.at).toBe(216); // 95 + 120 passed
    expect(out[0]!.a).toMatchObject({ zone: 'lawn', start: 35, end: 95, occurrences: 2, trackIds: [9, 36] });
  });

  it('keeps separate alarms past the cool-down, in other zones and of other kinds', () => {
    const ev = [...alarm('lawn', 10, 20), ...alarm('lawn', 141, 150), ...alarm('gate', 30, 40), ...alarm('lawn', 50, 60, [1], 'blocked_exit')];
    const out = drive(new EpisodeJoiner(120), ev, 400);
    expect(out.map((o) => `${o.a.type} ${o.a.zone} ${o.a.start}-${o.a.end} x${o.a.occurrences}`).sort()).toEqual([
      'blocked_exit lawn 50-60 x1',
      'loitering gate 30-40 x1',
      'loitering lawn 10-20 x1',
      'loitering lawn 141-150 x1',
    ]);
  });

  it('cool-down 0 never joins; finish() hands over what is still waiting', () => {
    const ev = [...alarm('lawn', 10, 20), ...alarm('lawn', 25, 30)];
    expect(drive(new EpisodeJoiner(0), ev, 100)).toHaveLength(2);
    const j = new EpisodeJoiner(120);
    expect(drive(j, ev, 40).map((o) => [o.at, o.a.occurrences])).toEqual([[Infinity, 2]]);
  });
});
