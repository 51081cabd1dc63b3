/**
 * The grey images the per-frame stages work on, made in ONE pass over the BGR frame (it runs on every
 * analysed frame of every camera; three separate passes cost ~1.4 ms a frame, this one about half):
 *  - `g4`: 1/4 size box average (104×78 for 416×312): the exit zones' background model (background.ts)
 *    and, 2×2 of its cells to one, the motion grid (motion.ts);
 *  - `tiny`: 64×48 area average: camera tamper (tamper.ts).
 * Both equal what toGrey() and tinyGrey() give for the same frame (same sums in the same order).
 */
import type { Frame } from './frames.ts';
import type { Grey } from './scene-image.ts';

/** fixed: frameGreys() sums the four pixels of a cell row at once */
export const GREY_DOWN = 4;
/** the tamper image (64×48) */
export const TW = 64;
export const TH = 48;

export interface FrameGreys {
  g4: Grey;
  tiny: Float32Array;
}

/** per (width, height): the tiny cell of each column and row, and the pixel count of each cell */
export interface TinyMap {
  tx: Int32Array;
  ty: Int32Array;
  inv: Float32Array;
}
const tinyMaps = new Map<string, TinyMap>();
export function tinyMap(width: number, height: number): TinyMap {
  const key = `${width}x${height}`;
  let m = tinyMaps.get(key);
  if (!m) {
    if (tinyMaps.size >= 16) tinyMaps.clear(); // a few camera sizes at most
    const tx = Int32Array.from({ length: width }, (_, x) => Math.min(TW - 1, Math.floor((x * TW) / width)));
    const ty = Int32Array.from({ length: height }, (_, y) => Math.min(TH - 1, Math.floor((y * TH) / height)) * TW);
    const cnt = new Float32Array(TW * TH);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) cnt[ty[y]! + tx[x]!]! += 1;
    m = { tx, ty, inv: cnt.map((c) => Math.max(1, c)) };
    tinyMaps.set(key, m);
  }
  return m;
}

let accScratch = new Float64Array(0);

/**
 * `into`: the previous result of the same camera, whose arrays are refilled when the size matches (no
 * allocation per frame). Its readers must copy what they keep beyond the frame (tamper.ts, background-zone.ts
 * do); the exit zones' "latest grey" is meant to be the newest frame anyway.
 */
export function frameGreys(f: Pick<Frame, 'data' | 'width' | 'height'>, into?: FrameGreys): FrameGreys {
  const { data: d, width, height } = f;
  const w = Math.floor(width / GREY_DOWN);
  const h = Math.floor(height / GREY_DOWN);
  // scratch (this function is synchronous): the sums are not kept
  if (accScratch.length < w * h) accScratch = new Float64Array(w * h);
  const acc = accScratch;
  acc.fill(0, 0, w * h);
  const tiny = into?.tiny ?? new Float32Array(TW * TH);
  tiny.fill(0);
  const { tx, ty, inv } = tinyMap(width, height);
  accumulate(d, width, height, w, h, tx, ty, acc, tiny);
  for (let i = 0; i < tiny.length; i++) tiny[i] = tiny[i]! / inv[i]!;
  const px = into && into.g4.w === w && into.g4.h === h ? into.g4.px : new Float32Array(w * h);
  const n = GREY_DOWN * GREY_DOWN;
  for (let i = 0; i < px.length; i++) px[i] = acc[i]! / n;
  if (into) {
    into.g4 = px === into.g4.px ? into.g4 : { w, h, px };
    into.tiny = tiny;
    return into;
  }
  return { g4: { w, h, px }, tiny };
}

/**
 * The pixel loop, on its own with typed arrays and numbers only: inside frameGreys, V8 compiled it on the
 * stack mid-loop and then threw the code away at the first property access after it, a dozen times a run.
 */
function accumulate(d: Uint8Array, width: number, height: number, w: number, h: number, tx: Int32Array, ty: Int32Array, acc: Float64Array, tiny: Float32Array): void {
  for (let y = 0; y < height; y++) {
    const trow = ty[y]!;
    let o = y * width * 3;
    let x = 0;
    if (y < h * GREY_DOWN) {
      // four pixels of a 1/4 cell at a time (same sums, same order as pixel by pixel)
      const grow = (y >> 2) * w;
      for (let bx = 0; bx < w; bx++, x += 4, o += 12) {
        const v0 = 0.114 * d[o]! + 0.587 * d[o + 1]! + 0.299 * d[o + 2]!;
        const v1 = 0.114 * d[o + 3]! + 0.587 * d[o + 4]! + 0.299 * d[o + 5]!;
        const v2 = 0.114 * d[o + 6]! + 0.587 * d[o + 7]! + 0.299 * d[o + 8]!;
        const v3 = 0.114 * d[o + 9]! + 0.587 * d[o + 10]! + 0.299 * d[o + 11]!;
        tiny[trow + tx[x]!]! += v0;
        tiny[trow + tx[x + 1]!]! += v1;
        tiny[trow + tx[x + 2]!]! += v2;
        tiny[trow + tx[x + 3]!]! += v3;
        acc[grow + bx] = acc[grow + bx]! + v0 + v1 + v2 + v3;
      }
    }
    for (; x < width; x++, o += 3) tiny[trow + tx[x]!]! += 0.114 * d[o]! + 0.587 * d[o + 1]! + 0.299 * d[o + 2]!;
  }
}
