import { describe, expect, it } from 'vitest';
import { BINS } from '../../server/analytics/appearance.ts';
import { reassociate } from '../../server/analytics/reassociate.ts';
import { Tracker, type TrackerOptions, type TrackInput } from '../../server/analytics/tracker.ts';

/** A colour histogram concentrated on a few bins: `look` picks which (different looks barely overlap). */
function look(n: number): Float32Array {
  const h = new Float32Array(BINS);
  for (let k = 0; k < 4; k++) h[(n * 7 + k * 3) % BINS] = 0.25;
  return h;
}
function person(cx: number, feet: number, app?: Float32Array, score = 0.85, w = 50, h = 110): TrackInput {
  return { x1: cx - w / 2, y1: feet - h, x2: cx + w / 2, y2: feet, score, classId: 0, className: 'person', ...(app ? { appearance: app } : {}) };
}
/** x of a person pacing between 40 and 265 px at 45 px/s (a turn every 5 s). */
const pacingX = (t: number) => {
  const leg = Math.floor(t / 5);
  const f = (t % 5) / 5;
  return leg % 2 ? 265 - 225 * f : 40 + 225 * f;
};
/** Ids a tracker gives the pacing person over 90 s at `fps`. */
function pacingIds(fps: number, opts: TrackerOptions, hideFrom = -1, hideTo = -1): Set<number> {
  const tr = new Tracker(opts);
  const ids = new Set<number>();
  for (let i = 0; i <= 90 * fps; i++) {
    const t = i / fps;
    const hidden = t >= hideFrom && t < hideTo;
    const tracks = tr.update(t, hidden ? [] : [person(pacingX(t), 530, look(1))]);
    if (!hidden && i >= 2) for (const k of tracks) if (k.lastSeen === t) ids.add(k.id);
  }
  return ids;
}
const IOU_ONLY: TrackerOptions = { lostSeconds: 2, reassoc: { gateBase: 0, gateSpeed: 0 } };

describe('tracker re-association', () => {
  it('keeps one id for a person pacing 90 s at 2 and 5 fps (IoU alone loses them at the turns at 2 fps)', () => {
    expect(pacingIds(2, IOU_ONLY).size).toBeGreaterThan(1);
    expect(pacingIds(2, {}).size).toBe(1);
    expect(pacingIds(5, {}).size).toBe(1);
  });

  it('keeps one id through a 3.5 s occlusion while walking on (IoU alone starts a new one)', () => {
    expect(pacingIds(5, IOU_ONLY, 36.2, 39.7).size).toBe(2);
    expect(pacingIds(5, {}, 36.2, 39.7).size).toBe(1);
    expect(pacingIds(2, {}, 36.2, 39.7).size).toBe(1);
  });

  it('does not hand a lost track to someone who looks different, nor to a look-alike too far away', () => {
    const tr = new Tracker();
    for (let i = 0; i < 10; i++) tr.update(i / 5, [person(300, 500, look(1))]);
    const [a] = tr.tracks;
    // vanished at 1.8 s; 2 s later someone else steps in at the same spot, a look-alike 150 px away
    tr.update(3.8, [person(305, 500, look(5)), person(450, 500, look(1))]);
    const tracks = tr.update(4, [person(306, 500, look(5)), person(452, 500, look(1))]);
    expect(tracks.map((k) => k.id)).not.toContain(a!.id);
    expect(tracks).toHaveLength(2);
  });

  it('two people crossing keep their ids when their colours differ, even with a merged box', () => {
    const tr = new Tracker();
    let idA = 0;
    for (let i = 0; i <= 40; i++) {
      const t = i / 5;
      const a = person(100 + 60 * t, 500, look(1));
      const b = person(580 - 60 * t, 500, look(2));
      const tracks = tr.update(t, [a, b]);
      if (i === 2) idA = tracks.find((k) => k.box.x1 < 300)!.id;
    }
    expect(tr.tracks.find((k) => k.id === idA)!.box.x1).toBeGreaterThan(500);
  });

  it('gates by time: the allowed distance grows with the time lost', () => {
    const lost = [{ box: { x1: 0, y1: 0, x2: 50, y2: 110 }, lastSeen: 0, vx: 0, vy: 0 }];
    const at = (dx: number) => [{ box: { x1: dx, y1: 0, x2: dx + 50, y2: 110 } }];
    expect(reassociate(0.5, lost, at(15))).toEqual([[0, 0]]); // no appearance: within half the gate (37.5 px at 0.5 s)
    expect(reassociate(0.5, lost, at(60))).toEqual([]);
    expect(reassociate(4, lost, [{ ...at(60)[0]!, appearance: look(1) }])).toEqual([]); // only one side has a histogram
    const withApp = [{ ...lost[0]!, appearance: look(1) }];
    expect(reassociate(4, withApp, [{ ...at(60)[0]!, appearance: look(1) }])).toEqual([[0, 0]]); // gate 90 px at 4 s
    expect(reassociate(0.5, withApp, [{ ...at(60)[0]!, appearance: look(1) }])).toEqual([]); // gate 37.5 px
  });
});
