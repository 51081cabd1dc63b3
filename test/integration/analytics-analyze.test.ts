import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureScenario, RECIPES, REPO_ROOT, type Scenario } from '../support/scenarios.ts';

const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const SCRIPT = join(REPO_ROOT, 'scripts/analyze.ts');

function analyze(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.WATCHPOST_LOG_LEVEL; // the CLI must keep stdout clean by itself
    const child = spawn(TSX, [SCRIPT, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run analyze (scripts/analyze.ts)', () => {
  let sc: Scenario;
  let dir: string;
  beforeAll(async () => {
    sc = await ensureScenario(RECIPES.find((r) => r.name === 'chair-and-loiter')!);
    dir = mkdtempSync(join(tmpdir(), 'wp-analyze-'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON line per alarm, in video time, and nothing else on stdout', async () => {
    const r = await analyze([sc.video, '--zones', sc.zonesPath, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const alarms = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const a of alarms) expect(Object.keys(a).sort()).toEqual(['end', 'start', 'type', 'zone']);
    const byType = Object.fromEntries(alarms.map((a) => [a.type, a]));
    expect(alarms).toHaveLength(2);
    // chair in the exit 4–20 s (dwell 8), person on the lawn 6–22 s (dwell 10)
    expect(byType.blocked_exit).toMatchObject({ zone: 'exit-door' });
    expect(byType.blocked_exit!.start).toBeGreaterThanOrEqual(11);
    expect(byType.blocked_exit!.start).toBeLessThanOrEqual(15);
    expect(byType.blocked_exit!.end).toBeGreaterThanOrEqual(18);
    expect(byType.blocked_exit!.end).toBeLessThanOrEqual(21);
    expect(byType.loitering).toMatchObject({ zone: 'lawn' });
    expect(byType.loitering!.start).toBeGreaterThanOrEqual(15);
    expect(byType.loitering!.start).toBeLessThanOrEqual(18);
    expect(byType.loitering!.end).toBeGreaterThanOrEqual(20);
    expect(byType.loitering!.end).toBeLessThanOrEqual(23);
    expect(r.stderr).toMatch(/frames\/s/);
  }, 60_000);

  it('bad input exits 2 with a message on stderr', async () => {
    const bad = join(dir, 'bowtie.json');
    writeFileSync(bad, JSON.stringify({ zones: [{ name: 'x', kind: 'exit', polygon: [[0, 0], [1, 1], [1, 0], [0, 1]] }] }));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"zones": [');
    const cases: [string[], RegExp][] = [
      [[join(dir, 'nope.mp4'), '--zones', sc.zonesPath, '--json'], /video not found/],
      [[sc.video, '--zones', broken, '--json'], /not valid JSON/],
      [[sc.video, '--zones', bad, '--json'], /zones\[0\]\.polygon: .*self-intersecting/],
      [[sc.video, '--json'], /--zones ZONES\.json is required/],
    ];
    const results = await Promise.all(cases.map(([args]) => analyze(args)));
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(cases[i]![1]);
    });
  }, 60_000);
});
