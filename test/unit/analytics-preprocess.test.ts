import { describe, expect, it } from 'vitest';
import { allocTensor, letterbox, letterboxSize } from '../../server/analytics/preprocess.ts';

/** w×h frame, pixel (x, y) = [f(x,y,0), f(x,y,1), f(x,y,2)] */
function frame(w: number, h: number, f: (x: number, y: number, c: number) => number): Uint8Array {
  const b = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) b[(y * w + x) * 3 + c] = f(x, y, c);
  return b;
}
const at = (t: Float32Array, S: number, plane: number, x: number, y: number) => t[plane * S * S + y * S + x];

describe('letterbox', () => {
  it('sizes like YOLOX: min scale, truncated, 768×576 → 416×312', () => {
    expect(letterboxSize(768, 576, 416)).toEqual({ width: 416, height: 312, scale: 416 / 768 });
    expect(letterboxSize(1920, 1080, 416)).toMatchObject({ width: 416, height: 234 });
    expect(letterboxSize(480, 640, 416)).toMatchObject({ width: 312, height: 416 });
  });

  it('copies a frame that already has the content size: BGR planes, top-left, pad 114', () => {
    const S = 8;
    const src = frame(8, 4, (x, y, c) => [10 + x, 100 + y, 200 + c][c]!);
    const out = allocTensor(S);
    const info = letterbox(src, 8, 4, out, { size: S });
    expect(info).toMatchObject({ scale: 1, width: 8, height: 4 });
    expect(at(out, S, 0, 3, 2)).toBe(13); // B plane = byte 0
    expect(at(out, S, 1, 3, 2)).toBe(102); // G
    expect(at(out, S, 2, 3, 2)).toBe(202); // R
    for (let p = 0; p < 3; p++) for (let y = 4; y < 8; y++) for (let x = 0; x < 8; x++) expect(at(out, S, p, x, y)).toBe(114);
  });

  it('a reused tensor gets the same result as a fresh one when frame sizes alternate (padding kept or redone)', () => {
    const S = 16;
    const wide = frame(16, 9, (x, y, c) => (x * 7 + y * 3 + c) % 250);
    const tall = frame(9, 16, (x, y, c) => (x * 5 + y * 11 + c) % 250);
    const square = frame(16, 16, () => 1);
    const reused = allocTensor(S);
    for (const [src, w, h] of [[wide, 16, 9], [wide, 16, 9], [square, 16, 16], [wide, 16, 9], [tall, 9, 16], [wide, 16, 9]] as const) {
      letterbox(src, w, h, reused, { size: S });
      const fresh = allocTensor(S);
      letterbox(src, w, h, fresh, { size: S });
      expect(Array.from(reused)).toEqual(Array.from(fresh));
    }
    // another pad value is applied, not skipped
    letterbox(wide, 16, 9, reused, { size: S, pad: 0 });
    expect(at(reused, S, 0, 3, 12)).toBe(0);
  });

  it('swaps channels for RGB24 input', () => {
    const src = frame(4, 4, (_x, _y, c) => [1, 2, 3][c]!); // R=1, G=2, B=3
    const out = allocTensor(4);
    letterbox(src, 4, 4, out, { size: 4, order: 'rgb' });
    expect([at(out, 4, 0, 1, 1), at(out, 4, 1, 1, 1), at(out, 4, 2, 1, 1)]).toEqual([3, 2, 1]);
    letterbox(frame(8, 8, (_x, _y, c) => [1, 2, 3][c]!), 8, 8, out, { size: 4, order: 'rgb' });
    expect([at(out, 4, 0, 1, 1), at(out, 4, 1, 1, 1), at(out, 4, 2, 1, 1)]).toEqual([3, 2, 1]);
  });

  it('scales bilinearly with half-pixel centres and pads right and bottom', () => {
    const S = 8;
    // 16×8 horizontal ramp 10·x → scale 0.5: dst x samples src 2x+0.5 → 20x+5
    const src = frame(16, 8, (x) => 10 * x);
    const out = allocTensor(S);
    const info = letterbox(src, 16, 8, out, { size: S });
    expect(info).toMatchObject({ scale: 0.5, width: 8, height: 4 });
    for (let x = 0; x < 8; x++) expect(at(out, S, 1, x, 2)).toBeCloseTo(20 * x + 5, 4);
    expect(at(out, S, 0, 0, 4)).toBe(114);
    // tall frame: content on the left, pad on the right
    const tall = letterbox(frame(4, 16, () => 50), 4, 16, out, { size: S });
    expect(tall).toMatchObject({ width: 2, height: 8 });
    expect(at(out, S, 2, 1, 7)).toBe(50);
    expect(at(out, S, 2, 2, 7)).toBe(114);
    expect(at(out, S, 2, 7, 0)).toBe(114);
  });

  it('rejects a short buffer or a wrong tensor', () => {
    expect(() => letterbox(new Uint8Array(10), 8, 8, allocTensor(8), { size: 8 })).toThrow(/expected 8×8×3/);
    expect(() => letterbox(new Uint8Array(192), 8, 8, allocTensor(4), { size: 8 })).toThrow(/tensor length/);
  });
});
