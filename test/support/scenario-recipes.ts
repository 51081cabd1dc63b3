/**
 * The scenario recipes (test/support/scenarios.ts builds and caches the clips): pasted people and
 * objects over segments of the real pedestrian footage, with zones and ground truth. Categories:
 * basic (loitering, exits, walk-throughs), static (person-like things that never move: the real
 * sign post of vtest, a mannequin), pacing (a loiterer walking up and down, one hidden for a while).
 */
import type { Recipe } from './scenarios.ts';

const rect = (x1: number, y1: number, x2: number, y2: number): [number, number][] => [
  [x1, y1],
  [x2, y1],
  [x2, y2],
  [x1, y2],
];

export const RECIPES: Recipe[] = [
  {
    name: 'loiter-walkway',
    from: 20,
    to: 44,
    pastes: [{ crop: 'person', x: 600, y: 320, from: 2, to: 20, jitter: [8, 4] }],
    zones: [{ name: 'walkway', kind: 'loitering', polygon: rect(0.7, 0.62, 0.96, 0.86), dwellSeconds: 10 }],
    truth: [{ type: 'loitering', zone: 'walkway', start: 2, end: 20 }],
  },
  {
    name: 'exit-van',
    from: 0,
    to: 24,
    pastes: [{ crop: 'van', x: 80, y: 160, scale: 1.5, from: 3, to: 21, jitter: [1, 1] }],
    zones: [
      { name: 'fire-lane', kind: 'exit', polygon: [[0.08, 0.26], [0.31, 0.24], [0.31, 0.47], [0.08, 0.48]], dwellSeconds: 8 },
    ],
    truth: [{ type: 'blocked_exit', zone: 'fire-lane', start: 3, end: 21 }],
  },
  {
    name: 'chair-and-loiter',
    from: 48,
    to: 72,
    pastes: [
      { crop: 'chair', x: 420, y: 320, from: 4, to: 20, jitter: [1, 1] },
      { crop: 'person', x: 40, y: 400, from: 6, to: 22, jitter: [6, 3] },
    ],
    zones: [
      { name: 'exit-door', kind: 'exit', polygon: rect(0.51, 0.52, 0.73, 0.84), dwellSeconds: 8 },
      { name: 'lawn', kind: 'loitering', polygon: [[0.02, 0.74], [0.24, 0.76], [0.22, 0.99], [0.02, 0.99]], dwellSeconds: 10 },
    ],
    truth: [
      { type: 'blocked_exit', zone: 'exit-door', start: 4, end: 20 },
      { type: 'loitering', zone: 'lawn', start: 6, end: 22 },
    ],
  },
  {
    // one episode with a 1.5 s gap (person hidden): must stay one alarm
    name: 'loiter-gap',
    from: 36,
    to: 60,
    pastes: [
      { crop: 'person', x: 40, y: 400, from: 2, to: 10, jitter: [6, 3] },
      { crop: 'person', x: 44, y: 402, from: 11.5, to: 22, jitter: [6, 3] },
    ],
    zones: [{ name: 'lawn', kind: 'loitering', polygon: [[0.02, 0.74], [0.24, 0.76], [0.22, 0.99], [0.02, 0.99]], dwellSeconds: 10 }],
    truth: [{ type: 'loitering', zone: 'lawn', start: 2, end: 22 }],
  },
  {
    // stays shorter than the dwell: a person for 6 s (dwell 10), the van for 5 s (dwell 8)
    name: 'short-stays',
    from: 54,
    to: 78,
    pastes: [
      { crop: 'person', x: 600, y: 320, from: 3, to: 9, jitter: [8, 4] },
      { crop: 'van', x: 80, y: 160, scale: 1.5, from: 12, to: 17, jitter: [1, 1] },
    ],
    zones: [
      { name: 'walkway', kind: 'loitering', polygon: rect(0.7, 0.62, 0.96, 0.86), dwellSeconds: 10 },
      { name: 'fire-lane', kind: 'exit', polygon: [[0.08, 0.26], [0.31, 0.24], [0.31, 0.47], [0.08, 0.48]], dwellSeconds: 8 },
    ],
    truth: [],
  },
  {
    name: 'walk-through',
    from: 30,
    to: 54,
    pastes: [],
    zones: [
      // a real passer-by lingers ~12 s in the crossing here (t 6–18): 15 s is past any walk-through
      { name: 'crossing', kind: 'loitering', polygon: rect(0.33, 0.3, 0.68, 0.58), dwellSeconds: 15 },
      { name: 'path', kind: 'exit', polygon: rect(0.52, 0.2, 0.92, 0.45), dwellSeconds: 8 },
    ],
    truth: [],
  },
  {
    // the real blue sign post on the upper-left lawn of vtest scores ~0.5–0.58 as a person in every
    // frame and never moves: a loitering zone drawn over it must stay silent
    name: 'static-post',
    category: 'static',
    from: 0,
    to: 40,
    pastes: [],
    zones: [{ name: 'post-lawn', kind: 'loitering', polygon: rect(0, 0.15, 0.1, 0.3), dwellSeconds: 10 }],
    truth: [],
  },
  {
    // a life-size poster / mannequin: a person picture that is there from the first frame and never
    // moves (scores like a real person); people walk past it
    name: 'static-mannequin',
    category: 'static',
    from: 30,
    to: 54,
    pastes: [{ crop: 'person', x: 600, y: 320, from: 0, to: 24 }],
    zones: [{ name: 'walkway', kind: 'loitering', polygon: rect(0.7, 0.62, 0.96, 0.86), dwellSeconds: 10 }],
    truth: [],
  },
  {
    // a person pacing up and down the lower lawn for 90 s (≈ 45 px/s, turning every 5 s; real
    // passers-by cross the lawn around t = 52–62 s); vtest is played twice for the length
    name: 'loiter-pacing',
    category: 'pacing',
    from: 0,
    to: 100,
    loops: 2,
    pastes: [{ crop: 'person', x: 40, y: 420, from: 5, to: 95, path: pacing(5, 95, 40, 260, 420, 5) }],
    zones: [{ name: 'lawn', kind: 'loitering', polygon: rect(0.02, 0.7, 0.48, 0.99), dwellSeconds: 30 }],
    truth: [{ type: 'loitering', zone: 'lawn', start: 5, end: 95 }],
  },
  {
    // a loiterer walking up and down the walkway (14 px/s), hidden for 3.5 s (behind a pillar)
    // after the alarm was raised, reappearing ~50 px further on: still one person, one alarm
    name: 'loiter-occluded',
    category: 'pacing',
    from: 20,
    to: 52,
    pastes: [
      { crop: 'person', x: 540, y: 320, from: 2, to: 30, path: [[2, 540, 320], [12, 680, 330], [22, 540, 320], [30, 640, 326]], hidden: [[15, 18.5]] },
    ],
    zones: [{ name: 'walkway', kind: 'loitering', polygon: rect(0.66, 0.6, 0.98, 0.88), dwellSeconds: 10 }],
    truth: [{ type: 'loitering', zone: 'walkway', start: 2, end: 30 }],
  },
];

/** Waypoints walking between x0 and x1 (at height y) and back, one leg every `leg` seconds. */
function pacing(from: number, to: number, x0: number, x1: number, y: number, leg: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let t = from, i = 0; t <= to; t += leg, i++) out.push([t, i % 2 ? x1 : x0, y]);
  return out;
}

