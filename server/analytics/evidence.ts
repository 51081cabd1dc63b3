/**
 * Is a track plausibly a real person (or object) and not a static look-alike? (pure)
 *
 * A sign post, a statue, a poster or a mannequin can score as a person in every frame; a
 * loitering rule that trusts single detections raises an alarm on it that never ends. Like
 * Frigate, a track is judged on its history, not on one frame, with three kinds of evidence kept
 * per track by the tracker (updated on every matched detection):
 *  - score: the median of the recent detection scores (padded with zeros to at least 3 values,
 *    so two lucky frames are not enough) must reach minMedianScore. YOLOX-Nano scores real people
 *    0.65–0.9; the vtest sign post 0.45–0.58;
 *  - moved: its bottom-centre has been ≥ moveFraction × box size away from where it was first seen
 *    on ≥ minMovedHits updates (a box that only wobbles, or is distorted once by a passer-by, does
 *    not count);
 *  - appeared with motion: during its first birthSeconds the motion detector saw change in its
 *    box (≥ birthMotion of the cells) — something came into view, not a fixture that was there
 *    before the camera was watched. A person who walked in, or stepped out from behind a pillar,
 *    has this even if they then stand still.
 * plausible = score && (moved || appeared with motion). The rules latch "mover" per stay (a real
 * person who walks in and then stands still for minutes keeps counting) but judge the score on
 * every update: when trackers swap ids as a passer-by brushes past a post, the passer-by's id may
 * end up on the post — its moving past is latched, but the post's low scores are not hidden.
 */
import type { Box } from './postprocess.ts';

export interface TrackEvidence {
  /** median detection score of the recent history (see above) */
  medianScore: number;
  /** updates on which the track was far from its first position */
  movedHits: number;
  /** highest motion fraction in its box during its first seconds (0 when unknown) */
  birthMotion: number;
}

export interface EvidenceState extends TrackEvidence {
  scores: number[];
  origin: { x: number; y: number };
  born: number;
}

export interface PlausibilityOptions {
  minMedianScore?: number;
  moveFraction?: number;
  minMovedHits?: number;
  birthSeconds?: number;
  birthMotion?: number;
  /** scores kept for the median */
  window?: number;
}

export const PLAUSIBILITY_DEFAULTS: Required<PlausibilityOptions> = {
  minMedianScore: 0.6,
  moveFraction: 0.5,
  minMovedHits: 3,
  birthSeconds: 3,
  birthMotion: 0.15,
  window: 31,
};

function bottomCentre(b: Box): { x: number; y: number } {
  return { x: (b.x1 + b.x2) / 2, y: b.y2 };
}

export function newEvidence(t: number, b: Box, score: number, motion: number | undefined): EvidenceState {
  return { scores: [score], origin: bottomCentre(b), born: t, medianScore: median([score]), movedHits: 0, birthMotion: motion ?? 0 };
}

/** Add one matched detection (box in source px, its score, motion fraction in its box if known). */
export function addEvidence(e: EvidenceState, t: number, b: Box, score: number, motion: number | undefined, o = PLAUSIBILITY_DEFAULTS): void {
  e.scores.push(score);
  if (e.scores.length > o.window) e.scores.shift();
  e.medianScore = median(e.scores);
  const p = bottomCentre(b);
  const size = Math.max(b.x2 - b.x1, b.y2 - b.y1);
  if (Math.hypot(p.x - e.origin.x, p.y - e.origin.y) >= o.moveFraction * size) e.movedHits++;
  if (motion !== undefined && t - e.born <= o.birthSeconds) e.birthMotion = Math.max(e.birthMotion, motion);
}

/** Has it shown that it is not a fixture (moved, or appeared with motion)? Monotone: once true, stays true. */
export function isMover(e: TrackEvidence, opts: PlausibilityOptions = {}): boolean {
  const o = { ...PLAUSIBILITY_DEFAULTS, ...opts };
  return e.movedHits >= o.minMovedHits || e.birthMotion >= o.birthMotion;
}

/** Does its recent median score look like the class? (can change: judged on every update) */
export function scoresWell(e: TrackEvidence, opts: PlausibilityOptions = {}): boolean {
  return e.medianScore >= (opts.minMedianScore ?? PLAUSIBILITY_DEFAULTS.minMedianScore);
}

export function plausible(e: TrackEvidence, opts: PlausibilityOptions = {}): boolean {
  return scoresWell(e, opts) && isMover(e, opts);
}

/** Median padded with zeros to at least 3 values (Frigate's "computed score"). */
function median(scores: readonly number[]): number {
  // insertion sort into a reused scratch (a window of a few dozen scores, on every track update: a copied
  // array and Array#sort with a comparator were a visible share of the analytics' garbage)
  const n = Math.max(3, scores.length);
  if (medianScratch.length < n) medianScratch = new Float64Array(2 * n);
  const s = medianScratch;
  for (let i = 0; i < n; i++) {
    const v = i < scores.length ? scores[i]! : 0;
    let j = i - 1;
    while (j >= 0 && s[j]! > v) {
      s[j + 1] = s[j]!;
      j--;
    }
    s[j + 1] = v;
  }
  const m = n >> 1;
  return n % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
let medianScratch = new Float64Array(32);
