/**
 * YOLOX output decoding (pure): raw [N, 5+C] rows over the stride 8/16/32 grids → boxes.
 *
 * Row = [px, py, pw, ph, objectness, C class scores] (objectness and classes already sigmoid).
 * cx = (px + gx)·stride, cy = (py + gy)·stride, w = exp(pw)·stride, h = exp(ph)·stride, in
 * letterboxed-tensor pixels; each row keeps its best class, score = obj · cls. Rows under the score
 * threshold are skipped before any exp() (score ≤ obj). Then class-aware greedy NMS, and boxes are
 * mapped back to frame pixels by dividing by the letterbox scale and clipped to the frame.
 */

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Detection extends Box {
  classId: number;
  className: string;
  score: number;
}

export interface Grid {
  gx: Float32Array;
  gy: Float32Array;
  stride: Float32Array;
  rows: number;
}

const grids = new Map<string, Grid>();

/** Grid cell offsets and strides for every output row, cached per (size, strides). */
export function makeGrid(size = 416, strides: readonly number[] = [8, 16, 32]): Grid {
  const key = `${size}:${strides.join(',')}`;
  const hit = grids.get(key);
  if (hit) return hit;
  let rows = 0;
  for (const s of strides) rows += Math.floor(size / s) ** 2;
  const gx = new Float32Array(rows);
  const gy = new Float32Array(rows);
  const stride = new Float32Array(rows);
  let i = 0;
  for (const s of strides) {
    const n = Math.floor(size / s);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++, i++) {
        gx[i] = x;
        gy[i] = y;
        stride[i] = s;
      }
    }
  }
  const g = { gx, gy, stride, rows };
  grids.set(key, g);
  return g;
}

export interface PostprocessOptions {
  /** letterbox scale (tensor px = frame px · scale) */
  scale: number;
  /** frame size, to clip boxes */
  width: number;
  height: number;
  classNames: readonly string[];
  scoreThreshold?: number;
  nmsIou?: number;
  /** keep only these class ids (undefined = all) */
  classes?: ReadonlySet<number>;
  inputSize?: number;
  strides?: readonly number[];
  /** cap on detections returned (highest scores first) */
  maxDetections?: number;
}

export function iou(a: Box, b: Box): number {
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  if (iw <= 0) return 0;
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy NMS per class; input need not be sorted. Returns the kept detections, best first. */
export function nms<T extends Box & { score: number; classId: number }>(dets: T[], iouThreshold: number): T[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const d of sorted) {
    let ok = true;
    for (const k of kept) {
      if (k.classId === d.classId && iou(k, d) > iouThreshold) {
        ok = false;
        break;
      }
    }
    if (ok) kept.push(d);
  }
  return kept;
}

/** Decode, threshold, NMS and map back to frame pixels. */
export function postprocess(output: Float32Array, opts: PostprocessOptions): Detection[] {
  const thr = opts.scoreThreshold ?? 0.3;
  const nc = opts.classNames.length;
  const stride = 5 + nc;
  const grid = makeGrid(opts.inputSize ?? 416, opts.strides ?? [8, 16, 32]);
  if (output.length !== grid.rows * stride) {
    throw new Error(`postprocess: output has ${output.length} values, expected ${grid.rows}×${stride}`);
  }
  const inv = 1 / opts.scale;
  const W = opts.width;
  const H = opts.height;
  const keep = opts.classes;
  const cands: Detection[] = [];
  for (let r = 0, o = 0; r < grid.rows; r++, o += stride) {
    const obj = output[o + 4]!;
    if (obj < thr) continue;
    let best = -1;
    let bestScore = 0;
    for (let c = 0; c < nc; c++) {
      const s = output[o + 5 + c]!;
      if (s > bestScore && (!keep || keep.has(c))) {
        bestScore = s;
        best = c;
      }
    }
    const score = obj * bestScore;
    if (best < 0 || score < thr) continue;
    const s = grid.stride[r]!;
    const cx = (output[o]! + grid.gx[r]!) * s;
    const cy = (output[o + 1]! + grid.gy[r]!) * s;
    const hw = (Math.exp(output[o + 2]!) * s) / 2;
    const hh = (Math.exp(output[o + 3]!) * s) / 2;
    const x1 = Math.max(0, (cx - hw) * inv);
    const y1 = Math.max(0, (cy - hh) * inv);
    const x2 = Math.min(W, (cx + hw) * inv);
    const y2 = Math.min(H, (cy + hh) * inv);
    if (x2 <= x1 || y2 <= y1) continue;
    cands.push({ x1, y1, x2, y2, score, classId: best, className: opts.classNames[best] ?? String(best) });
  }
  const kept = nms(cands, opts.nmsIou ?? 0.45);
  return opts.maxDetections !== undefined ? kept.slice(0, opts.maxDetections) : kept;
}
