/**
 * One exit zone's background model (used by SceneWatch, background.ts): grey pixels at 1/4 of the
 * analysed size, short-term background S (EMA, τ 1 s), the learned clear look L, and per pixel:
 *  - learning: L is the mean of the frames in which the pixel was still (≈ the previous frame for ≥ 1 s,
 *    no motion cell) and under no detected box, once that adds up to learnSeconds — so a busy walkway is
 *    learned between the people passing; ready when 75 % of the zone is learned;
 *  - comparison (normalised over the learned pixels: gain/offset changes cancel): changed when S differs
 *    from L (intensity or gradient), S is static (the frame ≈ S), and no person's box (with a margin) has
 *    covered it in the last 3 s (their fading ghost in S); L follows slowly (τ 60 s) where unchanged.
 */
import type { MotionDetector } from './motion.ts';
import type { Alarm } from './rules.ts';
import { normalise, type Grey } from './scene-image.ts';
import { boxOverlapFraction, pointInPolygon, type Zone } from './zones.ts';

export type { SceneState } from '../../shared/wire/analytics.ts';
import type { SceneState } from '../../shared/wire/analytics.ts';
/** a tracked box, normalised 0..1 */
export interface SceneBox {
  person: boolean;
  b: { x1: number; y1: number; x2: number; y2: number };
}
export const Z_DIFF = 1.0; // normalised intensity difference (in zone std units)
const G_DIFF = 0.9; // normalised gradient difference
const STILL = 0.6; // frame vs short-term, normalised units
const STILL_GREY = 12; // learning: frame vs previous frame, grey levels (a busy zone has a large std)
const TAU_SHORT = 1;
const TAU_LONG = 60;
/** a pixel a person covered this recently is not compared (S still holds their fading ghost) */
const GHOST_SECONDS = 3 * TAU_SHORT;
/** a changed pixel hidden by a passer-by counts as changed this long */
const HOLD_HIDDEN_SECONDS = 8;
const STEADY_SECONDS = 2;
/** …and only while at least this share of minFraction is visibly changed */
const HELD_NEEDS_VISIBLE = 0.3;
/** a pixel that has not once matched its learned look this long after learning is learned again */
const SUSPECT_SECONDS = 10;
/** a zone is ready once this share of its pixels has a learned clear look */
const READY_COVERAGE = 0.75;
const NO_MOTION = new Uint8Array(0);

/** A zone's per-pixel arrays (w×h; only the zone's pixels `idx` are used; nx/ny: their centres, by k). */
interface PixelArrays {
  idx: Uint32Array;
  nx: Float64Array;
  ny: Float64Array;
  S: Float32Array;
  L: Float32Array;
  learned: Uint8Array;
  stable: Float32Array;
  acc: Float32Array;
  run: Float32Array;
  personAt: Float32Array;
  verdict: Uint8Array;
  verdictAt: Float32Array;
  changedSince: Float32Array;
  matched: Uint8Array;
  learnedT: Float32Array;
}

export class ZoneScene {
  readonly idx: Uint32Array;
  readonly mask: Uint8Array;
  S: Float32Array | undefined;
  /** the clear reference; only pixels with learned[i] = 1 are valid */
  readonly L: Float32Array;
  readonly learned: Uint8Array;
  /** learning: seconds each pixel was seen still and under no box, and the sum of its values then */
  readonly stable: Float32Array;
  readonly acc: Float32Array;
  readonly run: Float32Array;
  /** last time a person's box covered each pixel (its ghost in S fades within a few TAU_SHORT) */
  readonly personAt: Float32Array;
  /** last comparison of each pixel (1 = changed) and its time */
  readonly verdict: Uint8Array;
  readonly verdictAt: Float32Array;
  readonly changedSince: Float32Array;
  /** the pixel has matched its learned look at least once since it was learned, and when it was learned */
  readonly matched: Uint8Array;
  readonly learnedT: Float32Array;
  /** the previous frame (stillness while learning) */
  P: Float32Array | undefined;
  private scratch: Float32Array[] | undefined;
  /** the boxes over the zone this frame, 5 numbers each (pixelPass), and what pixelPass reports */
  private boxes = new Float64Array(5 * 8);
  private readonly out = new Float64Array(8);
  /** each zone pixel's centre, normalised (pixelPass) */
  private readonly nx: Float64Array;
  private readonly ny: Float64Array;
  private arrays: PixelArrays | undefined;
  /** learnedIdx() cache and the learnedVersion it was made for (bumped whenever a pixel is learned or forgotten) */
  private sel: Uint32Array | undefined;
  private selFor = -1;
  private learnedVersion = 0;
  learnedCount = 0;
  state: SceneState = 'learning';
  reason: string | undefined;
  learnedAt: number | undefined;
  learnStart: number | undefined;
  changed = 0;
  runStart: number | undefined;
  runLast = Number.NEGATIVE_INFINITY;
  lastTrue = Number.NEGATIVE_INFINITY;
  open: (Alarm & { detail: string }) | undefined;
  bbox: [number, number, number, number] | undefined;

  constructor(
    readonly zone: Zone,
    readonly w: number,
    readonly h: number,
  ) {
    const list: number[] = [];
    this.mask = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (pointInPolygon((x + 0.5) / w, (y + 0.5) / h, zone.polygon)) list.push(y * w + x);
    this.idx = Uint32Array.from(list);
    for (const i of list) this.mask[i] = 1;
    this.L = new Float32Array(w * h);
    this.learned = new Uint8Array(w * h);
    this.stable = new Float32Array(w * h);
    this.acc = new Float32Array(w * h);
    this.run = new Float32Array(w * h);
    this.personAt = new Float32Array(w * h).fill(Number.NEGATIVE_INFINITY);
    this.verdict = new Uint8Array(w * h);
    this.verdictAt = new Float32Array(w * h);
    this.changedSince = new Float32Array(w * h);
    this.matched = new Uint8Array(w * h);
    this.learnedT = new Float32Array(w * h);
    this.nx = Float64Array.from(this.idx, (i) => ((i % w) + 0.5) / w);
    this.ny = Float64Array.from(this.idx, (i) => (Math.floor(i / w) + 0.5) / h);
  }

  /** the per-pixel arrays in one object of a fixed shape (S exists once the first frame is in) */
  private px(): PixelArrays {
    this.arrays ??= {
      idx: this.idx, nx: this.nx, ny: this.ny, S: this.S!, L: this.L, learned: this.learned, stable: this.stable, acc: this.acc, run: this.run,
      personAt: this.personAt, verdict: this.verdict, verdictAt: this.verdictAt, changedSince: this.changedSince, matched: this.matched, learnedT: this.learnedT,
    };
    return this.arrays;
  }

  /** the zone's learned pixels (cached until a pixel is learned or forgotten) */
  private learnedIdx(): Uint32Array {
    if (this.selFor !== this.learnedVersion || !this.sel) {
      const out = new Uint32Array(this.learnedCount);
      let n = 0;
      for (let k = 0; k < this.idx.length; k++) if (this.learned[this.idx[k]!]) out[n++] = this.idx[k]!;
      this.sel = n === out.length ? out : out.subarray(0, n);
      this.selFor = this.learnedVersion;
    }
    return this.sel;
  }

  relearn(reason?: string): void {
    this.learned.fill(0);
    this.learnedVersion++;
    this.stable.fill(0);
    this.acc.fill(0);
    this.run.fill(0);
    this.verdict.fill(0);
    this.learnedCount = 0;
    this.changed = 0;
    this.state = 'learning';
    this.reason = reason;
    this.learnStart = undefined;
    this.runStart = undefined;
  }

  /**
   * One grey frame: learn (per pixel), compare with the clear look. Returns whether ≥ minFraction of the
   * zone is changed now (false while not ready).
   */
  step(g: Grey, t: number, dt: number, boxes: readonly SceneBox[], o: { learnSeconds: number; learnTimeoutSeconds: number; minFraction: number }, md?: MotionDetector): boolean {
    const a = 1 - Math.exp(-dt / TAU_SHORT);
    const n = g.px.length;
    if (!this.S) this.S = new Float32Array(g.px);
    this.learnStart ??= t;
    // scratch, reused between frames: only the zone's pixels are written and read
    if (this.scratch?.[0]!.length !== n) this.scratch = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    const [zs, zf, zl, zp] = this.scratch as [Float32Array, Float32Array, Float32Array, Float32Array];
    // normalised over the learned pixels (all of the zone until some are learned): gain and offset
    // changes of the whole zone (auto-exposure, light ramps, day/night grey) cancel out
    const sel = this.learnedCount > 0.5 * this.idx.length ? this.learnedIdx() : this.idx;
    normalise(this.S, sel, zs, this.idx);
    normalise(g.px, sel, zf, this.idx);
    normalise(this.L, sel, zl, this.idx);
    const prev = this.P ?? g.px;
    normalise(prev, sel, zp, this.idx);
    const idx = this.idx;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      this.S[i] = this.S[i]! + (g.px[i]! - this.S[i]!) * a;
    }
    // the boxes over the zone as plain numbers: [x1, y1, x2, y2 (with the person margins), person]
    let nb = 0;
    for (const { b, person } of boxes) {
      if (boxOverlapFraction(b, this.zone.polygon) <= 0.05) continue;
      if (this.boxes.length < (nb + 1) * 5) {
        const more = new Float64Array(this.boxes.length * 2 + 5 * 8);
        more.set(this.boxes);
        this.boxes = more;
      }
      const mx = person ? 0.25 * (b.x2 - b.x1) + 0.01 : 0;
      const my = person ? 0.05 * (b.y2 - b.y1) + 0.01 : 0;
      this.boxes.set([b.x1 - mx, b.y1 - my, b.x2 + mx, b.y2 + 2 * my, person ? 1 : 0], nb * 5);
      nb++;
    }
    const ready = this.state === 'ready';
    const out = this.out;
    const motion = md?.gw ? md : undefined;
    pixelPass(this.px(), g.px, prev, zs, zf, zl, zp, g.w, t, dt, 1 - Math.exp(-dt / TAU_LONG), ready, o.learnSeconds, this.boxes, nb, motion?.mask ?? NO_MOTION, motion?.gw ?? 0, motion?.gh ?? 0, out);
    let changed = out[0]!;
    const held = out[1]!;
    if (out[6] !== 0 || out[7] !== 0) {
      this.learnedCount += out[6]!;
      this.learnedVersion += out[7]!;
    }
    if (this.P?.length === n) this.P.set(g.px);
    else this.P = new Float32Array(g.px);
    const coverage = this.learnedCount / this.idx.length;
    if (!ready) {
      if (coverage >= READY_COVERAGE) {
        this.state = 'ready';
        this.reason = undefined;
        this.learnedAt = t;
      } else if (t - this.learnStart >= o.learnTimeoutSeconds) {
        this.state = 'cannot_learn';
        this.reason = `the picture in the zone was never still for ${o.learnSeconds} s (people or motion all the time; ${Math.round(coverage * 100)} % learned); still trying`;
      }
      return false;
    }
    // hidden pixels count only while the visible part still shows the change (an object taken away while
    // someone walks past it is gone at once)
    if (changed >= HELD_NEEDS_VISIBLE * o.minFraction * this.idx.length) changed += held;
    this.changed = changed / this.idx.length;
    this.bbox = changed ? [out[2]!, out[3]!, out[4]!, out[5]!] : undefined;
    return this.changed >= o.minFraction;
  }
}

/**
 * The per-pixel part of ZoneScene.step: learn, compare with the clear look, update it. On its own with
 * typed arrays and numbers only: as a method it was compiled and thrown away again a dozen times a run
 * (the scene object's shape changes as its fields fill in) and in between ran unoptimised, boxing every
 * double it computed (~60 KB of garbage per zone and frame).
 * out: [changed, held, x1, y1, x2, y2 (of the changed pixels), Δ learnedCount, Δ learnedVersion].
 */
function pixelPass(
  p: PixelArrays, px: Float32Array, prev: Float32Array, zs: Float32Array, zf: Float32Array, zl: Float32Array, zp: Float32Array,
  w: number, t: number, dt: number, bl: number, ready: boolean, learnSeconds: number,
  boxes: Float64Array, nb: number, moving: Uint8Array, gw: number, gh: number, out: Float64Array,
): void {
  const { idx, nx: nxs, ny: nys, S, L, learned, stable, acc, run, personAt, verdict, verdictAt, changedSince, matched, learnedT } = p;
  let changed = 0;
  let held = 0;
  let learnedDelta = 0;
  let versions = 0;
  let x1 = 1, y1 = 1, x2 = 0, y2 = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const nx = nxs[k]!;
    const ny = nys[k]!;
    // under a detected box (people with a margin: arms, their shadow, a bag at their feet)
    let covered = false;
    for (let j = 0; j < nb; j++) {
      const o = j * 5;
      if (nx < boxes[o]! || nx > boxes[o + 2]! || ny < boxes[o + 1]! || ny > boxes[o + 3]!) continue;
      covered = true;
      if (boxes[o + 4] === 1) personAt[i] = t;
    }
    // static: the frame ≈ the short-term background here (the motion detector's background adapts
    // in ~7 s: too slow to say a newly left object is still, it only gates the learning)
    const still = Math.abs(zf[i]! - zs[i]!) < STILL;
    if (!learned[i]) {
      // per pixel, between the people passing: the mean of the frames where it was still (≈ the
      // previous frame, no motion cell) and under no box, once that adds up to learnSeconds
      // (counted once it has been still for a second in a row: random flicker is never still that long)
      const movingHere = gw > 0 && moving[Math.min(gh - 1, Math.floor(ny * gh)) * gw + Math.min(gw - 1, Math.floor(nx * gw))] === 1;
      if (!covered && Math.abs(zf[i]! - zp[i]!) < STILL && Math.abs(px[i]! - prev[i]!) < STILL_GREY && !movingHere) {
        run[i] = run[i]! + dt;
        if (run[i]! >= 1) {
          stable[i] = stable[i]! + dt;
          acc[i] = acc[i]! + px[i]! * dt;
        }
      } else run[i] = 0;
      if (stable[i]! >= learnSeconds) {
        L[i] = acc[i]! / stable[i]!;
        learned[i] = 1;
        learnedDelta++;
        versions++;
        matched[i] = 0;
        learnedT[i] = t;
      }
      continue;
    }
    if (t - personAt[i]! < GHOST_SECONDS) {
      // hidden by someone passing in front: it keeps what it showed last (for a while)
      // (only a change that was steady for a while before: not the passer-by's own approach)
      if (verdict[i] && t - verdictAt[i]! < HOLD_HIDDEN_SECONDS && verdictAt[i]! - changedSince[i]! >= STEADY_SECONDS) held++;
      continue;
    }
    const dz = Math.abs(zs[i]! - zl[i]!);
    const gx = i % w > 0 && learned[i - 1] ? zs[i]! - zs[i - 1]! - (zl[i]! - zl[i - 1]!) : 0;
    const gy = i >= w && learned[i - w] ? zs[i]! - zs[i - w]! - (zl[i]! - zl[i - w]!) : 0;
    const diff = dz > Z_DIFF || Math.abs(gx) + Math.abs(gy) > G_DIFF * 2;
    if (!diff && still) matched[i] = 1;
    else if (diff && still && !matched[i]) {
      // never matched its learned look: learned wrong (someone standing there, undetected, while it
      // was learned) — after a while it is learned again; it never counts as changed
      if (t - learnedT[i]! > SUSPECT_SECONDS) {
        learned[i] = 0;
        learnedDelta--;
        versions++;
        stable[i] = 0;
        acc[i] = 0;
        run[i] = 0;
      }
      continue;
    }
    if (!ready) continue;
    if (diff && still && !verdict[i]) changedSince[i] = t;
    verdict[i] = diff && still ? 1 : 0;
    verdictAt[i] = t;
    if (diff && still) {
      changed++;
      x1 = Math.min(x1, nx);
      y1 = Math.min(y1, ny);
      x2 = Math.max(x2, nx);
      y2 = Math.max(y2, ny);
    } else if (!diff && still && !covered) {
      // selective update of the clear reference: only unchanged, still pixels under no box
      L[i] = L[i]! + (S[i]! - L[i]!) * bl;
    }
  }
  out[0] = changed;
  out[1] = held;
  out[2] = x1;
  out[3] = y1;
  out[4] = x2;
  out[5] = y2;
  out[6] = learnedDelta;
  out[7] = versions;
}
