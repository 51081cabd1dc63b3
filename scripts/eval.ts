/**
 * Evaluation: build the scenario clips (test/support/scenarios.ts, cached in .cache/scenarios),
 * run the same pipeline as `npm run analyze` on each, and score alarms against ground truth:
 * event-level precision, recall and detection delay (alarm start − (event start + dwell)).
 *
 *   npm run eval                       # at 5 and 2 fps: per rate a table (per scenario, per category, total)
 *                                      # on stdout, then one JSON line with the totals and categories
 *   npm run eval -- --fps 2 --only exit-van,walk-through --json
 *   npm run eval -- --workers 0          # in process, one clip at a time (default 2 detector threads, 2 clips at once)
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Detector } from '../server/analytics/detector.ts';
import { scoreAlarms, type AlarmLine, type EvalResult, type TruthEvent } from '../server/analytics/evaluate.ts';
import { analyzeVideo } from '../server/analytics/pipeline.ts';
import { ensureScenarios, type Scenario } from '../test/support/scenarios.ts';

export interface ScenarioResult {
  name: string;
  category: string;
  alarms: AlarmLine[];
  result: EvalResult;
  frames: number;
  wallMs: number;
}

type Totals = Omit<EvalResult, 'matches' | 'unmatched'>;

export interface EvalSummary {
  fps: number;
  scenarios: ScenarioResult[];
  total: Totals;
  /** per scenario category (basic, static, pacing, obstruction, light, night, tamper) */
  categories: Record<string, Totals>;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

export async function runEval(detector: Detector, opts: { fps?: number; only?: string[]; concurrency?: number } = {}): Promise<EvalSummary> {
  const fps = opts.fps ?? 5;
  const scenarios: Scenario[] = await ensureScenarios(opts.only);
  const out: ScenarioResult[] = [];
  const pool = new Map<string, { truth: TruthEvent[]; alarms: AlarmLine[] }>();
  const add = (key: string, truth: TruthEvent[], alarms: AlarmLine[]) => {
    const p = pool.get(key) ?? { truth: [], alarms: [] };
    p.truth.push(...truth);
    p.alarms.push(...alarms);
    pool.set(key, p);
  };
  // clips are independent (one analyzer each): as many at once as the detector analyses frames at once
  // (its worker threads), in clip order in the results
  const runs = new Array<Promise<Awaited<ReturnType<typeof analyzeVideo>>>>(scenarios.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < scenarios.length; i = next++) {
      const s = scenarios[i]!;
      runs[i] = analyzeVideo(s.video, s.zones, detector, { fps, tamper: s.tamper });
      await runs[i]!.catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? detector.parallelism, scenarios.length)) }, lane));
  for (const [i, s] of scenarios.entries()) {
    const res = await runs[i]!;
    const alarms = res.alarms.map((a) => ({ type: a.type, zone: a.zone, start: r2(a.start), end: r2(a.end ?? a.start) }));
    out.push({ name: s.name, category: s.category, alarms, result: scoreAlarms(s.truth, alarms), frames: res.frames, wallMs: res.wallMs });
    // zone names are unique per scenario only: prefix them for the totals
    const truth = s.truth.map((t) => ({ ...t, zone: `${s.name}/${t.zone}` }));
    const lines = alarms.map((a) => ({ ...a, zone: `${s.name}/${a.zone}` }));
    add('', truth, lines);
    add(s.category, truth, lines);
  }
  const totals = (k: string): Totals => {
    const { matches: _m, unmatched: _u, ...t } = scoreAlarms(pool.get(k)!.truth, pool.get(k)!.alarms);
    return t;
  };
  const categories = Object.fromEntries([...pool.keys()].filter((k) => k).map((k) => [k, totals(k)]));
  return { fps, scenarios: out, total: totals(''), categories };
}

export function formatTable(s: EvalSummary): string {
  const rows = [['scenario', 'category', 'truth', 'alarms', 'TP', 'FP', 'FN', 'delay s', 'frames/s']];
  for (const r of s.scenarios) {
    const x = r.result;
    rows.push([
      r.name,
      r.category,
      String(x.matches.length),
      String(r.alarms.length),
      String(x.truePositives),
      String(x.falsePositives),
      String(x.falseNegatives),
      x.delays.map((d) => d.toFixed(1)).join(',') || '-',
      ((r.frames * 1000) / r.wallMs).toFixed(1),
    ]);
  }
  const t = s.total;
  for (const [k, c] of Object.entries(s.categories)) {
    rows.push([`category ${k}`, `P ${c.precision.toFixed(2)} R ${c.recall.toFixed(2)}`, '', '', String(c.truePositives), String(c.falsePositives), String(c.falseNegatives), c.meanDelay === undefined ? '-' : `mean ${c.meanDelay.toFixed(1)} max ${c.maxDelay!.toFixed(1)}`, '']);
  }
  rows.push(['TOTAL', '', '', '', String(t.truePositives), String(t.falsePositives), String(t.falseNegatives), t.meanDelay === undefined ? '-' : `mean ${t.meanDelay.toFixed(1)}`, '']);
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
  lines.splice(1, 0, w.map((n) => '-'.repeat(n)).join('  '));
  lines.push(`precision ${t.precision.toFixed(2)}  recall ${t.recall.toFixed(2)}  delay mean ${t.meanDelay?.toFixed(2) ?? '-'} s, max ${t.maxDelay?.toFixed(2) ?? '-'} s (at ${s.fps} fps)`);
  for (const r of s.scenarios) for (const a of r.alarms) lines.push(`  ${r.name}: ${a.type} ${a.zone} ${a.start}–${a.end} s`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { fps: { type: 'string' }, only: { type: 'string' }, json: { type: 'boolean', default: false }, workers: { type: 'string', default: '2' } },
  });
  process.env.WATCHPOST_LOG_LEVEL ??= 'warn';
  // --workers N: detector threads, and clips analysed at once (default 2: one per core); 0 = in process, one clip at a time
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 8) throw new Error(`--workers must be an integer 0–8, got "${values.workers}"`);
  const { Detector } = await import('../server/analytics/detector.ts');
  const { DetectorWorker } = await import('../server/analytics/detector-worker.ts');
  const detector = workers === 0 ? await Detector.load() : await DetectorWorker.start({ workers });
  // default: both rates (5 fps for files, 2 fps as live); one table and one JSON line each
  for (const fps of values.fps ? [Number(values.fps)] : [5, 2]) {
    const summary = await runEval(detector, { fps, only: values.only?.split(',') });
    if (!values.json) process.stdout.write(formatTable(summary) + '\n\n');
    const json = {
      fps: summary.fps,
      ...summary.total,
      categories: summary.categories,
      scenarios: summary.scenarios.map((r) => ({ name: r.name, alarms: r.alarms, tp: r.result.truePositives, fp: r.result.falsePositives, fn: r.result.falseNegatives, delays: r.result.delays })),
    };
    process.stdout.write(JSON.stringify(json) + '\n');
  }
  await detector.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`eval: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
