/**
 * `npm run bench:ingest` (issue I point 4): glass-to-glass latency in Chromium, LL-HLS against the previous
 * plain-HLS path, in one run, for 1 / 4 / 16 cameras and 1 s / 2 s GOPs; with the server's CPU per camera
 * and RSS in the same windows, and optionally a long stall run.
 *
 *   npm run bench:ingest                                   # 12 configurations, ~12 min
 *   npm run bench:ingest -- --cameras 1,4 --gops 1 --seconds 20
 *   npm run bench:ingest -- --only-stall --stall-minutes 10  # 16 tiles on LL-HLS for 10 min
 *
 * The camera is bench/clock/clock_server.py: every frame carries its capture time (Date ms) as 40
 * black/white blocks. All N cameras pull the same shared RTSP mount (one x264 encode). Chromium plays N
 * tiles with the console's hls.js configuration (hls-config.ts) and reads the clock off every presented
 * frame (page.ts). The 50-viewer fan-out check (ffmpeg CPU with 0 vs 50 LL-HLS viewers) is
 * `npm run bench:llhls` (bench/llhls-viewers.ts); see docs/benchmarks.md.
 */
import { REPO_ROOT } from '../../test/support/server.ts';
import { Cleanup } from '../cleanup.ts';
import { launchChromium } from '../../test/support/browser.ts';
import { checkLlConfig, setLlxOverrides } from './hls-config.ts';
import { log } from './log.ts';
import { parseOptions } from './options.ts';
import { VIEWPORT } from './players.ts';
import { table, writeJson } from './report.ts';
import { runMatrix, type ConfigResult } from './run.ts';

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  checkLlConfig(REPO_ROOT);
  if (o.llx) setLlxOverrides(o.llx);
  const cleanup = new Cleanup();
  cleanup.installSignalHandlers(log);
  const startedAt = new Date();
  log(`cameras ${o.cameras.join(',')}, GOPs ${o.gops.join(',')} s, paths ${o.paths.join(',')}, window ${o.seconds} s, settle ${o.settle} s` +
    (o.stallMinutes ? `, stall run ${o.stallMinutes} min × ${o.stallCameras}` : ''));
  let results: ConfigResult[] = [];
  try {
    const browser = await launchChromium([`--window-size=${VIEWPORT.width},${VIEWPORT.height}`]);
    cleanup.add('Chromium', () => browser.close());
    results = await runMatrix(o, browser, cleanup);
  } finally {
    await cleanup.runAll();
  }
  const file = writeJson(results, o, startedAt);
  process.stdout.write('\n' + table(results, o) + '\n\n');
  process.stdout.write(`results: ${file}\n`);
  return results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[bench] ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
