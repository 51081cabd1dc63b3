/**
 * Camera tamper: the view covered, blacked out, badly blurred or turned away, against the camera's
 * reference view. Works on a 64×48 grey image (any frame size; ~0.1 ms), so it can run on every camera.
 *
 *  - reference: learned once the picture has been stable for `learnSeconds` (consecutive frames correlate),
 *    then followed slowly (τ 10 min) while the view is normal;
 *  - dark: mean < 20 and std < 10 (lens covered, blacked out, signal lost to black);
 *  - flat: std < 25 % of the reference's (covered with something, sprayed);
 *  - blurred: Laplacian variance < 20 % of the reference's (defocused, smeared);
 *  - turned away: gradient-structure correlation with the reference < 0.35 while the picture itself is
 *    stable (a new, steady view — not a person walking close to the lens).
 * A condition held for `holdSeconds` raises one tamper alarm; it ends after `clearSeconds` of normal view.
 */
import type { Frame } from './frames.ts';
import { TH, TW, tinyMap } from './grey.ts';

export type TamperReason = 'dark' | 'covered' | 'blurred' | 'turned';
export const TAMPER_TEXT: Record<TamperReason, string> = {
  dark: 'view blacked out',
  covered: 'view covered',
  blurred: 'view badly blurred',
  turned: 'camera turned away',
};
export interface TamperEvent {
  kind: 'start' | 'end';
  reason: TamperReason;
  /** video seconds the condition was first seen / last held */
  since: number;
  at: number;
}
export interface TamperOptions {
  learnSeconds?: number;
  holdSeconds?: number;
  clearSeconds?: number;
}
/** the zone name a camera_tamper alarm carries (the whole view, not a drawn zone) */
export const TAMPER_ZONE = 'camera view';
/** a tamper condition must hold this long (a person close to the lens for a moment is not tamper) */
export const TAMPER_HOLD_SECONDS = 10;
export { TW, TH };
const GAP_SECONDS = 1.5;
/** how often the followed reference's statistics are recomputed (video seconds) */
const REF_STATS_SECONDS = 5;
const DEF = { learnSeconds: 4, holdSeconds: TAMPER_HOLD_SECONDS, clearSeconds: 5 };

/**
 * A BGR (or grey, channels 1) image → 64×48 grey (area average). The cell of each column/row is looked up
 * (computed once per frame size): this runs on every analysed frame of every camera.
 */
export function tinyGrey(data: Uint8Array, width: number, height: number, channels = 3): Float32Array {
  const out = new Float32Array(TW * TH);
  const { tx, ty, inv } = tinyMap(width, height);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const row = ty[y]!;
    if (channels === 1) for (let x = 0; x < width; x++, o++) out[row + tx[x]!]! += data[o]!;
    else for (let x = 0; x < width; x++, o += channels) out[row + tx[x]!]! += 0.114 * data[o]! + 0.587 * data[o + 1]! + 0.299 * data[o + 2]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / inv[i]!;
  return out;
}

interface Stats {
  mean: number;
  std: number;
  lap: number;
  gx: Float32Array;
  /** edge layout: |gx| and |gy| summed per 4×4 cell (16×12×2) — where the structure is, not its brightness */
  layout: Float32Array;
}

/** `into`: a previous result whose arrays are refilled (the per-frame statistics; the reference keeps its own). */
function stats(g: Float32Array, into?: Stats): Stats {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < g.length; i++) {
    const v = g[i]!;
    s += v;
    s2 += v * v;
  }
  const mean = s / g.length;
  const std = Math.sqrt(Math.max(0, s2 / g.length - mean * mean));
  let l = 0;
  let l2 = 0;
  let n = 0;
  const gx = into?.gx.length === g.length * 2 ? into.gx.fill(0) : new Float32Array(g.length * 2);
  for (let y = 1; y < TH - 1; y++) {
    for (let x = 1; x < TW - 1; x++) {
      const i = y * TW + x;
      const lap = g[i - 1]! + g[i + 1]! + g[i - TW]! + g[i + TW]! - 4 * g[i]!;
      l += lap;
      l2 += lap * lap;
      n++;
      gx[i * 2] = g[i + 1]! - g[i - 1]!;
      gx[i * 2 + 1] = g[i + TW]! - g[i - TW]!;
    }
  }
  const layout = into?.layout.fill(0) ?? new Float32Array((TW / 4) * (TH / 4) * 2);
  for (let y = 1; y < TH - 1; y++) {
    for (let x = 1; x < TW - 1; x++) {
      const i = y * TW + x;
      const c = ((y >> 2) * (TW / 4) + (x >> 2)) * 2;
      layout[c] = layout[c]! + Math.abs(gx[i * 2]!);
      layout[c + 1] = layout[c + 1]! + Math.abs(gx[i * 2 + 1]!);
    }
  }
  return { mean, std, lap: l2 / n - (l / n) ** 2, gx, layout };
}

/** Normalised correlation of two vectors (0 when either is flat). */
function ncc(a: Float32Array, b: Float32Array): number {
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!, y = b[i]!;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const cov = sab / n - (sa / n) * (sb / n);
  const va = saa / n - (sa / n) ** 2;
  const vb = sbb / n - (sb / n) ** 2;
  return va > 1e-6 && vb > 1e-6 ? cov / Math.sqrt(va * vb) : 0;
}

export class TamperDetector {
  private readonly o: typeof DEF;
  private ref: Float32Array | undefined;
  private refStats: Stats | undefined;
  private prev: Float32Array | undefined;
  private lastT: number | undefined;
  private cand: { reason: TamperReason; since: number; last: number } | undefined;
  private open: { reason: TamperReason; since: number; last: number } | undefined;
  readonly stats = { frames: 0, ms: 0 };
  /** what the last frame looked like (for status / tests) */
  last: { reason: TamperReason | undefined; corr: number; layout: number; lapRatio: number; stdRatio: number } | undefined;
  private learnAcc: Float32Array | undefined;
  private refStatsT = Number.NEGATIVE_INFINITY;
  /** the latest frame's statistics (arrays refilled every frame) */
  private cur: Stats | undefined;
  private learnN = 0;
  private learnT = 0;

  constructor(opts: TamperOptions = {}) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.o = { ...DEF, ...defined };
  }

  get state(): 'learning' | 'ready' | 'tampered' {
    return this.open ? 'tampered' : this.ref ? 'ready' : 'learning';
  }

  /** the reason of the open tamper condition */
  get openReason(): TamperReason | undefined {
    return this.open?.reason;
  }

  get reference(): Float32Array | undefined {
    return this.ref;
  }

  relearn(): void {
    this.ref = undefined;
    this.refStats = undefined;
    this.learnAcc = undefined;
    this.learnN = 0;
    this.learnT = 0;
  }

  updateFrame(f: Pick<Frame, 'data' | 'width' | 'height' | 't'>): TamperEvent[] {
    return this.update(tinyGrey(f.data, f.width, f.height), f.t);
  }

  /** One 64×48 grey image at video time t (seconds). */
  update(g: Float32Array, t: number): TamperEvent[] {
    const t0 = performance.now();
    const dt = this.lastT === undefined ? 0 : Math.max(0, t - this.lastT);
    this.lastT = t;
    const s = (this.cur = stats(g, this.cur));
    const stable = this.prev ? ncc(g, this.prev) > 0.8 || (s.std < 10 && Math.abs(s.mean - mean(this.prev)) < 10) : false;
    // a copy: the caller may reuse g for its next frame (grey.ts)
    if (this.prev?.length === g.length) this.prev.set(g);
    else this.prev = Float32Array.from(g);
    let reason: TamperReason | undefined;
    let corr = 1;
    let lapRatio = 1;
    let stdRatio = 1;
    let layout = 1;
    if (!this.ref || !this.refStats) {
      // the mean of the stable frames over learnSeconds (people walking by average out)
      if (stable && s.std > 10) {
        this.learnAcc ??= new Float32Array(g.length);
        for (let i = 0; i < g.length; i++) this.learnAcc[i] = this.learnAcc[i]! + g[i]!;
        this.learnN++;
        this.learnT += dt;
      }
      if (this.learnAcc && this.learnT >= this.o.learnSeconds) {
        this.ref = this.learnAcc.map((v) => v / this.learnN);
        this.refStats = stats(this.ref);
        this.refStatsT = t;
        this.learnAcc = undefined;
      }
    } else {
      const r = this.refStats;
      corr = ncc(s.gx, r.gx);
      layout = ncc(s.layout, r.layout);
      lapRatio = s.lap / Math.max(1e-3, r.lap);
      stdRatio = s.std / Math.max(1e-3, r.std);
      if (s.mean < 20 && s.std < 10) reason = 'dark';
      else if (stdRatio < 0.25) reason = 'covered';
      else if (lapRatio < 0.2) reason = 'blurred';
      // turned away: neither the fine edges nor the coarse edge layout match the reference (both are
      // correlations, so gain and offset — lights, auto-exposure, IR — do not matter)
      else if (corr < 0.35 && layout < 0.5) reason = 'turned';
      else if (!reason && corr > 0.6 && !this.open) {
        // follow slow changes of a normal view
        const b = 1 - Math.exp(-dt / 600);
        for (let i = 0; i < g.length; i++) this.ref[i] = this.ref[i]! + (g[i]! - this.ref[i]!) * b;
        // the reference drifts with τ 10 min: its statistics are brought up to date every few seconds
        if (b > 0 && t - this.refStatsT >= REF_STATS_SECONDS) {
          this.refStats = stats(this.ref);
          this.refStatsT = t;
        }
      }
    }
    this.last = { reason, corr, layout, lapRatio, stdRatio };
    const out = this.step(reason, t);
    this.stats.frames++;
    this.stats.ms += performance.now() - t0;
    return out;
  }

  private step(reason: TamperReason | undefined, t: number): TamperEvent[] {
    const out: TamperEvent[] = [];
    if (reason) {
      if (!this.cand) this.cand = { reason, since: t, last: t };
      else {
        this.cand.reason = reason;
        this.cand.last = t;
      }
      if (this.open) this.open.last = t;
      else if (t - this.cand.since >= this.o.holdSeconds) {
        this.open = { reason, since: this.cand.since, last: t };
        out.push({ kind: 'start', reason, since: this.cand.since, at: t });
      }
    } else {
      // a frame or two that looks normal (someone's arm, the camera settling) does not restart the hold
      if (this.cand && t - this.cand.last > GAP_SECONDS) this.cand = undefined;
      if (this.open && t - this.open.last >= this.o.clearSeconds) {
        out.push({ kind: 'end', reason: this.open.reason, since: this.open.since, at: this.open.last });
        this.open = undefined;
      }
    }
    return out;
  }

  finish(): TamperEvent[] {
    if (!this.open) return [];
    const e: TamperEvent = { kind: 'end', reason: this.open.reason, since: this.open.since, at: this.open.last };
    this.open = undefined;
    return [e];
  }
}

function mean(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}
