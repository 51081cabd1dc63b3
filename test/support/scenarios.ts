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
import { TAMPER_HOLD_SECONDS } from '../../server/analytics/tamper.ts';
import { RECIPES as RECIPES_BASE } from './scenario-recipes.ts';
import { RECIPES_H } from './scenario-recipes-h.ts';

const RECIPES = [...RECIPES_BASE, ...RECIPES_H];

export { RECIPES };

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

/**
 * Synthetic non-COCO obstructions (issue H point 2): made with ffmpeg's lavfi (no asset), each a
 * source + filter chain rendered to one PNG. YOLOX-Nano has no class for them: only the exit zone's
 * "clear reference" comparison can see them.
 */
export const SHAPES = {
  /** two stacked brown cartons with tape and a darker seam */
  cartons: 'color=c=0x9a7548:s=96x104,noise=alls=18:allf=u,drawbox=x=0:y=50:w=96:h=5:color=0x4e3722:t=fill,drawbox=x=44:y=0:w=9:h=104:color=0xcdb98f:t=fill,drawbox=x=0:y=0:w=96:h=104:color=0x3f2c1a:t=3',
  /** a grey metal trolley-like box: light frame, dark load, handle bar */
  trolley: 'color=c=0x3a3d44:s=84x92,noise=alls=14:allf=u,drawbox=x=0:y=0:w=84:h=92:color=0xb8bcc4:t=5,drawbox=x=0:y=30:w=84:h=4:color=0xb8bcc4:t=fill,drawbox=x=0:y=62:w=84:h=4:color=0xb8bcc4:t=fill',
  /** a light striped mattress lying flat */
  mattress: 'color=c=0xd9dde6:s=150x58,noise=alls=10:allf=u,drawgrid=w=150:h=12:t=3:color=0x8090b0,drawbox=x=0:y=0:w=150:h=58:color=0x6a7488:t=3',
} as const;
export type ShapeName = keyof typeof SHAPES;

export interface Paste {
  crop: keyof typeof CROPS | ShapeName;
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
  /**
   * filter chain applied to the whole composite picture (light changes, night grey/noise, tamper:
   * cover, blur, a shifted view), e.g. "eq=brightness='-0.3*gte(t,10)'"; `t` is clip seconds
   */
  post?: string;
  /** analyse with camera-tamper detection on (its alarms are type camera_tamper, zone TAMPER_ZONE) */
  tamper?: boolean;
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
  category: string;
  tamper: boolean;
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

async function cropPng(name: keyof typeof CROPS | ShapeName, dir: string): Promise<string> {
  if (name in SHAPES) {
    const spec = SHAPES[name as ShapeName];
    const out = join(dir, `shape-${name}-${createHash('sha256').update(spec).digest('hex').slice(0, 8)}.png`);
    if (existsSync(out)) return out;
    const tmp = `${out}.${process.pid}.png`;
    await run(['-f', 'lavfi', '-i', spec, '-frames:v', '1', tmp]);
    renameSync(tmp, out);
    return out;
  }
  const c = CROPS[name as keyof typeof CROPS];
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
  // synthetic shapes count only for the recipes that use them (the older clips keep their hashes)
  const used = [...new Set(r.pastes.map((p) => p.crop).filter((c): c is ShapeName => c in SHAPES))];
  const shapes = used.length ? { shapes: Object.fromEntries(used.map((u) => [u, SHAPES[u]])) } : {};
  const h = createHash('sha256').update(JSON.stringify({ VERSION, r, crops: CROPS, vtest: statSync(VTEST).size, ...shapes }));
  return h.digest('hex').slice(0, 12);
}

/** Build (or reuse) one scenario clip with its zones.json and ground truth. */
export async function ensureScenario(recipe: Recipe): Promise<Scenario> {
  const dir = join(CACHE, `${recipe.name}-${hash(recipe)}`);
  const video = join(dir, 'clip.mp4');
  const zonesPath = join(dir, 'zones.json');
  const dwell = new Map(recipe.zones.map((z) => [z.name, z.dwellSeconds ?? (z.kind === 'loitering' ? 60 : 30)]));
  const truth = recipe.truth.map((t) => ({ ...t, dwellSeconds: t.type === 'camera_tamper' ? TAMPER_HOLD_SECONDS : dwell.get(t.zone)! }));
  const scenario = { name: recipe.name, category: recipe.category ?? 'basic', tamper: recipe.tamper ?? false, video, zonesPath, zones: recipe.zones, truth, duration: recipe.to - recipe.from };
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
  let last = `[b${recipe.pastes.length}]`;
  if (recipe.post) {
    graph.push(`${last}${recipe.post}[post]`);
    last = '[post]';
  }
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
