import { describe, expect, it } from 'vitest';
import { ZoneRules, type RuleEvent } from '../../server/analytics/rules.ts';
import type { Track } from '../../server/analytics/tracker.ts';
import type { Zone } from '../../server/analytics/zones.ts';

// 1000×1000 px frame so pixel = normalised × 1000
const W = 1000;
const zoneRect = (x1: number, y1: number, x2: number, y2: number): [number, number][] => [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];
const LOITER: Zone = { name: 'stairs', kind: 'loitering', polygon: zoneRect(0.2, 0.2, 0.6, 0.6), dwellSeconds: 60 };
const EXIT: Zone = { name: 'exit', kind: 'exit', polygon: zoneRect(0.6, 0.6, 0.9, 0.9), dwellSeconds: 30 };

/** A seen-now track with feet at (fx, fy) px. */
function track(id: number, t: number, fx: number, fy: number, className = 'person', size = 100, firstSeen = 0): Track {
  const w = className === 'person' ? size * 0.4 : size;
  return {
    id, classId: className === 'person' ? 0 : 2, className, score: 0.8, firstSeen, lastSeen: t, hits: 10, confirmed: true, vx: 0, vy: 0,
    box: { x1: fx - w / 2, y1: fy - size, x2: fx + w / 2, y2: fy },
    history: [{ t, x: fx, y: fy }],
  };
}

/** Run rules at 1 Hz from t0 to t1 with tracks(t); collect events. */
function drive(rules: ZoneRules, t0: number, t1: number, tracks: (t: number) => Track[], step = 1): RuleEvent[] {
  const ev: RuleEvent[] = [];
  for (let t = t0; t <= t1 + 1e-9; t += step) ev.push(...rules.update(Math.round(t * 1000) / 1000, tracks(t)));
  return ev;
}
const summary = (ev: RuleEvent[]) => ev.map((e) => `${e.kind} ${e.alarm.type} ${e.alarm.zone} ${e.alarm.start}-${e.alarm.end ?? ''}`);

describe('loitering', () => {
  it('one person standing ≥ dwell → one alarm from enter+60 until they leave (+hysteresis)', () => {
    const rules = new ZoneRules([LOITER], { width: W, height: W, clearSeconds: 5 });
    const ev = drive(rules, 0, 120, (t) => (t >= 10 && t <= 90 ? [track(1, t, 400 + 10 * Math.sin(t), 400)] : []));
    expect(summary(ev)).toEqual(['start loitering stairs 70-', 'end loitering stairs 70-90']);
    expect(ev[1]!.alarm).toMatchObject({ since: 10, trackIds: [1] });
  });

  it('people walking through never alarm', () => {
    const rules = new ZoneRules([LOITER], { width: W, height: W });
    // 10 walkers, one every 20 s, each crossing the zone in ~8 s
    const ev = drive(rules, 0, 240, (t) => {
      const out: Track[] = [];
      for (let k = 0; k < 10; k++) {
        const x = 100 + 50 * (t - 20 * k);
        if (x >= 100 && x <= 900) out.push(track(k + 1, t, x, 300 + 20 * k));
      }
      return out;
    });
    expect(ev).toEqual([]);
  });

  it('tolerates detection gaps and a new track id at the same spot', () => {
    const rules = new ZoneRules([LOITER], { width: W, height: W, gapSeconds: 5 });
    const ev = drive(rules, 0, 80, (t) => {
      if (t > 20 && t < 24) return []; // not detected for 3 s
      return t < 40 ? [track(1, t, 400, 400)] : [track(2, t, 402, 401, 'person', 100, 40)]; // id switch at 40
    });
    expect(summary(ev)).toEqual(['start loitering stairs 60-']);
    expect(rules.finish().map((e) => e.alarm)).toMatchObject([{ start: 60, end: 80, trackIds: [2] }]);
  });

  it('does not chain different people: someone leaves, someone else arrives', () => {
    const rules = new ZoneRules([LOITER], { width: W, height: W });
    const ev = drive(rules, 0, 100, (t) => (t < 40 ? [track(1, t, 300, 300)] : t > 42 ? [track(2, t, 500, 500, 'person', 100, 42)] : []));
    expect(ev).toEqual([]);
  });

  it('only in active hours when a wall clock is given', () => {
    const z: Zone = { ...LOITER, dwellSeconds: 10, activeHours: { from: '22:00', to: '06:00' } };
    const noon = new ZoneRules([z], { width: W, height: W });
    const night = new ZoneRules([z], { width: W, height: W });
    for (let t = 0; t <= 30; t++) {
      expect(noon.update(t, [track(1, t, 400, 400)], new Date(2025, 0, 1, 12, 0, t))).toEqual([]);
      night.update(t, [track(1, t, 400, 400)], new Date(2025, 0, 1, 23, 0, t));
    }
    expect(night.openAlarms).toHaveLength(1);
  });
});

describe('blocked exit', () => {
  it('a parked car ≥ dwell → one alarm despite flickering detections; ends after clearSeconds', () => {
    const rules = new ZoneRules([EXIT], { width: W, height: W, clearSeconds: 5 });
    const ev = drive(rules, 0, 100, (t) => (t >= 10 && t <= 70 && t % 4 !== 3 ? [track(7, t, 750, 850, 'car', 150)] : []), 1);
    expect(summary(ev)).toEqual(['start blocked_exit exit 40-', 'end blocked_exit exit 40-70']);
  });

  it('people walking through or standing in the exit do not block it', () => {
    const rules = new ZoneRules([EXIT], { width: W, height: W });
    const ev = drive(rules, 0, 100, (t) => [track(1, t, 750, 800), track(2, t, 600 + 3 * t, 700 + 2 * t)]);
    expect(ev).toEqual([]);
  });

  it('a moving vehicle is not an obstruction; a carried bag is not either', () => {
    const rules = new ZoneRules([EXIT], { width: W, height: W });
    const moving = (t: number) => {
      const car = track(3, t, 650 + 5 * t, 800, 'car', 60);
      car.history = Array.from({ length: 11 }, (_, k) => ({ t: t - k, x: 650 + 5 * (t - k), y: 800 })); // 5 px/s
      return car;
    };
    const bag = (t: number) => {
      const b = track(4, t, 750, 760, 'backpack', 30);
      return b;
    };
    const ev = drive(rules, 0, 60, (t) => [moving(t), track(5, t, 750, 800, 'person', 120), bag(t)]);
    expect(ev).toEqual([]);
  });

  it('hysteresis: a 3 s clearance keeps the episode, a long clearance ends it and a new one needs the dwell again', () => {
    const rules = new ZoneRules([EXIT], { width: W, height: W, clearSeconds: 5, gapSeconds: 5 });
    const present = (t: number) => (t < 50 || (t >= 53 && t < 80) || t >= 100 ? [track(9, t, 750, 850, 'car', 150)] : []);
    const ev = drive(rules, 0, 140, present);
    expect(summary(ev)).toEqual([
      'start blocked_exit exit 30-',
      'end blocked_exit exit 30-79',
      'start blocked_exit exit 130-',
    ]);
  });
});

describe('episodes', () => {
  it('finish() closes open alarms at the last time the condition held', () => {
    const rules = new ZoneRules([LOITER, EXIT], { width: W, height: W });
    drive(rules, 0, 100, (t) => [track(1, t, 400, 400), track(2, t, 750, 850, 'car', 150)]);
    const ends = rules.finish();
    expect(ends.map((e) => [e.alarm.type, e.alarm.start, e.alarm.end])).toEqual([
      ['loitering', 60, 100],
      ['blocked_exit', 30, 100],
    ]);
    expect(rules.openAlarms).toEqual([]);
  });
});
