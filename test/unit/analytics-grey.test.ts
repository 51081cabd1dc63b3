import { describe, expect, it } from 'vitest';
import { frameGreys } from '../../server/analytics/grey.ts';
import { toGrey } from '../../server/analytics/scene-image.ts';
import { tinyGrey } from '../../server/analytics/tamper.ts';

/** a BGR frame of noise with a gradient (deterministic) */
function frame(width: number, height: number, seed: number) {
  const data = Buffer.alloc(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = ((s >>> 16) % 96) + (((i / 3) % width) * 128) / width;
  }
  return { data, width, height };
}

describe('frameGreys: one pass for motion, tamper and the exit-zone background', () => {
  for (const [w, h] of [[416, 312], [417, 235], [330, 203], [7, 5]] as const) {
    it(`${w}×${h}: equals the 1/4 grey of toGrey() and the 64×48 of tinyGrey()`, () => {
      const f = frame(w, h, w * h);
      const g = frameGreys(f);
      const ref = toGrey(f);
      expect([g.g4.w, g.g4.h]).toEqual([ref.w, ref.h]);
      expect(Array.from(g.g4.px)).toEqual(Array.from(ref.px));
      expect(Array.from(g.tiny)).toEqual(Array.from(tinyGrey(f.data, w, h)));
    });
  }

  it('refilled in place for the next frame of the same camera, with the next frame’s values', () => {
    const a = frame(416, 312, 1);
    const b = frame(416, 312, 2);
    const first = frameGreys(a);
    const px = first.g4.px;
    const second = frameGreys(b, first);
    expect(second.g4.px).toBe(px);
    expect(Array.from(second.g4.px)).toEqual(Array.from(toGrey(b).px));
    expect(Array.from(second.tiny)).toEqual(Array.from(tinyGrey(b.data, 416, 312)));
    // another size: new arrays of the right size
    const third = frameGreys(frame(330, 203, 3), second);
    expect(third.g4.px.length).toBe(82 * 50);
  });
});

describe('motion: the median difference by quickselect', () => {
  it('is the value a full sort puts in the middle, also with many equal values', async () => {
    const { nth } = await import('../../server/analytics/motion.ts');
    let s = 7;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(rnd() * 2500);
      const a = Float32Array.from({ length: n }, () => (rnd() < 0.3 ? Math.round(rnd() * 4) : rnd() * 100 - 50));
      const k = n >> 1;
      expect(nth(Float32Array.from(a), k)).toBe(Float32Array.from(a).sort()[k]);
    }
  });
});
