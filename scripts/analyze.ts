/**
 * Offline analysis: run the detection pipeline over a video file as fast as the CPU allows.
 *
 *   npm run analyze -- VIDEO --zones ZONES.json [--json] [--fps 5] [--keyframes] [--threads 1] [--in-process]
 *
 * Inference runs in a detector worker thread (as in the server); --in-process keeps it on the main thread.
 *
 * ZONES.json: {"zones":[{"name":"door","kind":"loitering"|"exit","polygon":[[x,y],…],"dwellSeconds":n}]}
 * with x,y normalised 0..1. With --json, stdout carries only one line per alarm:
 *   {"type":"loitering"|"blocked_exit","zone":NAME,"start":SECONDS,"end":SECONDS}
 * (video time: start = when the alarm was raised, end = last time its condition held). Progress and
 * logs go to stderr. Exit codes: 0 ok, 2 bad input (missing file, bad JSON, invalid zone), 1 failure.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseZonesFile, type Zone } from '../server/analytics/zones.ts';

const USAGE = 'usage: npm run analyze -- VIDEO --zones ZONES.json [--json] [--fps N] [--keyframes] [--threads N] [--in-process]';

class InputError extends Error {}

interface Cli {
  video: string;
  zones: Zone[];
  json: boolean;
  fps: number;
  keyframes: boolean;
  threads: number;
  inProcess: boolean;
}

function parseCli(argv: string[]): Cli {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        zones: { type: 'string' },
        json: { type: 'boolean', default: false },
        fps: { type: 'string', default: '5' },
        keyframes: { type: 'boolean', default: false },
        threads: { type: 'string', default: '1' },
        'in-process': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new InputError(`${(e as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stderr.write(USAGE + '\n');
    process.exit(0);
  }
  if (positionals.length !== 1) throw new InputError(`expected exactly one VIDEO argument\n${USAGE}`);
  const video = positionals[0]!;
  if (!values.zones) throw new InputError(`--zones ZONES.json is required\n${USAGE}`);
  const fps = Number(values.fps);
  if (!(fps > 0 && fps <= 30)) throw new InputError(`--fps must be a number in (0, 30], got "${values.fps}"`);
  const threads = Number(values.threads);
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= 16)) throw new InputError(`--threads must be an integer 1..16`);
  try {
    accessSync(video, constants.R_OK);
    if (!statSync(video).isFile()) throw new Error('not a file');
  } catch {
    throw new InputError(`video not found or not readable: ${video}`);
  }
  let text: string;
  try {
    text = readFileSync(values.zones, 'utf8');
  } catch {
    throw new InputError(`zones file not found or not readable: ${values.zones}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`zones file ${values.zones} is not valid JSON: ${(e as Error).message}`);
  }
  let zones: Zone[];
  try {
    zones = parseZonesFile(raw);
  } catch (e) {
    throw new InputError(`${values.zones}: ${(e as Error).message}`);
  }
  if (zones.length === 0) throw new InputError(`${values.zones}: no zones defined`);
  return { video, zones, json: values.json, fps, keyframes: values.keyframes, threads, inProcess: values['in-process'] };
}

const r2 = (n: number) => Math.round(n * 100) / 100;

async function main(): Promise<number> {
  let cli: Cli;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`analyze: ${e.message}\n`);
    return 2;
  }
  // the structured logger writes info lines to stdout: keep stdout for results only
  process.env.WATCHPOST_LOG_LEVEL ??= 'warn';
  const { getDetector } = await import('../server/analytics/detector.ts');
  const { analyzeVideo } = await import('../server/analytics/pipeline.ts');
  const { FrameSourceError } = await import('../server/analytics/frames.ts');
  const detector = await getDetector({ intraOpNumThreads: cli.threads, workers: cli.inProcess ? 0 : 1 });
  const err = (s: string) => process.stderr.write(s + '\n');
  err(`analyze: ${cli.video}, ${cli.zones.length} zone(s), ${cli.fps} fps${cli.keyframes ? ' (key frames only)' : ''}`);
  const run = analyzeVideo(cli.video, cli.zones, detector, {
    fps: cli.fps,
    keyframesOnly: cli.keyframes,
    onAlarm: (a) => {
      const line = { type: a.type, zone: a.zone, start: r2(a.start), end: r2(a.end ?? a.start) };
      if (cli.json) process.stdout.write(JSON.stringify(line) + '\n');
      else process.stdout.write(`${line.type.padEnd(12)} ${line.zone.padEnd(16)} ${line.start.toFixed(1).padStart(7)} s → ${line.end.toFixed(1).padStart(7)} s  (score ${a.score.toFixed(2)}, tracks ${a.trackIds.join(',')})\n`);
    },
    onProgress: (t, n) => {
      if (process.stderr.isTTY) process.stderr.write(`\r  t=${t.toFixed(1)} s, ${n} frames`);
    },
  });
  let res: Awaited<typeof run>;
  try {
    res = await run;
  } catch (e) {
    if (e instanceof FrameSourceError && e.frames === 0) {
      err(`analyze: cannot decode video ${cli.video}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  const st = detector.stats;
  err(
    `analyze: ${res.frames} frames, ${res.duration.toFixed(1)} s of video in ${(res.wallMs / 1000).toFixed(1)} s ` +
      `(${((res.frames * 1000) / res.wallMs).toFixed(1)} frames/s; infer ${(st.inferMs / Math.max(1, st.runs)).toFixed(1)} ms/frame), ${res.alarms.length} alarm(s)`,
  );
  await detector.dispose();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`analyze: ${(e as Error).message ?? String(e)}\n`);
    process.exit(1);
  },
);
