import { describe, expect, it } from 'vitest';
import { scoreAlarms, type TruthEvent } from '../../server/analytics/evaluate.ts';

const truth: TruthEvent[] = [
  { type: 'loitering', zone: 'a', start: 2, end: 20, dwellSeconds: 10 },
  { type: 'blocked_exit', zone: 'b', start: 5, end: 30, dwellSeconds: 8 },
];

describe('scoreAlarms', () => {
  it('matches by type, zone and time; extra alarms for one episode are false positives', () => {
    const r = scoreAlarms(truth, [
      { type: 'loitering', zone: 'a', start: 12.4, end: 20 },
      { type: 'loitering', zone: 'a', start: 15, end: 18 },
      { type: 'blocked_exit', zone: 'a', start: 14, end: 20 },
    ]);
    expect([r.truePositives, r.falsePositives, r.falseNegatives]).toEqual([1, 2, 1]);
    expect(r.precision).toBeCloseTo(1 / 3);
    expect(r.recall).toBe(0.5);
    expect(r.delays[0]).toBeCloseTo(0.4);
  });

  it('an alarm long before start + dwell does not count', () => {
    const r = scoreAlarms([truth[0]!], [{ type: 'loitering', zone: 'a', start: 3, end: 7 }]);
    expect(r.truePositives).toBe(0);
  });

  it('empty sets are perfect', () => {
    expect(scoreAlarms([], [])).toMatchObject({ precision: 1, recall: 1, meanDelay: undefined });
  });
});
