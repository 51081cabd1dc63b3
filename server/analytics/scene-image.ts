/** Grey images for the exit zones' background model (background.ts) and their JPEG for the console. */
import sharp from 'sharp';
import type { Frame } from './frames.ts';

const DOWN = 4;

export interface Grey {
  w: number;
  h: number;
  px: Float32Array;
}

/** BGR frame → grey at 1/DOWN size (box average). */
export function toGrey(f: Pick<Frame, 'data' | 'width' | 'height'>, down = DOWN): Grey {
  const w = Math.floor(f.width / down);
  const h = Math.floor(f.height / down);
  const px = new Float32Array(w * h);
  const d = f.data;
  const n = down * down;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let yy = 0; yy < down; yy++) {
        let o = ((y * down + yy) * f.width + x * down) * 3;
        for (let xx = 0; xx < down; xx++, o += 3) s += 0.114 * d[o]! + 0.587 * d[o + 1]! + 0.299 * d[o + 2]!;
      }
      px[y * w + x] = s / n;
    }
  }
  return { w, h, px };
}

/** (v − mean)/std over the listed pixels. */
export function normalise(src: Float32Array, idx: Uint32Array, out: Float32Array, apply: Uint32Array = idx): void {
  let s = 0;
  let s2 = 0;
  // indexed loops: this runs on every pixel of every exit zone, 4× a frame (for…of over a typed array
  // allocated iterator results here)
  for (let k = 0; k < idx.length; k++) {
    const v = src[idx[k]!]!;
    s += v;
    s2 += v * v;
  }
  const m = s / idx.length;
  const sd = Math.sqrt(Math.max(0, s2 / idx.length - m * m)) + 4; // +4: a flat zone is not amplified into noise
  for (let k = 0; k < apply.length; k++) {
    const i = apply[k]!;
    out[i] = (src[i]! - m) / sd;
  }
}

/** A grey image as a JPEG, scaled up `scale`× (the model works at 1/4 of the analysed size). */
export async function greyJpeg(g: Grey, scale = 4): Promise<Buffer> {
  const raw = Buffer.alloc(g.w * g.h);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.max(0, Math.min(255, Math.round(g.px[i]!)));
  return sharp(raw, { raw: { width: g.w, height: g.h, channels: 1 } })
    .resize(g.w * scale, g.h * scale, { kernel: 'cubic' })
    .jpeg({ quality: 85 })
    .toBuffer();
}
