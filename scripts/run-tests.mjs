#!/usr/bin/env node
/**
 * `npm test` after the type check and the linter: the vitest projects in two processes at once.
 *
 *   - unit, then integration (one file at a time: they start real media pipelines);
 *   - e2e (one file at a time: a real server and Debian's Chromium each), then the three longest integration files
 *     (SECOND below), so the two processes end at about the same time.
 *
 * Vitest puts every project that runs one file at a time into ONE sequential group, so integration and e2e
 * files never overlapped: ~18 min of mostly waiting (segments being written, cameras timing out, a browser
 * polling). Two processes keep each project sequential and let one integration file and one e2e file run
 * side by side on the two cores. Output lines are prefixed with the process they come from; the exit code
 * is non-zero when either fails, and the summary names which.
 *
 * With arguments (`npm test -- test/unit/store.test.ts`), they go to a single `vitest run` as before.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);

// Each failed test's name and first error line, printed again after both processes finished, just above the
// summary: CI logs are often read from their last lines, and the e2e process usually ends first.
const RECAP_LINES = 12;
const recaps = new Map();
// eslint-disable-next-line no-control-regex -- ANSI colour codes are what this removes
const plain = (l) => l.replace(/\x1b\[[0-9;]*m/g, '');
function collect(label, line) {
  const text = plain(line).trimEnd();
  let r = recaps.get(label);
  if (!r) recaps.set(label, (r = { inReport: false, wantError: false, lines: [] }));
  if (/^FLAKY \(passed on retry/.test(text) && r.lines.length < RECAP_LINES) r.lines.push(text.slice(0, 400));
  if (/⎯+ Failed (Tests|Suites) \d+ ⎯+/.test(text)) r.inReport = true;
  else if (/^\s*Test Files\s/.test(text)) r.inReport = false;
  if (!r.inReport || r.lines.length >= RECAP_LINES) return;
  if (/^\s*FAIL\s/.test(text)) {
    r.lines.push(text.trim());
    r.wantError = true;
  } else if (r.wantError && /\S/.test(text)) {
    r.lines.push(`    ${text.trim().slice(0, 300)}`);
    r.wantError = false;
  }
}

function run(label, vitestArgs, env = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [vitest, 'run', ...vitestArgs], {
      cwd: root,
      stdio: label ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') },
    });
    if (label) {
      for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
        let rest = '';
        stream.setEncoding('utf8');
        stream.on('data', (s) => {
          const lines = (rest + s).split('\n');
          rest = lines.pop() ?? '';
          for (const l of lines) {
            out.write(`[${label}] ${l}\n`);
            collect(label, l);
          }
        });
        stream.on('end', () => rest && out.write(`[${label}] ${rest}\n`));
      }
    }
    child.on('close', (code, signal) => resolve({ label, code: code ?? (signal ? 1 : 0), seconds: Math.round((Date.now() - t0) / 1000) }));
    child.on('error', (e) => {
      process.stderr.write(`[${label}] cannot start vitest: ${e.message}\n`);
      resolve({ label, code: 1, seconds: 0 });
    });
  });
}

if (args.length) {
  const r = await run('', args);
  process.exit(r.code);
}

// WATCHPOST_TESTS_SIDE_BY_SIDE: CPU-bound tests (the detection evaluation) leave a core to the other process
const side = { WATCHPOST_TESTS_SIDE_BY_SIDE: '1' };
// The longest integration files run in the e2e process after the browser tests, so both processes take about as
// long (measured 2026-12-04: unit+integration ~1000 s, e2e ~430 s; these three ~300 s of the first).
const SECOND = ['test/integration/analytics-eval.test.ts', 'test/integration/mqtt-outbox-link-cut.test.ts', 'test/integration/media.test.ts'];
const first = ['--project', 'unit', '--project', 'integration', ...SECOND.flatMap((f) => ['--exclude', f])];
const results = (
  await Promise.all([
    run('unit+integration', first, side).then((r) => [r]),
    run('e2e', ['--project', 'e2e'], side).then(async (r) => [r, await run('integration 2', ['--project', 'integration', ...SECOND], side)]),
  ])
).flat();
for (const r of results) {
  const lines = recaps.get(r.label)?.lines ?? [];
  if (lines.length) process.stdout.write(`\n== failures and retries of ${r.label} (again, from its report above):\n${lines.join('\n')}\n`);
}
for (const r of results) process.stdout.write(`${r.code === 0 ? 'passed' : 'FAILED'}: ${r.label} (${r.seconds} s)\n`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
