/**
 * Multi-object tracker, ByteTrack style, with a re-association stage (pure, time-driven).
 *
 * Each update(t, detections):
 *  1. every live track predicts its box at t (constant velocity, smoothed, capped at maxAge);
 *  2. high-score detections (≥ highThreshold) are matched to all live tracks by IoU, greedily,
 *     best pair first, only within the same class group, IoU ≥ matchIou;
 *  3. low-score detections (lowThreshold … highThreshold) are matched to the tracks still
 *     unmatched that were seen on the previous update (IoU ≥ lowMatchIou), then to confirmed tracks
 *     lost for a moment (IoU ≥ lostMatchIou, i.e. nearly where it was: a parked object whose score
 *     dips): this keeps a track alive through occlusion/blur without letting low-score noise start
 *     tracks;
 *  4. confirmed tracks still unmatched (lost for a step after a turn, or for up to lostSeconds
 *     behind an obstacle) are re-associated with the remaining high detections by position and
 *     appearance (reassociate.ts: centre gate growing with the time lost, similar size, similar
 *     colour histogram when the pipeline supplies one);
 *  5. unmatched high detections ≥ newTrackThreshold start tentative tracks; a track is confirmed
 *     after minHits matches; a tentative track that misses is dropped; a confirmed track is
 *     reported for maxAgeSeconds without a match (ids stay stable through short gaps), kept for
 *     re-association until lostSeconds, then removed.
 * Per-track class = the class with the highest summed score so far. History = bottom-centre
 * points with timestamps (what zone rules use), bounded by historySeconds. Evidence (evidence.ts:
 * median score, moved, motion at birth) is kept for the rules' plausibility check.
 */
import { addEvidence, newEvidence, PLAUSIBILITY_DEFAULTS, type EvidenceState, type PlausibilityOptions, type TrackEvidence } from './evidence.ts';
import { similarity } from './appearance.ts';
import type { Box, Detection } from './postprocess.ts';
import { greedyMatch, reassociate, type ReassocOptions } from './reassociate.ts';

export { greedyMatch };

/** A detection with what the pipeline measured in the frame around it (both optional). */
export interface TrackInput extends Detection {
  /** colour histogram of the box (appearance.ts) */
  appearance?: Float32Array;
  /** fraction of the box's cells that moved (motion.ts) */
  motion?: number;
}

export interface TrackPoint {
  t: number;
  x: number;
  y: number;
}

export interface Track {
  id: number;
  classId: number;
  className: string;
  box: Box;
  score: number;
  firstSeen: number;
  lastSeen: number;
  hits: number;
  confirmed: boolean;
  /** centre velocity, px/s */
  vx: number;
  vy: number;
  /** bottom-centre points of matched detections, oldest first */
  history: TrackPoint[];
  /** is it a real mover? (evidence.ts; always set by the Tracker) */
  evidence?: TrackEvidence;
  /** smoothed colour histogram, when the pipeline supplies them */
  appearance?: Float32Array;
}

export interface TrackerOptions {
  highThreshold?: number;
  lowThreshold?: number;
  newTrackThreshold?: number;
  matchIou?: number;
  lowMatchIou?: number;
  maxAgeSeconds?: number;
  minHits?: number;
  historySeconds?: number;
  lostMatchIou?: number;
  /** confirmed tracks not matched for this long are dropped; until then re-association may find them (≥ maxAgeSeconds) */
  lostSeconds?: number;
  /** IoU matches need at least this colour similarity when both sides have a histogram */
  minIouSimilarity?: number;
  reassoc?: ReassocOptions;
  plausibility?: PlausibilityOptions;
  /** association only between detections and tracks of the same group (default: same class) */
  groupOf?: (classId: number) => number;
  /** per-class override of highThreshold/newTrackThreshold (e.g. lower bars for parked objects) */
  thresholdsFor?: (classId: number) => { high: number; newTrack: number } | undefined;
}

// YOLOX-Nano scores run lower than the big models ByteTrack was tuned on (0.6/0.1/0.7): a
// clearly visible chair or bench often scores 0.3–0.5, so the bars are lower here.
const DEFAULTS = {
  highThreshold: 0.3,
  lowThreshold: 0.1,
  newTrackThreshold: 0.35,
  matchIou: 0.2,
  lowMatchIou: 0.35,
  lostMatchIou: 0.5,
  maxAgeSeconds: 2,
  lostSeconds: 6,
  minIouSimilarity: 0.5,
  minHits: 2,
  historySeconds: 600,
};

interface Internal extends Track {
  classScores: Map<number, number>;
  names: Map<number, string>;
  evidence: EvidenceState;
}

type Opts = Required<Omit<TrackerOptions, 'groupOf' | 'thresholdsFor' | 'reassoc' | 'plausibility'>> &
  Pick<TrackerOptions, 'thresholdsFor' | 'reassoc'> & { groupOf: (c: number) => number; plausibility: Required<PlausibilityOptions> };

function shifted(b: Box, dx: number, dy: number): Box {
  return { x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 + dx, y2: b.y2 + dy };
}

export class Tracker {
  private readonly o: Opts;
  private live: Internal[] = [];
  private nextId = 1;
  private lastT = Number.NEGATIVE_INFINITY;

  constructor(opts: TrackerOptions = {}) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.o = { ...DEFAULTS, groupOf: (c: number) => c, ...defined, plausibility: { ...PLAUSIBILITY_DEFAULTS, ...opts.plausibility } };
    this.o.lostSeconds = Math.max(this.o.lostSeconds, this.o.maxAgeSeconds);
  }

  /** Confirmed tracks that are alive (matched now or within maxAge). */
  get tracks(): Track[] {
    return this.live.filter((t) => t.confirmed && this.lastT - t.lastSeen <= this.o.maxAgeSeconds);
  }

  update(t: number, detections: readonly TrackInput[]): Track[] {
    const o = this.o;
    const prevT = this.lastT;
    this.lastT = t;
    this.live = this.live.filter((tr) => t - tr.lastSeen <= (tr.confirmed ? o.lostSeconds : o.maxAgeSeconds));
    const predicted = this.live.map((tr) => {
      const dt = Math.min(t - tr.lastSeen, o.maxAgeSeconds);
      return shifted(tr.box, tr.vx * dt, tr.vy * dt);
    });
    const highOf = (d: Detection) => o.thresholdsFor?.(d.classId)?.high ?? o.highThreshold;
    const newOf = (d: Detection) => o.thresholdsFor?.(d.classId)?.newTrack ?? o.newTrackThreshold;
    const high = detections.filter((d) => d.score >= highOf(d));
    const low = detections.filter((d) => d.score >= o.lowThreshold && d.score < highOf(d));
    const sameGroup = (dets: readonly Detection[], idx: number[]) => (ti: number, di: number) =>
      o.groupOf(this.live[idx[ti]!]!.classId) === o.groupOf(dets[di]!.classId);
    // an IoU pair that looks nothing alike is not made: where two differently dressed people cross,
    // each keeps its own track. (Ranking by IoU × similarity was tried: among similarly dressed
    // passers-by it swapped ids more often than IoU alone.)
    const alike = (dets: readonly TrackInput[], idx: number[]) => (ti: number, di: number) => {
      const a = this.live[idx[ti]!]!.appearance;
      const b = dets[di]!.appearance;
      return !a || !b || similarity(a, b) >= o.minIouSimilarity ? 1 : 0;
    };

    // 1st association: high detections against every track seen within maxAge
    const allIdx = this.live.map((_, i) => i).filter((i) => t - this.live[i]!.lastSeen <= o.maxAgeSeconds);
    const m1 = greedyMatch(allIdx.map((i) => predicted[i]!), high, o.matchIou, sameGroup(high, allIdx), alike(high, allIdx));
    const matched = new Set<number>();
    const usedHigh = new Set<number>();
    for (const [ri, di] of m1) {
      const ti = allIdx[ri]!;
      this.apply(this.live[ti]!, high[di]!, t);
      matched.add(ti);
      usedHigh.add(di);
    }
    // 2nd association: low detections against unmatched tracks seen on the previous update,
    // then against confirmed tracks lost for a moment (stricter IoU)
    const usedLow = new Set<number>();
    const second = (rest: number[], minIou: number) => {
      const freeLow = low.map((_, j) => j).filter((j) => !usedLow.has(j));
      const dets = freeLow.map((j) => low[j]!);
      for (const [ri, di] of greedyMatch(rest.map((i) => predicted[i]!), dets, minIou, sameGroup(dets, rest), alike(dets, rest))) {
        const ti = rest[ri]!;
        this.apply(this.live[ti]!, dets[di]!, t);
        matched.add(ti);
        usedLow.add(freeLow[di]!);
      }
    };
    second(allIdx.filter((i) => !matched.has(i) && this.live[i]!.lastSeen >= prevT), o.lowMatchIou);
    second(allIdx.filter((i) => !matched.has(i) && this.live[i]!.confirmed), o.lostMatchIou);
    // 3rd: confirmed tracks still unmatched, by position and appearance, with the high detections left
    const lostIdx = this.live.map((_, i) => i).filter((i) => !matched.has(i) && this.live[i]!.confirmed);
    const freeHigh = high.map((_, j) => j).filter((j) => !usedHigh.has(j));
    if (lostIdx.length && freeHigh.length) {
      const dets = freeHigh.map((j) => high[j]!);
      const pairs = reassociate(
        t,
        lostIdx.map((i) => this.live[i]!),
        dets.map((d) => ({ box: d, appearance: d.appearance })),
        sameGroup(dets, lostIdx),
        o.reassoc,
      );
      for (const [li, di] of pairs) {
        this.apply(this.live[lostIdx[li]!]!, dets[di]!, t);
        matched.add(lostIdx[li]!);
        usedHigh.add(freeHigh[di]!);
      }
    }
    // tentative tracks must match every update until confirmed
    this.live = this.live.filter((tr, i) => tr.confirmed || matched.has(i));
    for (let j = 0; j < high.length; j++) {
      const d = high[j]!;
      if (usedHigh.has(j) || d.score < newOf(d)) continue;
      this.live.push(this.create(d, t));
    }
    return this.tracks;
  }

  private create(d: TrackInput, t: number): Internal {
    const tr: Internal = {
      id: this.nextId++,
      classId: d.classId,
      className: d.className,
      box: { x1: d.x1, y1: d.y1, x2: d.x2, y2: d.y2 },
      score: d.score,
      firstSeen: t,
      lastSeen: t,
      hits: 1,
      confirmed: this.o.minHits <= 1,
      vx: 0,
      vy: 0,
      history: [{ t, x: (d.x1 + d.x2) / 2, y: d.y2 }],
      classScores: new Map([[d.classId, d.score]]),
      names: new Map([[d.classId, d.className]]),
      evidence: newEvidence(t, d, d.score, d.motion),
      ...(d.appearance ? { appearance: Float32Array.from(d.appearance) } : {}),
    };
    return tr;
  }

  private apply(tr: Internal, d: TrackInput, t: number): void {
    const dt = t - tr.lastSeen;
    if (dt > 0) {
      const cx = (d.x1 + d.x2 - tr.box.x1 - tr.box.x2) / 2 / dt;
      const cy = (d.y1 + d.y2 - tr.box.y1 - tr.box.y2) / 2 / dt;
      const a = tr.hits === 1 ? 1 : 0.5; // first step takes the measured velocity, then smooths
      tr.vx = a * cx + (1 - a) * tr.vx;
      tr.vy = a * cy + (1 - a) * tr.vy;
    }
    tr.box = { x1: d.x1, y1: d.y1, x2: d.x2, y2: d.y2 };
    tr.score = d.score;
    tr.lastSeen = t;
    tr.hits++;
    if (tr.hits >= this.o.minHits) tr.confirmed = true;
    tr.classScores.set(d.classId, (tr.classScores.get(d.classId) ?? 0) + d.score);
    tr.names.set(d.classId, d.className);
    let best = tr.classId;
    for (const [c, s] of tr.classScores) if (s > (tr.classScores.get(best) ?? 0)) best = c;
    tr.classId = best;
    tr.className = tr.names.get(best) ?? tr.className;
    tr.history.push({ t, x: (d.x1 + d.x2) / 2, y: d.y2 });
    addEvidence(tr.evidence, t, d, d.score, d.motion, this.o.plausibility);
    if (d.appearance) {
      if (!tr.appearance) tr.appearance = Float32Array.from(d.appearance);
      else for (let i = 0; i < tr.appearance.length; i++) tr.appearance[i] = 0.8 * tr.appearance[i]! + 0.2 * d.appearance[i]!;
    }
    const cut = t - this.o.historySeconds;
    let k = 0;
    while (k < tr.history.length - 1 && tr.history[k]!.t < cut) k++;
    if (k > 0) tr.history.splice(0, k);
  }

  reset(): void {
    this.live = [];
    this.lastT = Number.NEGATIVE_INFINITY;
  }
}
