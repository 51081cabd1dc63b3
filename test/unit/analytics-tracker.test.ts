import { describe, expect, it } from 'vitest';
import type { Detection } from '../../server/analytics/postprocess.ts';
import { greedyMatch, Tracker } from '../../server/analytics/tracker.ts';

const NAMES = ['person', 'bicycle', 'car'];
function det(x: number, y: number, w = 40, h = 100, score = 0.8, classId = 0): Detection {
  return { x1: x, y1: y, x2: x + w, y2: y + h, score, classId, className: NAMES[classId]! };
}
const FPS = 5;

describe('Tracker', () => {
  it('keeps one id for a walking person through a 1 s detection gap, with bottom-centre history', () => {
    const tr = new Tracker({ maxAgeSeconds: 2 });
    const ids = new Set<number>();
    for (let i = 0; i <= 50; i++) {
      const t = i / FPS;
      const missing = t >= 4 && t < 5; // 5 frames without detection
      const tracks = tr.update(t, missing ? [] : [det(50 + 40 * t, 100)]); // 40 px/s
      if (!missing && i >= 1) {
        expect(tracks).toHaveLength(1);
        ids.add(tracks[0]!.id);
      }
    }
    expect(ids.size).toBe(1);
    const track = tr.tracks[0]!;
    expect(track.vx).toBeCloseTo(40, 0);
    const last = track.history.at(-1)!;
    expect(last).toEqual({ t: 10, x: 50 + 400 + 20, y: 200 });
    expect(track.history).toHaveLength(46); // 51 frames − 5 missing
  });

  it('drops a track after lostSeconds and starts a new id', () => {
    const tr = new Tracker({ maxAgeSeconds: 1, lostSeconds: 1 });
    tr.update(0, [det(100, 100)]);
    const [a] = tr.update(0.2, [det(101, 100)]);
    expect(tr.update(1.5, [])).toHaveLength(0);
    tr.update(1.6, [det(102, 100)]);
    const [b] = tr.update(1.8, [det(102, 100)]);
    expect(b!.id).not.toBe(a!.id);
  });

  it('keeps identities of two people crossing each other', () => {
    const tr = new Tracker();
    let leftId = 0;
    let rightId = 0;
    for (let i = 0; i <= 40; i++) {
      const t = i / FPS;
      const a = det(0 + 80 * t, 100); // walks right
      const b = det(640 - 80 * t, 104); // walks left, crosses a at t = 4
      const tracks = tr.update(t, i % 2 ? [b, a] : [a, b]);
      if (i === 2) {
        leftId = tracks.find((k) => k.box.x1 < 320)!.id;
        rightId = tracks.find((k) => k.box.x1 > 320)!.id;
      }
    }
    const tracks = tr.tracks;
    expect(tracks).toHaveLength(2);
    expect(tracks.find((k) => k.id === leftId)!.box.x1).toBeCloseTo(640, 0); // now on the right
    expect(tracks.find((k) => k.id === rightId)!.box.x1).toBeCloseTo(0, 0);
    expect(tracks.find((k) => k.id === leftId)!.vx).toBeGreaterThan(0);
  });

  it('uses low-score detections to continue tracks, never to start them', () => {
    const tr = new Tracker({ highThreshold: 0.5, lowThreshold: 0.1, newTrackThreshold: 0.6 });
    tr.update(0, [det(100, 100, 40, 100, 0.9)]);
    const [a] = tr.update(0.2, [det(102, 100, 40, 100, 0.9)]);
    for (let i = 2; i < 10; i++) {
      const tracks = tr.update(i / FPS, [det(102, 100, 40, 100, 0.2), det(400, 100, 40, 100, 0.2)]);
      expect(tracks.map((k) => k.id)).toEqual([a!.id]);
      expect(tracks[0]!.lastSeen).toBe(i / FPS);
    }
  });

  it('needs minHits before a track is reported and drops tentative tracks that miss', () => {
    const tr = new Tracker({ minHits: 3 });
    expect(tr.update(0, [det(0, 0)])).toHaveLength(0);
    expect(tr.update(0.2, [det(1, 0)])).toHaveLength(0);
    expect(tr.update(0.4, [det(2, 0)])).toHaveLength(1);
    const tr2 = new Tracker({ minHits: 2 });
    tr2.update(0, [det(0, 0)]);
    tr2.update(0.2, []);
    expect(tr2.update(0.4, [det(0, 0)])).toHaveLength(0); // tentative one was dropped, a new one started
  });

  it('associates only within a class group and keeps the majority class', () => {
    const tr = new Tracker({ groupOf: (c) => (c === 0 ? 0 : 1) });
    tr.update(0, [det(100, 100, 80, 60, 0.7, 1)]);
    tr.update(0.2, [det(100, 100, 80, 60, 0.4, 2)]);
    tr.update(0.4, [det(100, 100, 80, 60, 0.7, 1), det(100, 100, 80, 60, 0.9, 0)]);
    const tracks = tr.update(0.6, [det(100, 100, 80, 60, 0.7, 1), det(100, 100, 80, 60, 0.9, 0)]);
    expect(tracks.map((k) => k.className).sort()).toEqual(['bicycle', 'person']);
  });

  it('greedyMatch pairs best IoU first, each side once', () => {
    const A = { x1: 0, y1: 0, x2: 10, y2: 10 };
    const B = { x1: 20, y1: 0, x2: 30, y2: 10 };
    expect(greedyMatch([A, B], [{ ...B, x1: 21 }, { ...A, x1: 1 }], 0.3)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(greedyMatch([A], [B], 0.1)).toEqual([]);
  });
});
