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
import { pixelPass, type PixelArrays } from './zone-pixels.ts';

export type { SceneState } from '../../shared/wire/analytics.ts';
import type { SceneState } from '../../shared/wire/analytics.ts';
export { Z_DIFF } from './zone-pixels.ts';

/** a tracked box, normalised 0..1 */
export interface SceneBox {
  person: boolean;
  b: { x1: number; y1: number; x2: number; y2: number };
}
const TAU_SHORT = 1;
const TAU_LONG = 60;
/** hidden pixels count only while at least this share of minFraction is visibly changed */
const HELD_NEEDS_VISIBLE = 0.3;
/** a zone is ready once this share of its pixels has a learned clear look */
const READY_COVERAGE = 0.75;
const NO_MOTION = new Uint8Array(0);

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
      const o = 5 * nb++;
      this.boxes[o] = b.x1 - mx;
      this.boxes[o + 1] = b.y1 - my;
      this.boxes[o + 2] = b.x2 + mx;
      this.boxes[o + 3] = b.y2 + 2 * my;
      this.boxes[o + 4] = person ? 1 : 0;
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
