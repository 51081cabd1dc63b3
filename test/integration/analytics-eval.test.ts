import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval, type EvalSummary } from '../../scripts/eval.ts';
import { Detector } from '../../server/analytics/detector.ts';
import { ensureScenarios } from '../support/scenarios.ts';

// Bars for the scenario set (6 clips × 24 s at 5 fps: 5 true events, 3 negative situations).
const MIN_PRECISION = 0.8;
const MIN_RECALL = 0.8;
const MAX_MEAN_DELAY = 2.5;

describe('evaluation on the scenario clips', () => {
  let det: Detector;
  let summary: EvalSummary;
  beforeAll(async () => {
    await ensureScenarios();
    det = await Detector.load();
  }, 180_000);
  afterAll(async () => {
    await det?.dispose();
  });

  it(`reaches precision ≥ ${MIN_PRECISION} and recall ≥ ${MIN_RECALL}`, async () => {
    summary = await runEval(det, { fps: 5 });
    const t = summary.total;
    const detail = JSON.stringify(summary.scenarios.map((s) => ({ name: s.name, alarms: s.alarms })));
    expect(t.precision, detail).toBeGreaterThanOrEqual(MIN_PRECISION);
    expect(t.recall, detail).toBeGreaterThanOrEqual(MIN_RECALL);
    expect(t.meanDelay!, detail).toBeLessThanOrEqual(MAX_MEAN_DELAY);
    // negatives stay silent: people walking through, stays shorter than the dwell
    for (const name of ['walk-through', 'short-stays']) expect(summary.scenarios.find((s) => s.name === name)!.alarms, name).toEqual([]);
  }, 120_000);
});
