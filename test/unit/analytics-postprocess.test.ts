import { describe, expect, it } from 'vitest';
import { iou, makeGrid, nms, postprocess } from '../../server/analytics/postprocess.ts';

const NAMES = ['person', 'bicycle', 'car'];
const ROW = 5 + NAMES.length;

/** A raw 416 output with one row set: box centre/size in tensor px on a given stride. */
function withRows(rows: { stride: 8 | 16 | 32; cx: number; cy: number; w: number; h: number; obj: number; cls: number[] }[]): Float32Array {
  const grid = makeGrid(416, [8, 16, 32]);
  const out = new Float32Array(grid.rows * ROW);
  const offset = { 8: 0, 16: 52 * 52, 32: 52 * 52 + 26 * 26 };
  for (const r of rows) {
    const n = 416 / r.stride;
    const gx = Math.floor(r.cx / r.stride);
    const gy = Math.floor(r.cy / r.stride);
    const i = offset[r.stride] + gy * n + gx;
    out.set([r.cx / r.stride - gx, r.cy / r.stride - gy, Math.log(r.w / r.stride), Math.log(r.h / r.stride), r.obj, ...r.cls], i * ROW);
  }
  return out;
}

describe('grid', () => {
  it('has 52²+26²+13² rows in stride order, row-major', () => {
    const g = makeGrid(416, [8, 16, 32]);
    expect(g.rows).toBe(3549);
    expect([g.gx[1], g.gy[1], g.stride[1]]).toEqual([1, 0, 8]);
    expect([g.gx[52], g.gy[52]]).toEqual([0, 1]);
    expect(g.stride[2704]).toBe(16);
    expect([g.gx[3548], g.gy[3548], g.stride[3548]]).toEqual([12, 12, 32]);
    expect(makeGrid(416, [8, 16, 32])).toBe(g); // cached
  });
});

describe('postprocess', () => {
  const base = { classNames: NAMES, width: 832, height: 624 };

  it('decodes xy=(p+grid)·stride, wh=exp(p)·stride, score=obj·cls, and maps back through the scale', () => {
    const out = withRows([{ stride: 8, cx: 84, cy: 44, w: 40, h: 80, obj: 0.9, cls: [0.8, 0.1, 0] }]);
    const dets = postprocess(out, { ...base, scale: 0.5 });
    expect(dets).toHaveLength(1);
    const d = dets[0]!;
    expect(d).toMatchObject({ classId: 0, className: 'person' });
    expect(d.score).toBeCloseTo(0.72, 5);
    expect(d.x1).toBeCloseTo(128, 3);
    expect(d.y1).toBeCloseTo(8, 3);
    expect(d.x2).toBeCloseTo(208, 3);
    expect(d.y2).toBeCloseTo(168, 3);
  });

  it('suppresses overlapping boxes of one class only (class-aware NMS), keeps the best', () => {
    const out = withRows([
      { stride: 8, cx: 100, cy: 100, w: 50, h: 100, obj: 0.9, cls: [0.9, 0, 0] },
      { stride: 16, cx: 104, cy: 104, w: 50, h: 100, obj: 0.8, cls: [0.8, 0, 0] }, // same person, lower
      { stride: 32, cx: 102, cy: 102, w: 50, h: 100, obj: 0.7, cls: [0, 0, 0.9] }, // a car in the same place
      { stride: 8, cx: 300, cy: 300, w: 40, h: 40, obj: 0.6, cls: [0.6, 0, 0] },
    ]);
    const dets = postprocess(out, { ...base, scale: 1, nmsIou: 0.45 });
    expect(dets.map((d) => [d.className, Math.round(d.x1)])).toEqual([
      ['person', 75],
      ['car', 77],
      ['person', 280],
    ]);
  });

  it('drops rows under the threshold, honours the class filter, clips to the frame', () => {
    const out = withRows([
      { stride: 8, cx: 10, cy: 10, w: 60, h: 60, obj: 0.9, cls: [0.2, 0.9, 0] },
      { stride: 16, cx: 200, cy: 200, w: 40, h: 40, obj: 0.25, cls: [0.9, 0, 0] },
    ]);
    const all = postprocess(out, { ...base, scale: 1, width: 416, height: 416, scoreThreshold: 0.3 });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ className: 'bicycle', x1: 0, y1: 0 });
    const people = postprocess(out, { ...base, scale: 1, scoreThreshold: 0.1, classes: new Set([0]) });
    expect(people.map((d) => d.className)).toEqual(['person', 'person']);
    expect(people[1]!.score).toBeCloseTo(0.18, 5); // first row's best allowed class is person 0.9·0.2
  });

  it('rejects an output of the wrong size', () => {
    expect(() => postprocess(new Float32Array(10), { ...base, scale: 1 })).toThrow(/expected 3549/);
  });

  it('iou and nms basics', () => {
    const a = { x1: 0, y1: 0, x2: 10, y2: 10 };
    expect(iou(a, a)).toBe(1);
    expect(iou(a, { x1: 5, y1: 0, x2: 15, y2: 10 })).toBeCloseTo(1 / 3, 6);
    expect(iou(a, { x1: 20, y1: 20, x2: 30, y2: 30 })).toBe(0);
    const kept = nms([{ ...a, score: 0.5, classId: 0 }, { ...a, x1: 1, score: 0.9, classId: 0 }], 0.45);
    expect(kept.map((k) => k.score)).toEqual([0.9]);
  });
});
