import { describe, expect, it } from 'vitest';
import {
  nextAnchor,
  parseSegmentListLine,
  SegmentListReader,
  WallClockAnchor,
  wallRange,
} from '../../server/media/segment-list.ts';

describe('parseSegmentListLine', () => {
  it('parses ffmpeg CSV lines', () => {
    expect(parseSegmentListLine('lq3x8k2a-000000.mp4,0.000000,2.900000')).toEqual({
      file: 'lq3x8k2a-000000.mp4',
      start: 0,
      end: 2.9,
    });
  });
  it('honours quoting of odd file names', () => {
    expect(parseSegmentListLine('"a,""b"".mp4",1.5,3.5\r')).toEqual({ file: 'a,"b".mp4', start: 1.5, end: 3.5 });
  });
  it('rejects garbage', () => {
    for (const l of ['', 'x.mp4', 'x.mp4,a,b', 'x.mp4,3,2', ',1,2']) expect(parseSegmentListLine(l)).toBeUndefined();
  });
});

describe('SegmentListReader', () => {
  it('splits chunks on newlines and keeps partial lines', () => {
    const r = new SegmentListReader();
    expect(r.push('a-0.mp4,0.0,2.9\na-1.mp')).toEqual([{ file: 'a-0.mp4', start: 0, end: 2.9 }]);
    expect(r.push('4,2.9,4.9\n')).toEqual([{ file: 'a-1.mp4', start: 2.9, end: 4.9 }]);
    expect(r.push('a-2.mp4,4.9,6.0')).toEqual([]);
    expect(r.end()).toEqual([{ file: 'a-2.mp4', start: 4.9, end: 6 }]);
  });
});

describe('wall-clock anchoring', () => {
  const T0 = 1_700_000_000_000;

  it('nextAnchor keeps the minimum of now - t', () => {
    expect(nextAnchor(undefined, 2.9, T0 + 3400)).toBe(T0 + 500);
    expect(nextAnchor(T0 + 500, 4.9, T0 + 4950)).toBe(T0 + 50);
    expect(nextAnchor(T0 + 50, 6.9, T0 + 7200)).toBe(T0 + 50);
  });

  it('a late first line (start-up burst) is corrected by the next ones; segments stay contiguous', () => {
    const a = new WallClockAnchor();
    // ffmpeg analysed ~3 s of stream before writing anything: the first line arrives late
    expect(a.observe(2.9, T0 + 3400)).toBe(0);
    expect(a.ms).toBe(T0 + 500);
    // from then on lines arrive in real time with a small lag
    expect(a.observe(4.9, T0 + 4950)).toBe(450);
    expect(a.observe(6.9, T0 + 6980)).toBe(0);
    expect(a.ms).toBe(T0 + 50);
    const s1 = a.range({ start: 0, end: 2.9 })!;
    const s2 = a.range({ start: 2.9, end: 4.9 })!;
    expect(s1).toEqual({ startMs: T0 + 50, endMs: T0 + 2950 });
    expect(s2.startMs).toBe(s1.endMs);
  });

  it('ignores negative or non-finite stream times', () => {
    const a = new WallClockAnchor();
    expect(a.observe(-1, T0)).toBe(0);
    expect(a.observe(Number.NaN, T0)).toBe(0);
    expect(a.ms).toBeUndefined();
    expect(a.range({ start: 0, end: 1 })).toBeUndefined();
  });

  it('wallRange', () => {
    expect(wallRange(T0, { start: 10, end: 20.5 })).toEqual({ startMs: T0 + 10_000, endMs: T0 + 20_500 });
  });
});
