/** Export planning (cut points, gaps, ffconcat script) and range validation. */
import { describe, expect, it } from 'vitest';
import { concatScript, planCamera } from '../../server/evidence/plan.ts';
import { checkRange, parseTime } from '../../server/evidence/range.ts';
import type { Segment } from '../../server/store/segments.ts';
import { AppError } from '../../server/util/errors.ts';

const T = Date.UTC(2025, 0, 31, 8, 0, 0);
const seg = (id: number, startS: number, endS: number): Segment => ({
  id,
  cameraId: 'gate',
  path: `gate/2025-01-31/08-00-${String(startS).padStart(2, '0')}.mp4`,
  startMs: T + startS * 1000,
  endMs: T + endS * 1000,
  bytes: 100,
  codec: 'h264',
});
const keys = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]; // 1 s GOP in a 10 s segment

describe('export plan', () => {
  it('starts at the key frame at or before the start and ends at the first key frame at or after the end', () => {
    const p = planCamera('gate', [seg(1, 0, 10), seg(2, 10, 20), seg(3, 20, 30)], T + 3500, T + 24_200, keys, keys);
    expect(p.entries[0]!.inpoint).toBe(3);
    expect(p.entries[2]!.outpoint).toBe(5);
    expect(p.actualStartMs).toBe(T + 3000);
    expect(p.actualEndMs).toBe(T + 25_000);
    expect(p.gaps).toEqual([]);
    expect(p.entries.every((e) => e.duration === undefined)).toBe(true);
  });

  it('uses whole segments when the range starts in a gap or ends past the last key frame', () => {
    const p = planCamera('gate', [seg(1, 10, 20)], T, T + 19_500, keys, keys);
    expect(p.entries[0]!.inpoint).toBeUndefined();
    expect(p.entries[0]!.outpoint).toBeUndefined();
    expect([p.actualStartMs, p.actualEndMs]).toEqual([T + 10_000, T + 20_000]);
  });

  it('cuts inside a single segment', () => {
    const p = planCamera('gate', [seg(1, 0, 10)], T + 2000, T + 4000, keys, keys);
    expect(p.entries[0]).toMatchObject({ inpoint: 2, outpoint: 4 });
    expect([p.actualStartMs, p.actualEndMs]).toEqual([T + 2000, T + 4000]);
  });

  it('keeps gaps in the output timeline and lists them', () => {
    const p = planCamera('gate', [seg(1, 0, 10), seg(2, 25, 35)], T + 4000, T + 30_000, keys, keys);
    expect(p.gaps).toEqual([{ startMs: T + 10_000, endMs: T + 25_000 }]);
    expect(p.entries[0]!.duration).toBe(21); // from its in point (4 s) to the next file's start (25 s)
    const script = concatScript(p.entries, (s) => `/rec/${s.path}`);
    expect(script).toBe(
      [
        'ffconcat version 1.0',
        "file '/rec/gate/2025-01-31/08-00-00.mp4'",
        'option probesize 32',
        'option fpsprobesize 0',
        'option codec_whitelist none',
        'inpoint 4.000000',
        'duration 21.000000',
        "file '/rec/gate/2025-01-31/08-00-25.mp4'",
        'option probesize 32',
        'option fpsprobesize 0',
        'option codec_whitelist none',
        'outpoint 5.000000',
        '',
      ].join('\n'),
    );
  });

  it('quotes paths safely', () => {
    expect(concatScript([{ seg: seg(1, 0, 10) }], () => "/it's/x.mp4")).toContain("file '/it'\\''s/x.mp4'");
  });
});

describe('time ranges', () => {
  const now = T;
  const code = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      return e instanceof AppError ? `${e.status} ${e.code}` : String(e);
    }
    return 'ok';
  };

  it('parse epoch ms and ISO times with a zone, nothing else', () => {
    expect(parseTime('1738310400000', 'from')).toBe(1738310400000);
    expect(parseTime(1738310400000, 'from')).toBe(1738310400000);
    expect(parseTime('2025-01-31T08:00:00Z', 'from')).toBe(T);
    expect(parseTime('2025-01-31T16:00:00+08:00', 'from')).toBe(T);
    expect(parseTime(undefined, 'from')).toBeUndefined();
    expect(code(() => parseTime('2025-01-31 08:00', 'from'))).toBe('400 invalid_time');
    expect(code(() => parseTime('yesterday', 'from'))).toBe('400 invalid_time');
  });

  it('reject an end before the start, the future and over-long ranges with clear codes', () => {
    const rules = { now, maxMs: 3600_000 };
    expect(code(() => checkRange(T - 1000, T, rules))).toBe('ok');
    expect(code(() => checkRange(T, T - 1000, rules))).toBe('400 invalid_range');
    expect(code(() => checkRange(T, T, rules))).toBe('400 invalid_range');
    expect(code(() => checkRange(T + 60_000, T + 120_000, rules))).toBe('400 range_in_future');
    expect(code(() => checkRange(T - 60_000, T + 60_000, rules))).toBe('400 range_in_future');
    expect(code(() => checkRange(T - 7200_000, T, rules))).toBe('400 range_too_long');
  });
});
