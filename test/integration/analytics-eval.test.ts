import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval, type EvalSummary } from '../../scripts/eval.ts';
import type { Detector } from '../../server/analytics/detector.ts';
import { DetectorWorker } from '../../server/analytics/detector-worker.ts';
import { ensureScenarios } from '../support/scenarios.ts';

// Bars for the scenario set (23 clips, 14 true events; negatives: walk-through, short stays, a static
// sign post and a mannequin in loitering zones, a person standing in an exit, light changes, night
// footage, a person passing close to the lens). Measured 1.00 / 1.00 at 5 and 2 fps, delay max 2.0 s
// (issue H points 1–3, 2, 5, 6).
const MIN_PRECISION = 0.95;
const MIN_RECALL = 0.95;
const MAX_MEAN_DELAY = 2.5;
/** per category (obstruction, night, tamper…): the goal is 2 s; 0.5 s of margin */
const MAX_CATEGORY_DELAY = 2.5;

describe('evaluation on the scenario clips', () => {
  let det: Detector;
  beforeAll(async () => {
    await ensureScenarios();
    // two worker threads: two clips analysed at once (the results do not depend on it: one analyzer per clip);
    // one while the browser tests run beside this process (npm test, scripts/run-tests.mjs) so they keep a core
    det = await DetectorWorker.start({ workers: process.env.WATCHPOST_TESTS_SIDE_BY_SIDE ? 1 : 2 });
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

      // per category (issue H point 6)
      for (const cat of ['basic', 'static', 'pacing', 'obstruction', 'light', 'night', 'tamper']) {
        const c = summary.categories[cat]!;
        expect(c, cat).toBeDefined();
        expect(c.precision, `${cat} ${detail}`).toBeGreaterThanOrEqual(MIN_PRECISION);
        expect(c.recall, `${cat} ${detail}`).toBeGreaterThanOrEqual(MIN_RECALL);
        if (c.maxDelay !== undefined) expect(c.maxDelay, `${cat} ${detail}`).toBeLessThanOrEqual(MAX_CATEGORY_DELAY);
      }
      // cartons, a trolley-like box, a mattress (no COCO class: the exit zone's clear reference), by day
      // and in night grey: one blocked_exit each
      for (const name of ['carton-lane', 'trolley-yard', 'mattress-lane', 'night-cartons']) {
        expect(alarmsOf(name).map((a) => a.type), name).toEqual(['blocked_exit']);
      }
      // a person standing in the exit, light ramps, an exposure step, a day/night switch, night footage
      // with people and someone right in front of the lens for 4 s: silent (no blocked_exit, no tamper)
      for (const name of ['exit-person-standing', 'light-ramp', 'light-exposure-step', 'light-day-night', 'night-walk-through', 'tamper-close-pass']) {
        expect(alarmsOf(name), name).toEqual([]);
      }
      // covered, blurred, turned away: one camera_tamper each, after the 10 s hold
      for (const name of ['tamper-covered', 'tamper-blurred', 'tamper-turned']) {
        const a = alarmsOf(name);
        expect(a.map((x) => x.type), name).toEqual(['camera_tamper']);
        expect(a[0]!.start, name).toBeGreaterThanOrEqual(18);
      }
    }, 300_000);
  }
});
