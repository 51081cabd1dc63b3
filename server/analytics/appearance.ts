/**
 * Appearance of a box: a small colour histogram (4 levels per B, G, R channel = 64 bins) of the
 * box's inner part (the central 60 % wide, 80 % high, to leave out background at the edges) from
 * the analysis frame. Used by the tracker to re-find a lost track: similarity = Bhattacharyya
 * coefficient (1 = identical colour distribution). Boxes are in source pixels.
 */
import type { Frame } from './frames.ts';
import type { Box } from './postprocess.ts';

export const BINS = 64;

export function colourHistogram(frame: Frame, b: Box): Float32Array {
  const sx = frame.width / frame.sourceWidth;
  const sy = frame.height / frame.sourceHeight;
  const w = (b.x2 - b.x1) * sx;
  const h = (b.y2 - b.y1) * sy;
  const x1 = Math.max(0, Math.floor(b.x1 * sx + 0.2 * w));
  const x2 = Math.min(frame.width - 1, Math.ceil(b.x2 * sx - 0.2 * w));
  const y1 = Math.max(0, Math.floor(b.y1 * sy + 0.1 * h));
  const y2 = Math.min(frame.height - 1, Math.ceil(b.y2 * sy - 0.1 * h));
  const hist = new Float32Array(BINS);
  const d = frame.data;
  const step = Math.max(1, Math.floor(Math.min(x2 - x1, y2 - y1) / 24));
  let n = 0;
  for (let y = y1; y <= y2; y += step) {
    for (let x = x1; x <= x2; x += step) {
      const o = (y * frame.width + x) * 3;
      hist[((d[o]! >> 6) << 4) | ((d[o + 1]! >> 6) << 2) | (d[o + 2]! >> 6)]! += 1;
      n++;
    }
  }
  if (n) for (let i = 0; i < BINS; i++) hist[i]! /= n;
  return hist;
}

export function similarity(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.sqrt(a[i]! * b[i]!);
  return s;
}
