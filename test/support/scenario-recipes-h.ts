/**
 * Scenario recipes of issue H points 2, 5 and 6: non-COCO obstructions in exit zones (cartons, a
 * trolley-like box, a mattress — synthetic shapes, scenarios.ts SHAPES), people standing in an exit,
 * light changes (slow ramp, auto-exposure step, day/night switch to grey), night/IR grey noisy footage,
 * and camera tamper (covered, blurred, turned away = a shifted/rotated view, a person passing close
 * to the lens). Each clip ≤ 40 s; objects appear after 16 s, once the exit zone's clear look is
 * learned (a busy walkway takes 10–15 s: every pixel must be seen still and uncovered for 4 s).
 */
import { TAMPER_ZONE } from '../../server/analytics/tamper.ts';
import type { Recipe } from './scenarios.ts';

const rect = (x1: number, y1: number, x2: number, y2: number): [number, number][] => [
  [x1, y1],
  [x2, y1],
  [x2, y2],
  [x1, y2],
];

/** the walkway in front of the lamp post (people walk through it all the time) */
const WALKWAY_LANE = { name: 'lane', kind: 'exit' as const, polygon: rect(0.45, 0.36, 0.75, 0.6), dwellSeconds: 8 };
/** the tarmac below the building, left of the lamp post */
const YARD_LANE = { name: 'yard', kind: 'exit' as const, polygon: rect(0.08, 0.34, 0.4, 0.56), dwellSeconds: 8 };
/** the night look: grey (IR), darker, flatter, noisy */
const NIGHT = "hue=s=0,eq=brightness=-0.22:contrast=0.65,noise=alls=22:allf=t";
/** (use inside single quotes: commas are literal there) */
const at = (a: number, b: number) => `between(t,${a},${b})`;

export const RECIPES_H: Recipe[] = [
  // ---- non-COCO obstructions (point 2) ----
  {
    name: 'carton-lane',
    category: 'obstruction',
    from: 0,
    to: 36,
    pastes: [{ crop: 'cartons', x: 420, y: 240, from: 16, to: 32, jitter: [1, 1] }],
    zones: [WALKWAY_LANE],
    truth: [{ type: 'blocked_exit', zone: 'lane', start: 16, end: 32 }],
  },
  {
    name: 'trolley-yard',
    category: 'obstruction',
    from: 30,
    to: 66,
    pastes: [{ crop: 'trolley', x: 150, y: 220, from: 16, to: 32, jitter: [1, 1] }],
    zones: [YARD_LANE],
    truth: [{ type: 'blocked_exit', zone: 'yard', start: 16, end: 32 }],
  },
  {
    name: 'mattress-lane',
    category: 'obstruction',
    from: 40,
    to: 76,
    pastes: [{ crop: 'mattress', x: 400, y: 260, from: 16, to: 32, jitter: [1, 1] }],
    zones: [WALKWAY_LANE],
    truth: [{ type: 'blocked_exit', zone: 'lane', start: 16, end: 32 }],
  },
  {
    // a person standing still in the exit for 16 s (and people walking through): not an obstruction
    name: 'exit-person-standing',
    category: 'obstruction',
    from: 10,
    to: 34,
    pastes: [{ crop: 'person', x: 480, y: 200, from: 4, to: 20, jitter: [3, 2] }],
    zones: [WALKWAY_LANE],
    truth: [],
  },
  // ---- light changes (exit zones and tamper stay silent) ----
  {
    name: 'light-ramp',
    category: 'light',
    from: 0,
    to: 40,
    post: "eq=brightness='-0.008*t':contrast='1-0.006*t':eval=frame",
    zones: [WALKWAY_LANE, YARD_LANE],
    pastes: [],
    tamper: true,
    truth: [],
  },
  {
    name: 'light-exposure-step',
    category: 'light',
    from: 20,
    to: 50,
    post: `eq=brightness='0.16*${at(10, 20)}-0.12*${at(20, 30)}':contrast='1+0.3*${at(10, 20)}':eval=frame`,
    zones: [WALKWAY_LANE, YARD_LANE],
    pastes: [],
    tamper: true,
    truth: [],
  },
  {
    name: 'light-day-night',
    category: 'light',
    from: 40,
    to: 70,
    post: `split[d][n];[n]${NIGHT}[nn];[d][nn]overlay=enable='gte(t,12)'`,
    zones: [WALKWAY_LANE, YARD_LANE],
    pastes: [],
    tamper: true,
    truth: [],
  },
  // ---- night / IR grey noisy footage ----
  {
    name: 'night-cartons',
    category: 'night',
    from: 0,
    to: 36,
    post: NIGHT,
    pastes: [{ crop: 'cartons', x: 150, y: 230, from: 16, to: 32, jitter: [1, 1] }],
    zones: [YARD_LANE],
    tamper: true,
    truth: [{ type: 'blocked_exit', zone: 'yard', start: 16, end: 32 }],
  },
  {
    name: 'night-walk-through',
    category: 'night',
    from: 30,
    to: 60,
    post: NIGHT,
    pastes: [],
    zones: [WALKWAY_LANE],
    tamper: true,
    truth: [],
  },
  // ---- camera tamper (point 5) ----
  {
    name: 'tamper-covered',
    category: 'tamper',
    from: 0,
    to: 34,
    post: `drawbox=x=0:y=0:w=iw:h=ih:color=0x2a2622:t=fill:enable='${at(8, 24)}',noise=alls=8:allf=t`,
    pastes: [],
    zones: [],
    tamper: true,
    truth: [{ type: 'camera_tamper', zone: TAMPER_ZONE, start: 8, end: 24 }],
  },
  {
    name: 'tamper-blurred',
    category: 'tamper',
    from: 20,
    to: 54,
    post: `boxblur=luma_radius=14:luma_power=2:chroma_radius=8:enable='${at(8, 24)}'`,
    pastes: [],
    zones: [],
    tamper: true,
    truth: [{ type: 'camera_tamper', zone: TAMPER_ZONE, start: 8, end: 24 }],
  },
  {
    // the camera knocked aside: the view shifts by a quarter of the picture and tilts
    name: 'tamper-turned',
    category: 'tamper',
    from: 40,
    to: 74,
    post: `crop=w=560:h=420:x='if(${at(8, 24)},200,10)':y='if(${at(8, 24)},150,10)',rotate='0.35*${at(8, 24)}':fillcolor=0x606060,scale=768:576`,
    pastes: [],
    zones: [],
    tamper: true,
    truth: [{ type: 'camera_tamper', zone: TAMPER_ZONE, start: 8, end: 24 }],
  },
  {
    // someone walks right past the lens (the person fills most of the picture for ~3 s): no tamper
    name: 'tamper-close-pass',
    category: 'tamper',
    from: 10,
    to: 34,
    pastes: [{ crop: 'person', x: 800, y: -40, scale: 5.5, from: 8, to: 12, path: [[8, 800, -40], [12, -400, -40]] }],
    zones: [],
    tamper: true,
    truth: [],
  },
];
