/**
 * Letterbox a raw 8-bit frame into the YOLOX input tensor (pure, no I/O).
 *
 * Input: packed 3-byte pixels, BGR24 by default (what ffmpeg gives with `-pix_fmt bgr24`); pass
 * order 'rgb' for RGB24 (e.g. sharp's raw output) and the channels are swapped while copying.
 * Output: Float32Array NCHW [1,3,S,S], channels B,G,R, values 0–255 (no normalisation), the image
 * scaled by min(S/w, S/h) (aspect kept, size truncated like YOLOX's int(w·r)), placed at the
 * TOP-LEFT corner, the rest padded with 114. Scaling is bilinear with OpenCV's half-pixel centres.
 *
 * Speed: the per-column/per-row source indices and weights are computed once per (w, h, S) and
 * cached; the hot loop only reads bytes and writes floats into the caller's reusable tensor. When
 * the frame already has the letterboxed content size (frames.ts lets ffmpeg scale), it is a copy.
 */

export type PixelOrder = 'bgr' | 'rgb';

export interface LetterboxInfo {
  /** resized = source · scale; divide tensor coordinates by scale to get frame pixels */
  scale: number;
  /** size of the scaled image inside the S×S tensor (top-left), in tensor pixels */
  width: number;
  height: number;
  srcWidth: number;
  srcHeight: number;
}

export interface LetterboxOptions {
  /** tensor side S (416 for YOLOX-Nano) */
  size?: number;
  order?: PixelOrder;
  pad?: number;
}

export const INPUT_SIZE = 416;
export const PAD_VALUE = 114;

/** Content size of a w×h frame letterboxed into S×S: YOLOX uses int(w·r), int(h·r). */
export function letterboxSize(w: number, h: number, size = INPUT_SIZE): { width: number; height: number; scale: number } {
  const scale = Math.min(size / w, size / h);
  return { width: Math.max(1, Math.floor(w * scale)), height: Math.max(1, Math.floor(h * scale)), scale };
}

interface Axis {
  i0: Int32Array; // first source index (already multiplied by the stride for x)
  i1: Int32Array;
  f: Float32Array; // weight of i1
}

function axis(srcLen: number, dstLen: number, scale: number, mul: number): Axis {
  const i0 = new Int32Array(dstLen);
  const i1 = new Int32Array(dstLen);
  const f = new Float32Array(dstLen);
  for (let d = 0; d < dstLen; d++) {
    let s = (d + 0.5) / scale - 0.5;
    if (s < 0) s = 0;
    let a = Math.floor(s);
    if (a > srcLen - 1) a = srcLen - 1;
    const b = Math.min(a + 1, srcLen - 1);
    i0[d] = a * mul;
    i1[d] = b * mul;
    f[d] = s - a > 1 ? 1 : s - a;
  }
  return { i0, i1, f };
}

const tables = new Map<string, { xs: Axis; ys: Axis }>();
function tablesFor(w: number, h: number, nw: number, nh: number, scale: number): { xs: Axis; ys: Axis } {
  const key = `${w}x${h}>${nw}x${nh}`;
  let t = tables.get(key);
  if (!t) {
    if (tables.size >= 16) tables.clear(); // a few camera sizes at most; never grows unbounded
    t = { xs: axis(w, nw, scale, 3), ys: axis(h, nh, scale, w * 3) };
    tables.set(key, t);
  }
  return t;
}

/** tensors whose padding is in place, and for which content size and pad value */
const padded = new WeakMap<Float32Array, string>();

/** A tensor buffer of the right size for letterbox(). Reuse it between frames. */
export function allocTensor(size = INPUT_SIZE): Float32Array {
  return new Float32Array(3 * size * size);
}

/**
 * Letterbox `src` (w×h packed 3-byte pixels) into `out` (length 3·S·S, reused between calls).
 * Returns the scale to map tensor coordinates back to frame pixels.
 */
export function letterbox(src: Uint8Array, w: number, h: number, out: Float32Array, opts: LetterboxOptions = {}): LetterboxInfo {
  const S = opts.size ?? INPUT_SIZE;
  const pad = opts.pad ?? PAD_VALUE;
  const rgb = (opts.order ?? 'bgr') === 'rgb';
  if (!(w > 0 && h > 0) || src.length < w * h * 3) {
    throw new Error(`letterbox: frame buffer has ${src.length} bytes, expected ${w}×${h}×3 = ${w * h * 3}`);
  }
  if (out.length !== 3 * S * S) throw new Error(`letterbox: tensor length ${out.length}, expected ${3 * S * S}`);
  const { width: nw, height: nh, scale } = letterboxSize(w, h, S);
  const plane = S * S;
  // channel offsets inside a source pixel for the B, G, R planes
  const cB = rgb ? 2 : 0;
  const cR = rgb ? 0 : 2;

  if (nw === w && nh === h) {
    const p1 = plane;
    const p2 = 2 * plane;
    for (let y = 0; y < nh; y++) {
      let s = y * w * 3;
      let o = y * S;
      for (const end = o + nw; o < end; o++, s += 3) {
        out[o] = src[s + cB]!;
        out[o + p1] = src[s + 1]!;
        out[o + p2] = src[s + cR]!;
      }
    }
  } else {
    const { xs, ys } = tablesFor(w, h, nw, nh, scale);
    const { i0: x0, i1: x1, f: fx } = xs;
    for (let y = 0; y < nh; y++) {
      const r0 = ys.i0[y]!;
      const r1 = ys.i1[y]!;
      const fy = ys.f[y]!;
      const gy = 1 - fy;
      let o = y * S;
      for (let x = 0; x < nw; x++, o++) {
        const a = x0[x]!;
        const b = x1[x]!;
        const f = fx[x]!;
        const g = 1 - f;
        const p00 = r0 + a;
        const p01 = r0 + b;
        const p10 = r1 + a;
        const p11 = r1 + b;
        for (let c = 0; c < 3; c++) {
          const top = src[p00 + c]! * g + src[p01 + c]! * f;
          const bot = src[p10 + c]! * g + src[p11 + c]! * f;
          const v = top * gy + bot * fy;
          // plane index: B=0, G=1, R=2 (source channel c maps to plane c for BGR, 2−c for RGB)
          out[o + (rgb ? 2 - c : c) * plane] = v;
        }
      }
    }
  }
  // padding: right of the content on its rows, then every row below it — skipped when this tensor was
  // last padded for the same content size (the content never writes there)
  const padKey = `${nw}x${nh}/${pad}`;
  if (padded.get(out) === padKey) return { scale, width: nw, height: nh, srcWidth: w, srcHeight: h };
  padded.set(out, padKey);
  for (let p = 0; p < 3; p++) {
    const base = p * plane;
    if (nw < S) for (let y = 0; y < nh; y++) out.fill(pad, base + y * S + nw, base + y * S + S);
    if (nh < S) out.fill(pad, base + nh * S, base + plane);
  }
  return { scale, width: nw, height: nh, srcWidth: w, srcHeight: h };
}
