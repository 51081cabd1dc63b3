/**
 * Scenario clips with known ground truth, made from the real pedestrian footage with ffmpeg:
 * a person cut from a vtest frame pasted into a zone for a known interval (loitering), a real
 * object pasted into an exit zone (the white van from the same footage = a parked vehicle in a fire
 * lane; a chair from the COCO living-room photo), and a clip where people only walk through.
 * The pasted person/objects drift a few pixels (sin) so they are not frozen pixels.
 *
 * Cached in .cache/scenarios/<name>-<hash>/ (clip.mp4, zones.json, truth.json); the hash covers
 * the recipe, so editing a recipe makes a new clip. Clips: H.264 10 fps, 1 s GOP, 768×576.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TruthEvent } from '../../server/analytics/evaluate.ts';
import type { Zone } from '../../server/analytics/zones.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const VTEST = join(REPO_ROOT, 'assets/media/vtest.avi');
export const COCO_139 = join(REPO_ROOT, 'assets/images/coco_000000000139.jpg');
const CACHE = join(REPO_ROOT, '.cache/scenarios');
const VERSION = 1;

export interface Crop {
  /** vtest frame number (selected by n, i.e. decode order) or the COCO living-room photo */
  source: { vtestFrame: number } | 'coco139';
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Source pixel crops (768×576 vtest / 640×426 COCO), each checked to be detected by YOLOX-Nano. */
export const CROPS = {
  /** man in a dark jacket, vtest frame 204 (t = 20.4 s) */
  person: { source: { vtestFrame: 204 }, x: 628, y: 272, w: 68, h: 116 },
  /** the white van parked top right, vtest frame 0 */
  van: { source: { vtestFrame: 0 }, x: 648, y: 40, w: 80, h: 62 },
  /** wooden chair (with a bit of the table) from COCO 139 */
  chair: { source: 'coco139', x: 370, y: 212, w: 76, h: 108 },
} satisfies Record<string, Crop>;

export interface Paste {
  crop: keyof typeof CROPS;
  /** top-left in the 768×576 frame */
  x: number;
  y: number;
  scale?: number;
  /** clip seconds during which it is visible */
  from: number;
  to: number;
  /** drift amplitude in px (x, y) */
  jitter?: [number, number];
  /** walking path: [clip seconds, x, y] waypoints, linear in between (replaces x/y; before the first / after the last it stays) */
  path?: [number, number, number][];
  /** clip-second intervals during which it is hidden (occluded) */
  hidden?: [number, number][];
}

export interface Recipe {
  name: string;
  /** scenario category for per-category scoring (e.g. 'static', 'pacing', 'night'); default 'basic' */
  category?: string;
  /** segment of vtest.avi, seconds (with `loops`, of vtest played that many times back to back) */
  from: number;
  to: number;
  /** play vtest.avi this many times in a row (for clips longer than its 79 s); default 1 */
  loops?: number;
  pastes: Paste[];
  zones: Zone[];
  /** ground truth; dwellSeconds comes from the zone */
  truth: Omit<TruthEvent, 'dwellSeconds'>[];
}

const rect = (x1: number, y1: number, x2: number, y2: number): [number, number][] => [
  [x1, y1],
  [x2, y1],
  [x2, y2],
  [x1, y2],
];

export const RECIPES: Recipe[] = [
  {
    name: 'loiter-walkway',
    from: 20,
    to: 44,
    pastes: [{ crop: 'person', x: 600, y: 320, from: 2, to: 20, jitter: [8, 4] }],
    zones: [{ name: 'walkway', kind: 'loitering', polygon: rect(0.7, 0.62, 0.96, 0.86), dwellSeconds: 10 }],
    truth: [{ type: 'loitering', zone: 'walkway', start: 2, end: 20 }],
  },
  {
    name: 'exit-van',
    from: 0,
    to: 24,
    pastes: [{ crop: 'van', x: 80, y: 160, scale: 1.5, from: 3, to: 21, jitter: [1, 1] }],
    zones: [
      { name: 'fire-lane', kind: 'exit', polygon: [[0.08, 0.26], [0.31, 0.24], [0.31, 0.47], [0.08, 0.48]], dwellSeconds: 8 },
    ],
    truth: [{ type: 'blocked_exit', zone: 'fire-lane', start: 3, end: 21 }],
  },
  {
    name: 'chair-and-loiter',
    from: 48,
    to: 72,
    pastes: [
      { crop: 'chair', x: 420, y: 320, from: 4, to: 20, jitter: [1, 1] },
      { crop: 'person', x: 40, y: 400, from: 6, to: 22, jitter: [6, 3] },
    ],
    zones: [
      { name: 'exit-door', kind: 'exit', polygon: rect(0.51, 0.52, 0.73, 0.84), dwellSeconds: 8 },
      { name: 'lawn', kind: 'loitering', polygon: [[0.02, 0.74], [0.24, 0.76], [0.22, 0.99], [0.02, 0.99]], dwellSeconds: 10 },
    ],
    truth: [
      { type: 'blocked_exit', zone: 'exit-door', start: 4, end: 20 },
      { type: 'loitering', zone: 'lawn', start: 6, end: 22 },
    ],
  },
  {
    // one episode with a 1.5 s gap (person hidden): must stay one alarm
    name: 'loiter-gap',
    from: 36,
    to: 60,
    pastes: [
      { crop: 'person', x: 40, y: 400, from: 2, to: 10, jitter: [6, 3] },
      { crop: 'person', x: 44, y: 402, from: 11.5, to: 22, jitter: [6, 3] },
    ],
    zones: [{ name: 'lawn', kind: 'loitering', polygon: [[0.02, 0.74], [0.24, 0.76], [0.22, 0.99], [0.02, 0.99]], dwellSeconds: 10 }],
    truth: [{ type: 'loitering', zone: 'lawn', start: 2, end: 22 }],
  },
  {
    // stays shorter than the dwell: a person for 6 s (dwell 10), the van for 5 s (dwell 8)
    name: 'short-stays',
    from: 54,
    to: 78,
    pastes: [
      { crop: 'person', x: 600, y: 320, from: 3, to: 9, jitter: [8, 4] },
      { crop: 'van', x: 80, y: 160, scale: 1.5, from: 12, to: 17, jitter: [1, 1] },
    ],
    zones: [
      { name: 'walkway', kind: 'loitering', polygon: rect(0.7, 0.62, 0.96, 0.86), dwellSeconds: 10 },
      { name: 'fire-lane', kind: 'exit', polygon: [[0.08, 0.26], [0.31, 0.24], [0.31, 0.47], [0.08, 0.48]], dwellSeconds: 8 },
    ],
    truth: [],
  },
  {
    name: 'walk-through',
    from: 30,
    to: 54,
    pastes: [],
    zones: [
      // a real passer-by lingers ~12 s in the crossing here (t 6–18): 15 s is past any walk-through
      { name: 'crossing', kind: 'loitering', polygon: rect(0.33, 0.3, 0.68, 0.58), dwellSeconds: 15 },
      { name: 'path', kind: 'exit', polygon: rect(0.52, 0.2, 0.92, 0.45), dwellSeconds: 8 },
    ],
    truth: [],
  },
  {
    // the real blue sign post on the upper-left lawn of vtest scores ~0.5–0.58 as a person in every
    // frame and never moves: a loitering zone drawn over it must stay silent
    name: 'static-post',
    category: 'static',
    from: 0,
    to: 40,
    pastes: [],
    zones: [{ name: 'post-lawn', kind: 'loitering', polygon: rect(0, 0.15, 0.1, 0.3), dwellSeconds: 10 }],
    truth: [],
  },
  {
    // a life-size poster / mannequin: a person picture that is there from the first frame and never
    // moves (scores like a real person); people walk past it
    name: 'static-mannequin',
    category: 'static',
    from: 30,
    to: 54,
    pastes: [{ crop: 'person', x: 600, y: 320, from: 0, to: 24 }],
    zones: [{ name: 'walkway', kind: 'loitering', polygon: rect(0.7, 0.62, 0.96, 0.86), dwellSeconds: 10 }],
    truth: [],
  },
  {
    // a person pacing up and down the lower lawn for 90 s (≈ 45 px/s, turning every 5 s; real
    // passers-by cross the lawn around t = 52–62 s); vtest is played twice for the length
    name: 'loiter-pacing',
    category: 'pacing',
    from: 0,
    to: 100,
    loops: 2,
    pastes: [{ crop: 'person', x: 40, y: 420, from: 5, to: 95, path: pacing(5, 95, 40, 260, 420, 5) }],
    zones: [{ name: 'lawn', kind: 'loitering', polygon: rect(0.02, 0.7, 0.48, 0.99), dwellSeconds: 30 }],
    truth: [{ type: 'loitering', zone: 'lawn', start: 5, end: 95 }],
  },
  {
    // a loiterer walking up and down the walkway (14 px/s), hidden for 3.5 s (behind a pillar)
    // after the alarm was raised, reappearing ~50 px further on: still one person, one alarm
    name: 'loiter-occluded',
    category: 'pacing',
    from: 20,
    to: 52,
    pastes: [
      { crop: 'person', x: 540, y: 320, from: 2, to: 30, path: [[2, 540, 320], [12, 680, 330], [22, 540, 320], [30, 640, 326]], hidden: [[15, 18.5]] },
    ],
    zones: [{ name: 'walkway', kind: 'loitering', polygon: rect(0.66, 0.6, 0.98, 0.88), dwellSeconds: 10 }],
    truth: [{ type: 'loitering', zone: 'walkway', start: 2, end: 30 }],
  },
];

/** Waypoints walking between x0 and x1 (at height y) and back, one leg every `leg` seconds. */
function pacing(from: number, to: number, x0: number, x1: number, y: number, leg: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let t = from, i = 0; t <= to; t += leg, i++) out.push([t, i % 2 ? x1 : x0, y]);
  return out;
}

/** ffmpeg expression (of t) for a piecewise-linear coordinate through the waypoints. */
function pathExpr(path: readonly [number, number, number][], k: 1 | 2): string {
  let e = String(path[path.length - 1]![k]);
  for (let i = path.length - 2; i >= 0; i--) {
    const [t0, t1] = [path[i]![0], path[i + 1]![0]];
    const [a, b] = [path[i]![k], path[i + 1]![k]];
    e = `if(lt(t,${t1}),${a}+(${b - a})*(t-${t0})/${t1 - t0},${e})`;
  }
  return `if(lt(t,${path[0]![0]}),${path[0]![k]},${e})`;
}

export interface Scenario {
  name: string;
  video: string;
  zonesPath: string;
  zones: Zone[];
  truth: TruthEvent[];
  duration: number;
}

function run(args: string[]): Promise<void> {
  return new Promise((res, rej) => {
    execFile(process.env.FFMPEG_PATH ?? 'ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 22 }, (err, _o, stderr) =>
      err ? rej(new Error(`ffmpeg failed: ${stderr || err.message}`)) : res(),
    );
  });
}

async function cropPng(name: keyof typeof CROPS, dir: string): Promise<string> {
  const c = CROPS[name];
  const out = join(dir, `${name}.png`);
  if (existsSync(out)) return out;
  const crop = `crop=${c.w}:${c.h}:${c.x}:${c.y}`;
  const tmp = `${out}.${process.pid}.png`;
  if (c.source === 'coco139') await run(['-i', COCO_139, '-vf', crop, '-frames:v', '1', tmp]);
  else await run(['-i', VTEST, '-vf', `select='eq(n\\,${c.source.vtestFrame})',${crop}`, '-frames:v', '1', tmp]);
  renameSync(tmp, out);
  return out;
}

function hash(r: Recipe): string {
  const h = createHash('sha256').update(JSON.stringify({ VERSION, r, crops: CROPS, vtest: statSync(VTEST).size }));
  return h.digest('hex').slice(0, 12);
}

/** Build (or reuse) one scenario clip with its zones.json and ground truth. */
export async function ensureScenario(recipe: Recipe): Promise<Scenario> {
  const dir = join(CACHE, `${recipe.name}-${hash(recipe)}`);
  const video = join(dir, 'clip.mp4');
  const zonesPath = join(dir, 'zones.json');
  const dwell = new Map(recipe.zones.map((z) => [z.name, z.dwellSeconds ?? (z.kind === 'loitering' ? 60 : 30)]));
  const truth = recipe.truth.map((t) => ({ ...t, dwellSeconds: dwell.get(t.zone)! }));
  const scenario = { name: recipe.name, video, zonesPath, zones: recipe.zones, truth, duration: recipe.to - recipe.from };
  if (existsSync(video) && existsSync(zonesPath)) return scenario;
  mkdirSync(dir, { recursive: true });
  const cropDir = join(CACHE, `crops-v${VERSION}`);
  mkdirSync(cropDir, { recursive: true });
  const inputs = [...(recipe.loops && recipe.loops > 1 ? ['-stream_loop', String(recipe.loops - 1)] : []), '-i', VTEST];
  const graph = [`[0:v]trim=start=${recipe.from}:end=${recipe.to},setpts=PTS-STARTPTS[b0]`];
  for (const [i, p] of recipe.pastes.entries()) {
    inputs.push('-loop', '1', '-framerate', '10', '-i', await cropPng(p.crop, cropDir));
    const [ax, ay] = p.jitter ?? [0, 0];
    const s = p.scale ?? 1;
    graph.push(`[${i + 1}:v]scale=trunc(iw*${s}/2)*2:-2[p${i}]`);
    const [px, py] = p.path ? [pathExpr(p.path, 1), pathExpr(p.path, 2)] : [String(p.x), String(p.y)];
    const shown = [`between(t,${p.from},${p.to})`, ...(p.hidden ?? []).map(([a, b]) => `not(between(t,${a},${b}))`)].join('*');
    graph.push(
      `[b${i}][p${i}]overlay=x='${px}+${ax}*sin(2*PI*t/6)':y='${py}+${ay}*sin(2*PI*t/9)'` +
        `:enable='${shown}':shortest=1[b${i + 1}]`,
    );
  }
  const last = `[b${recipe.pastes.length}]`;
  const tmp = join(dir, `clip.${process.pid}.mp4`);
  try {
    await run([
      ...inputs,
      '-filter_complex', graph.join(';'),
      '-map', last, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-g', '10', '-pix_fmt', 'yuv420p', '-r', '10',
      tmp,
    ]);
    writeFileSync(join(dir, 'truth.json'), JSON.stringify({ recipe, truth }, null, 2));
    writeFileSync(`${zonesPath}.${process.pid}`, JSON.stringify({ zones: recipe.zones }, null, 2));
    renameSync(`${zonesPath}.${process.pid}`, zonesPath);
    renameSync(tmp, video);
  } finally {
    rmSync(tmp, { force: true });
  }
  return scenario;
}

export async function ensureScenarios(names?: readonly string[]): Promise<Scenario[]> {
  const list = names ? RECIPES.filter((r) => names.includes(r.name)) : RECIPES;
  const out: Scenario[] = [];
  for (const r of list) out.push(await ensureScenario(r));
  return out;
}
