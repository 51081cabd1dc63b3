import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval, type EvalSummary } from '../../scripts/eval.ts';
import { Detector } from '../../server/analytics/detector.ts';
import { ensureScenarios } from '../support/scenarios.ts';

// Bars for the scenario set (10 clips, 7 true events; negatives: walk-through, short stays, a static
// sign post and a mannequin in loitering zones). Measured 1.00 / 1.00 at 5 and 2 fps (issue H).
const MIN_PRECISION = 0.9;
const MIN_RECALL = 0.9;
const MAX_MEAN_DELAY = 2.5;

describe('evaluation on the scenario clips', () => {
  let det: Detector;
  beforeAll(async () => {
    await ensureScenarios();
    det = await Detector.load();
  }, 180_000);
  afterAll(async () => {
    await det?.dispose();
  });

  for (const fps of [5, 2]) {
    it(`at ${fps} fps: precision ≥ ${MIN_PRECISION}, recall ≥ ${MIN_RECALL}; static look-alikes silent; one alarm per pacing or occluded loiterer`, async () => {
      const summary: EvalSummary = await runEval(det, { fps });
      const t = summary.total;
      const detail = JSON.stringify(summary.scenarios.map((s) => ({ name: s.name, alarms: s.alarms })));
      expect(t.precision, detail).toBeGreaterThanOrEqual(MIN_PRECISION);
      expect(t.recall, detail).toBeGreaterThanOrEqual(MIN_RECALL);
      expect(t.meanDelay!, detail).toBeLessThanOrEqual(MAX_MEAN_DELAY);
      const alarmsOf = (name: string) => summary.scenarios.find((s) => s.name === name)!.alarms;
      // negatives stay silent: people walking through, stays shorter than the dwell, a sign post that
      // scores ~0.55 as a person and a mannequin that scores like one, neither ever moving
      for (const name of ['walk-through', 'short-stays', 'static-post', 'static-mannequin']) expect(alarmsOf(name), name).toEqual([]);
      // one episode, one alarm, covering the stay
      const pacing = alarmsOf('loiter-pacing');
      expect(pacing, 'loiter-pacing').toHaveLength(1);
      expect(pacing[0]!.start).toBeLessThanOrEqual(37);
      expect(pacing[0]!.end).toBeGreaterThanOrEqual(93);
      const occluded = alarmsOf('loiter-occluded');
      expect(occluded, 'loiter-occluded').toHaveLength(1);
      expect(occluded[0]!.end).toBeGreaterThanOrEqual(28);
    }, 180_000);
  }
});
