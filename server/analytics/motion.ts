/**
 * Cheap motion detector on the analysis frames (the idea Frigate uses to gate detection: only
 * what changes is interesting). The BGR frame is downscaled to a grey grid of CELL×CELL-pixel
 * cells (mean of each cell, so sensor noise averages out), compared with a slow-adapting
 * background (running average, alpha per update); a cell is "moving" when it differs by more than
 * `threshold` grey levels. A global change (light switched, auto-exposure, IR cut) moves the mean
 * of every cell: the per-frame median difference is subtracted first, so a brightness ramp does
 * not light up the whole picture.
 *
 * Boxes handed to motionIn() are in source pixels (what the detector returns).
 */
import type { Box } from './postprocess.ts';
import type { Frame } from './frames.ts';
import { GREY_DOWN } from './grey.ts';
import { toGrey, type Grey } from './scene-image.ts';

export interface MotionOptions {
  /** cell size in analysis-frame pixels */
  cell?: number;
  /** grey levels above the background (after the global offset) that count as motion */
  threshold?: number;
  /** background adaptation per update (0..1) */
  alpha?: number;
}

export class MotionDetector {
  private bg: Float32Array | undefined;
  private cur = new Float32Array(0);
  /** scratch, reused between frames: frame − background, and a copy sorted for its median */
  private diff = new Float32Array(0);
  private sorted = new Float32Array(0);
  mask = new Uint8Array(0);
  gw = 0;
  gh = 0;
  private sx = 1;
  private sy = 1;
  private readonly cell: number;
  private readonly threshold: number;
  private readonly alpha: number;

  constructor(opts: MotionOptions = {}) {
    this.cell = opts.cell ?? 8;
    this.threshold = opts.threshold ?? 14;
    this.alpha = opts.alpha ?? 0.05;
  }

  /** Feed one frame; returns the fraction of moving cells. */
  update(frame: Frame): number {
    return this.updateGrey(toGrey(frame, GREY_DOWN), frame.sourceWidth, frame.sourceHeight);
  }

  /**
   * Feed one frame as its 1/4-size grey image (grey.ts, shared with the other stages): a cell is the mean
   * of (cell/4)² of its pixels. `sourceWidth/Height`: the frame's source size (boxes are in source pixels).
   */
  updateGrey(g: Grey, sourceWidth: number, sourceHeight: number): number {
    const k = Math.max(1, Math.round(this.cell / GREY_DOWN));
    const gw = Math.max(1, Math.floor(g.w / k));
    const gh = Math.max(1, Math.floor(g.h / k));
    if (gw !== this.gw || gh !== this.gh) {
      this.gw = gw;
      this.gh = gh;
      this.bg = undefined;
      this.cur = new Float32Array(gw * gh);
      this.diff = new Float32Array(gw * gh);
      this.sorted = new Float32Array(gw * gh);
      this.mask = new Uint8Array(gw * gh);
    }
    this.sx = gw / sourceWidth;
    this.sy = gh / sourceHeight;
    const cur = this.cur;
    cur.fill(0);
    const px = g.px;
    for (let y = 0; y < gh * k; y++) {
      const row = ((y / k) | 0) * gw;
      let o = y * g.w;
      for (let x = 0; x < gw * k; x++, o++) cur[row + ((x / k) | 0)]! += px[o]!;
    }
    const per = 1 / (k * k);
    for (let i = 0; i < cur.length; i++) cur[i]! *= per;
    if (!this.bg) {
      this.bg = Float32Array.from(cur);
      this.mask.fill(0);
      return 0;
    }
    const bg = this.bg;
    const diff = this.diff;
    for (let i = 0; i < cur.length; i++) diff[i] = cur[i]! - bg[i]!;
    this.sorted.set(diff);
    const offset = cur.length ? nth(this.sorted, cur.length >> 1) : 0;
    let moving = 0;
    for (let i = 0; i < cur.length; i++) {
      const m = Math.abs(diff[i]! - offset) > this.threshold ? 1 : 0;
      this.mask[i] = m;
      moving += m;
      // the background follows slowly; the global offset is followed at once (light changes)
      bg[i] = bg[i]! + offset + this.alpha * (diff[i]! - offset);
    }
    return moving / cur.length;
  }

  /** Fraction of the box's cells (box in source px) that moved on the last update. */
  motionIn(b: Box): number {
    if (!this.gw) return 0;
    const x1 = Math.max(0, Math.floor(b.x1 * this.sx));
    const x2 = Math.min(this.gw - 1, Math.floor(b.x2 * this.sx));
    const y1 = Math.max(0, Math.floor(b.y1 * this.sy));
    const y2 = Math.min(this.gh - 1, Math.floor(b.y2 * this.sy));
    let n = 0;
    let m = 0;
    for (let y = y1; y <= y2; y++) for (let x = x1; x <= x2; x++, n++) m += this.mask[y * this.gw + x]!;
    return n ? m / n : 0;
  }

  /** Did the cell at (nx, ny) (0..1 of the picture) move on the last update? */
  movingAt(nx: number, ny: number): boolean {
    if (!this.gw) return false;
    const x = Math.min(this.gw - 1, Math.floor(nx * this.gw));
    const y = Math.min(this.gh - 1, Math.floor(ny * this.gh));
    return this.mask[y * this.gw + x] === 1;
  }

  reset(): void {
    this.bg = undefined;
  }
}

/** The k-th smallest value of `a` (reordered in place): quickselect, the same value a full sort puts at k. */
export function nth(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}
