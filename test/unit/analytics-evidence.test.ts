import { describe, expect, it } from 'vitest';
import { isMover, plausible, scoresWell } from '../../server/analytics/evidence.ts';
import { ZoneRules, type RuleEvent } from '../../server/analytics/rules.ts';
import { Tracker, type TrackInput } from '../../server/analytics/tracker.ts';
import type { Zone } from '../../server/analytics/zones.ts';

const ZONE: Zone = { name: 'lawn', kind: 'loitering', polygon: [[0.2, 0.2], [0.6, 0.2], [0.6, 0.6], [0.2, 0.6]], dwellSeconds: 20 };
const box = (cx: number, feet: number, score: number, motion: number): TrackInput => ({
  x1: cx - 20, y1: feet - 100, x2: cx + 20, y2: feet, score, classId: 0, className: 'person', motion,
});

/** 60 s at 5 fps through tracker + rules (1000×1000 px frame); `at(t)` gives the detections. */
function run(at: (t: number) => TrackInput[]): RuleEvent[] {
  const tracker = new Tracker();
  const rules = new ZoneRules([ZONE], { width: 1000, height: 1000 });
  const ev: RuleEvent[] = [];
  for (let i = 0; i <= 300; i++) {
    const t = i / 5;
    ev.push(...rules.update(t, tracker.update(t, at(t))));
  }
  return [...ev, ...rules.finish()];
}

describe('plausibility of a loiterer', () => {
  it('a sign post scoring ~0.55 that never moves never alarms', () => {
    expect(run((t) => [box(400, 500, 0.52 + 0.04 * Math.sin(t), 0)])).toEqual([]);
  });

  it('a mannequin scoring like a person, there from the start and never moving, never alarms', () => {
    expect(run(() => [box(400, 500, 0.85, 0)])).toEqual([]);
  });

  it('a person who walks in and then stands still for a minute alarms once', () => {
    // walks from x = 100 (outside) to 400 in 6 s with motion in the box, then stands (no motion: the background caught up)
    const ev = run((t) => [t < 6 ? box(100 + 50 * t, 500, 0.8, 0.6) : box(400, 500, 0.8, 0)]);
    expect(ev.map((e) => e.kind)).toEqual(['start', 'end']);
    expect(ev[0]!.alarm.start).toBeGreaterThanOrEqual(20);
    expect(ev[0]!.alarm.start).toBeLessThan(26);
  });

  it('a person who appears with motion (steps out from behind a pillar) and stands counts', () => {
    const ev = run((t) => (t >= 5 ? [box(400, 500, 0.8, t < 6 ? 0.7 : 0)] : []));
    expect(ev.map((e) => e.kind)).toEqual(['start', 'end']);
    expect(ev[0]!.alarm.start).toBeCloseTo(25.2, 1);
  });

  it('judges the median score, and moved/motion evidence', () => {
    const e = { medianScore: 0.55, movedHits: 10, birthMotion: 0 };
    expect(scoresWell(e)).toBe(false);
    expect(isMover(e)).toBe(true);
    expect(plausible(e)).toBe(false);
    expect(plausible({ medianScore: 0.8, movedHits: 2, birthMotion: 0.1 })).toBe(false);
    expect(plausible({ medianScore: 0.8, movedHits: 3, birthMotion: 0 })).toBe(true);
    expect(plausible({ medianScore: 0.8, movedHits: 0, birthMotion: 0.2 })).toBe(true);
    expect(plausible({ medianScore: 0.5, movedHits: 0, birthMotion: 0 }, { minMedianScore: 0.4, birthMotion: 0 })).toBe(true);
  });
});
