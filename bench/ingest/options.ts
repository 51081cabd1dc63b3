/** Command-line options of `npm run bench:ingest`. */
import type { PathName } from './hls-config.ts';

export interface Options {
  cameras: number[];
  /** GOP lengths, seconds */
  gops: number[];
  paths: PathName[];
  /** hls.js overrides of the llx path */
  llx?: Record<string, number | boolean>;
  /** measurement window per configuration, seconds */
  seconds: number;
  /** playing time before the window (hls.js settles at its target latency) */
  settle: number;
  /** CPU window with no player before each camera count's paths (the ingest cost), 0 = none */
  idleSeconds: number;
  /** 0 = no stall run; else minutes of a stall run with stallCameras on LL-HLS, first GOP */
  stallMinutes: number;
  stallCameras: number;
  /** the path of the stall run (ll: the console's; llhttp: the same LL-HLS over plain HTTP) */
  stallPath: 'll' | 'llhttp';
  onlyStall: boolean;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  verbose: boolean;
  /** CPU profile of Chromium over each window (profile.ts) */
  profile: boolean;
  /** read the clock off 1 of every N presented frames per tile */
  readback: number;
  /** the old page: every request routed through Playwright (see players.ts openPage) */
  intercept: boolean;
}

export const HELP = `usage: npm run bench:ingest -- [options]
  --cameras 1,4,16      camera counts (tiles playing at once)
  --gops 1,2            GOP lengths in seconds (one clock source per GOP)
  --paths ll,plain      ll = LL-HLS (index.m3u8?ll=1, the console today: over the live multiplex /hls-mux),
                        llhttp = the same LL-HLS over plain HTTP/1.1 with the reload timing (before the multiplex),
                        plain = the previous plain-HLS path,
                        llx = LL-HLS with the hls.js overrides of --llx (an experiment beside today's config)
  --llx '{"k":v}'       hls.js config overrides of the llx path (JSON object of numbers/booleans)
  --seconds 30          measurement window per configuration
  --settle 8            seconds of playing before the window
  --idle-seconds 15     per camera count, a CPU/RSS window with no player first (the ingest cost); 0 = skip
  --stall-minutes 0     after the matrix, a stall run this long: --stall-cameras tiles on LL-HLS, first GOP
  --stall-cameras 16
  --stall-path ll        ll (the console: over the live multiplex) or llhttp (LL-HLS over plain HTTP)
  --only-stall          skip the matrix (with --stall-minutes)
  --size 640x360        clock source picture size
  --fps 25              clock source frame rate
  --bitrate 1000        clock source bitrate, kbit/s
  --verbose             print the server's output
  --profile             per window: Chromium CPU by thread + a main-thread JS profile by source (CDP), printed
                        and in the JSON; loads hls.js' unminified build for readable names
  --readback 1          read the clock off 1 of every N presented frames per tile (the read-back is the
                        bench's own CPU cost; g2g then pools the sampled frames)
  --intercept           route every page request through Playwright (the bench before 2026-12-04; costs
                        Chromium's browser process CPU per request, see docs/benchmarks.md)
Default: 1,4,16 cameras × 1 s, 2 s GOP × LL-HLS, plain HLS = 12 configurations, ~12 min, no stall run.
`;

const FLAGS = ['only-stall', 'verbose', 'profile', 'intercept'];

function parseList(name: string, raw: string, ok: (n: number) => boolean): number[] {
  const out = raw.split(',').map((s) => Number(s.trim()));
  if (!out.length || out.some((n) => !ok(n))) throw new Error(`--${name}: bad list "${raw}"`);
  return out;
}

export function parseOptions(argv: string[]): Options {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"\n${HELP}`);
    const eq = a.indexOf('=');
    if (eq > 0) args.set(a.slice(2, eq), a.slice(eq + 1));
    else if (FLAGS.includes(a.slice(2))) args.set(a.slice(2), '1');
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      args.set(a.slice(2), v);
    }
  }
  const known = ['llx', 'cameras', 'gops', 'paths', 'seconds', 'settle', 'idle-seconds', 'stall-minutes', 'stall-cameras', 'stall-path', 'size', 'fps', 'bitrate', 'readback', ...FLAGS];
  for (const k of args.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k}\n${HELP}`);
  const num = (k: string, def: number, min: number) => {
    const v = args.get(k);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${k}: expected a number ≥ ${min}, got "${v}"`);
    return n;
  };
  const paths = (args.get('paths') ?? 'll,plain').split(',').map((s) => s.trim());
  if (!paths.length || paths.some((p) => p !== 'll' && p !== 'llhttp' && p !== 'plain' && p !== 'llx')) throw new Error(`--paths: expected ll, llhttp, plain and/or llx, got "${args.get('paths')}"`);
  const llxRaw = args.get('llx');
  if (paths.includes('llx') !== (llxRaw !== undefined)) throw new Error('--paths llx and --llx go together');
  let llx: Record<string, number | boolean> | undefined;
  if (llxRaw !== undefined) {
    try {
      llx = JSON.parse(llxRaw) as Record<string, number | boolean>;
    } catch {
      throw new Error(`--llx: not JSON: ${llxRaw}`);
    }
    if (!llx || typeof llx !== 'object' || Array.isArray(llx) || Object.values(llx).some((v) => typeof v !== 'number' && typeof v !== 'boolean')) throw new Error('--llx: expected a JSON object of numbers and booleans');
  }
  const size = /^(\d+)x(\d+)$/.exec(args.get('size') ?? '640x360');
  if (!size) throw new Error(`--size: expected WxH, got "${args.get('size')}"`);
  const width = Number(size[1]);
  if (width % 20 || width < 160) throw new Error('--size: width must be a multiple of 20 and ≥ 160 (the clock has 20 columns)');
  const o: Options = {
    cameras: parseList('cameras', args.get('cameras') ?? '1,4,16', (n) => Number.isInteger(n) && n >= 1 && n <= 64),
    gops: parseList('gops', args.get('gops') ?? '1,2', (n) => n > 0 && n <= 10),
    paths: paths as PathName[],
    llx,
    seconds: num('seconds', 30, 5),
    settle: num('settle', 8, 0),
    idleSeconds: num('idle-seconds', 15, 0),
    stallMinutes: num('stall-minutes', 0, 0),
    stallCameras: num('stall-cameras', 16, 1),
    stallPath: args.get('stall-path') === 'llhttp' ? 'llhttp' : 'll',
    onlyStall: args.has('only-stall'),
    width,
    height: Number(size[2]),
    fps: num('fps', 25, 1),
    bitrateKbps: num('bitrate', 1000, 100),
    verbose: args.has('verbose'),
    profile: args.has('profile'),
    readback: num('readback', 1, 1),
    intercept: args.has('intercept'),
  };
  if (args.has('stall-path') && !['ll', 'llhttp'].includes(args.get('stall-path')!)) throw new Error(`--stall-path: expected ll or llhttp, got "${args.get('stall-path')}"`);
  if (o.onlyStall && !o.stallMinutes) throw new Error('--only-stall needs --stall-minutes');
  return o;
}
