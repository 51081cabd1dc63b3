/**
 * Association helpers of the tracker (pure): greedy IoU matching (stages 1–2) and re-association
 * of lost tracks by position and appearance (stage 3).
 *
 * IoU against a constant-velocity prediction loses a person who turns (pacing: at 2 fps the
 * prediction overshoots by a whole step the other way), who is hidden for a few seconds (behind a
 * pillar, a passer-by) or whose detection drops out while they walk on. Such a track is kept for
 * lostSeconds (default 6) and may take an unmatched detection when
 *  - its centre is within gate = size × (gateBase + gateSpeed × elapsed) of the track's last seen
 *    centre or of where the track's velocity puts it now (the person may have turned, stopped or
 *    walked on), size being the track box's smaller side (a person's width): the gate grows with
 *    the time since the track was last seen, but slowly — someone else walking in where a person
 *    vanished seconds ago is not them;
 *  - the boxes have a similar size (height ratio within maxSizeRatio);
 *  - when both have a colour histogram, it is similar (Bhattacharyya ≥ minSimilarity); without
 *    appearance the distance must be within half the gate.
 * Pairs are taken greedily, best first: score = similarity − distance/gate (nearest, most alike).
 */
import { similarity } from './appearance.ts';
import { iou, type Box } from './postprocess.ts';

export interface ReassocOptions {
  gateBase?: number;
  gateSpeed?: number;
  maxSizeRatio?: number;
  minSimilarity?: number;
}

export const REASSOC_DEFAULTS: Required<ReassocOptions> = { gateBase: 0.6, gateSpeed: 0.3, maxSizeRatio: 1.5, minSimilarity: 0.75 };

export interface LostCandidate {
  box: Box;
  lastSeen: number;
  /** centre velocity, px/s */
  vx: number;
  vy: number;
  appearance?: Float32Array;
}

export interface FreeDetection {
  box: Box;
  appearance?: Float32Array;
}

const cx = (b: Box) => (b.x1 + b.x2) / 2;
const cy = (b: Box) => (b.y1 + b.y2) / 2;

/** Pairs [lost index, detection index], each side used once. */
export function reassociate(
  t: number,
  lost: readonly LostCandidate[],
  dets: readonly FreeDetection[],
  allowed: (li: number, di: number) => boolean = () => true,
  opts: ReassocOptions = {},
): [number, number][] {
  const o = { ...REASSOC_DEFAULTS, ...opts };
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < lost.length; i++) {
    const tr = lost[i]!;
    const th = tr.box.y2 - tr.box.y1;
    const elapsed = Math.max(0, t - tr.lastSeen);
    const gate = Math.min(tr.box.x2 - tr.box.x1, th) * (o.gateBase + o.gateSpeed * elapsed);
    const [lx, ly] = [cx(tr.box), cy(tr.box)];
    const [px, py] = [lx + tr.vx * elapsed, ly + tr.vy * elapsed];
    for (let j = 0; j < dets.length; j++) {
      if (!allowed(i, j)) continue;
      const d = dets[j]!;
      const dh = d.box.y2 - d.box.y1;
      if (th <= 0 || dh <= 0 || Math.max(dh / th, th / dh) > o.maxSizeRatio) continue;
      const [dx, dy] = [cx(d.box), cy(d.box)];
      const dist = Math.min(Math.hypot(dx - lx, dy - ly), Math.hypot(dx - px, dy - py)) / gate;
      if (dist > 1) continue;
      let sim = 0.5;
      if (tr.appearance && d.appearance) {
        sim = similarity(tr.appearance, d.appearance);
        if (sim < o.minSimilarity) continue;
      } else if (dist > 0.5) continue;
      pairs.push([sim - dist, i, j]);
    }
  }
  pairs.sort((a, b) => b[0] - a[0]);
  const ul = new Set<number>();
  const ud = new Set<number>();
  const out: [number, number][] = [];
  for (const [, i, j] of pairs) {
    if (ul.has(i) || ud.has(j)) continue;
    ul.add(i);
    ud.add(j);
    out.push([i, j]);
  }
  return out;
}

/** Greedy IoU assignment: pairs sorted by IoU × weight, best first, each side used once; weight ≤ 0 forbids a pair. */
export function greedyMatch(
  tracks: readonly Box[],
  dets: readonly Box[],
  minIou: number,
  allowed: (ti: number, di: number) => boolean = () => true,
  weight: (ti: number, di: number) => number = () => 1,
): [number, number][] {
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < tracks.length; i++) {
    for (let j = 0; j < dets.length; j++) {
      if (!allowed(i, j)) continue;
      const v = iou(tracks[i]!, dets[j]!);
      const w = v >= minIou ? weight(i, j) : 0;
      if (w > 0) pairs.push([v * w, i, j]);
    }
  }
  pairs.sort((a, b) => b[0] - a[0]);
  const ut = new Set<number>();
  const ud = new Set<number>();
  const out: [number, number][] = [];
  for (const [, i, j] of pairs) {
    if (ut.has(i) || ud.has(j)) continue;
    ut.add(i);
    ud.add(j);
    out.push([i, j]);
  }
  return out;
}
