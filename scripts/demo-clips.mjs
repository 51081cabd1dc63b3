#!/usr/bin/env node
/**
 * Prepares the 4 demo camera clips once, as H.264 MP4 in assets/demo/, from the pedestrian clip
 * assets/media/vtest.avi (installed by scripts/assets.mjs). The running demo then only
 * stream-copies them (looped with -stream_loop -1) instead of encoding 4 streams live.
 *
 * Each camera looks different: the clip is rotated in time (it starts N seconds in and wraps
 * around by concatenation, so the file still loops seamlessly and no -ss is needed at run time),
 * cropped/zoomed, mirrored, or turned into a grayscale "night" picture.
 *
 *   node scripts/demo-clips.mjs [--force] [--verify]
 *
 * Idempotent: assets/demo/.stamp.json records, per clip, the recipe hash (includes
 * RECIPE_VERSION), the source sha256 and the output's size+mtime. Uses the system ffmpeg/ffprobe (FFMPEG_PATH / FFPROBE_PATH or PATH).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ASSETS, sha256File } from './assets.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Bump when the encode changes in a way the recipe hash would not catch. */
export const RECIPE_VERSION = 1;
export const SOURCE = 'assets/media/vtest.avi';
export const OUT_DIR = 'assets/demo';
export const STAMP = 'assets/demo/.stamp.json';
const SOURCE_SHA256 = /** @type {string} */ (ASSETS.find((a) => a.path === SOURCE)?.sha256);
const FPS = 10;
const SOURCE_FRAMES = 795; // 79.5 s
export const DURATION_S = SOURCE_FRAMES / FPS;
const MAX_PARALLEL = 2;

/** libx264, 1 s GOP at 10 fps, so a looped stream-copy can start on any second. */
export const ENCODE_ARGS = [
  '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p',
  '-g', '10', '-keyint_min', '10', '-sc_threshold', '0',
  '-movflags', '+faststart', '-an',
];

/**
 * The clips. `startS` rotates the clip (it begins there and wraps around); `filter` is applied to
 * the rotated 768x576 picture and must produce even `width`x`height`.
 * Keep `file` in sync with server/demo/demo-cameras.ts.
 */
export const DEMO_CLIPS = [
  {
    id: 'demo-1',
    file: 'assets/demo/demo-1.mp4',
    look: 'full frame, as shot',
    startS: 0,
    filter: 'null',
    width: 768,
    height: 576,
  },
  {
    id: 'demo-2',
    file: 'assets/demo/demo-2.mp4',
    look: 'starts at 20 s, mirrored, right-hand 640x480 crop, cooler and dimmer',
    startS: 20,
    filter: 'crop=640:480:128:48,hflip,eq=brightness=-0.04:saturation=0.75,colorbalance=bs=0.06:rs=-0.04',
    width: 640,
    height: 480,
  },
  {
    id: 'demo-3',
    file: 'assets/demo/demo-3.mp4',
    look: 'starts at 40 s, 1.5x zoom on the centre-left, warmer',
    startS: 40,
    filter: 'crop=512:384:96:120,scale=768:576:flags=bicubic,colorbalance=rs=0.06:gs=0.02:bs=-0.06,unsharp=5:5:0.4',
    width: 768,
    height: 576,
  },
  {
    id: 'demo-4',
    file: 'assets/demo/demo-4.mp4',
    look: 'starts at 60 s, grayscale infrared "night" picture with vignette and sensor noise',
    startS: 60,
    filter: 'format=gray,eq=brightness=-0.06:contrast=1.3:gamma=0.9,vignette=PI/4.5,noise=alls=5:allf=t',
    width: 768,
    height: 576,
  },
];

export class DemoClipsError extends Error {}

export function ffmpegPath(env = process.env) {
  return env.FFMPEG_PATH || 'ffmpeg';
}

export function ffprobePath(env = process.env) {
  if (env.FFPROBE_PATH) return env.FFPROBE_PATH;
  if (env.FFMPEG_PATH) {
    const sibling = join(dirname(env.FFMPEG_PATH), 'ffprobe');
    if (existsSync(sibling)) return sibling;
  }
  return 'ffprobe';
}

function recipeHash(clip) {
  return createHash('sha256')
    .update(JSON.stringify({ RECIPE_VERSION, clip, ENCODE_ARGS, FPS, SOURCE_FRAMES }))
    .digest('hex')
    .slice(0, 16);
}

/** ffmpeg arguments for one clip (input = the source clip, output = outFile). */
export function ffmpegArgs(clip, sourceFile, outFile) {
  const start = Math.round(clip.startS * FPS);
  const tail = `setpts=N/(${FPS}*TB),${clip.filter},format=yuv420p[v]`;
  const inputs = ['-i', sourceFile];
  let graph;
  if (start === 0) {
    graph = `[0:v]${tail}`;
  } else {
    // Frames start..end, then 0..start-1: the same 79.5 s, rotated; loops seamlessly.
    inputs.push('-i', sourceFile);
    graph =
      `[0:v]trim=start_frame=${start},setpts=PTS-STARTPTS[a];` +
      `[1:v]trim=end_frame=${start},setpts=PTS-STARTPTS[b];` +
      `[a][b]concat=n=2:v=1:a=0,${tail}`;
  }
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    ...inputs,
    '-filter_complex', graph,
    '-map', '[v]', '-r', String(FPS),
    ...ENCODE_ARGS,
    '-f', 'mp4', outFile,
  ];
}

function run(cmd, args, what) {
  return new Promise((resolvePromise, reject) => {
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e);
      return;
    }
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => {
      if (e.code === 'ENOENT') {
        const tool = what === 'ffprobe' ? 'ffprobe' : 'ffmpeg';
        const envVar = tool === 'ffprobe' ? 'FFPROBE_PATH' : 'FFMPEG_PATH';
        reject(
          new DemoClipsError(
            `${tool} not found (tried "${cmd}"). Install it with: apt-get install ffmpeg ` +
              `(or set ${envVar} to the ${tool} binary).`,
          ),
        );
      } else reject(e);
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise(out);
      else reject(new DemoClipsError(`${what} failed (${signal ?? `exit ${code}`}): ${err.trim().slice(-2000)}`));
    });
  });
}

/** Check an output with ffprobe: H.264, yuv420p, expected size, duration ≈ 79.5 s. */
export async function probeClip(file, clip, env = process.env) {
  const out = await run(
    ffprobePath(env),
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,pix_fmt:format=duration', '-of', 'json', file],
    'ffprobe',
  );
  const j = JSON.parse(out);
  const s = j.streams?.[0] ?? {};
  const duration = Number(j.format?.duration);
  const bad = [];
  if (s.codec_name !== 'h264') bad.push(`codec ${s.codec_name}, expected h264`);
  if (s.pix_fmt !== 'yuv420p') bad.push(`pix_fmt ${s.pix_fmt}, expected yuv420p`);
  if (s.width !== clip.width || s.height !== clip.height) {
    bad.push(`size ${s.width}x${s.height}, expected ${clip.width}x${clip.height}`);
  }
  if (!(Math.abs(duration - DURATION_S) <= 0.3)) bad.push(`duration ${duration} s, expected ${DURATION_S} s`);
  if (bad.length) throw new DemoClipsError(`${file} failed verification: ${bad.join('; ')}`);
  return { duration, width: s.width, height: s.height };
}

async function readStamp(file) {
  try {
    const s = JSON.parse(await readFile(file, 'utf8'));
    return s && typeof s.clips === 'object' ? s : { clips: {} };
  } catch {
    return { clips: {} };
  }
}

async function statOrNull(f) {
  try {
    return await stat(f);
  } catch {
    return null;
  }
}

/**
 * Which clips need (re-)encoding according to the stamp (stat only, no hashing). A clip is fresh
 * when its file still has the size+mtime recorded after it was encoded from the pinned source
 * with the current recipe; the source itself is only needed to encode.
 */
async function staleClips(repoRoot, stamp) {
  const stale = [];
  for (const clip of DEMO_CLIPS) {
    const st = await statOrNull(join(repoRoot, clip.file));
    const c = stamp.clips[clip.id];
    const ok =
      st && c &&
      c.recipe === recipeHash(clip) &&
      c.sourceSha256 === SOURCE_SHA256 &&
      c.size === st.size && c.mtimeMs === st.mtimeMs;
    if (!ok) stale.push(clip);
  }
  return stale;
}

/** True when all demo clips are in place according to the stamp. */
export async function demoClipsUpToDate(repoRoot = REPO_ROOT) {
  return (await staleClips(repoRoot, await readStamp(join(repoRoot, STAMP)))).length === 0;
}

/**
 * Encode the demo clips that are missing or out of date (at most 2 ffmpeg processes at a time).
 * With verify, clips the stamp calls fresh are also checked with ffprobe.
 * @param {{ repoRoot?: string, force?: boolean, verify?: boolean, env?: NodeJS.ProcessEnv,
 *           log?: (line: string) => void }} [o]
 * @returns {Promise<{ encoded: string[], upToDate: string[] }>}
 */
export async function prepareDemoClips(o = {}) {
  const repoRoot = resolve(o.repoRoot ?? REPO_ROOT);
  const env = o.env ?? process.env;
  const log = o.log ?? (() => {});
  const stampPath = join(repoRoot, STAMP);
  const stamp = await readStamp(stampPath);
  const stale = o.force ? [...DEMO_CLIPS] : await staleClips(repoRoot, stamp);
  const fresh = DEMO_CLIPS.filter((c) => !stale.includes(c));

  if (o.verify) {
    for (const clip of fresh) {
      try {
        await probeClip(join(repoRoot, clip.file), clip, env);
      } catch (e) {
        if (!(e instanceof DemoClipsError) || /not found/.test(e.message)) throw e;
        log(`${clip.file}: ${e.message}; re-encoding`);
        stale.push(clip);
      }
    }
  }
  if (stale.length === 0) return { encoded: [], upToDate: DEMO_CLIPS.map((c) => c.id) };

  const source = join(repoRoot, SOURCE);
  if (!(await statOrNull(source))) {
    throw new DemoClipsError(`${SOURCE} is missing (looked at ${source}); run \`npm run assets\` first.`);
  }
  const srcHash = await sha256File(source);
  if (srcHash !== SOURCE_SHA256) {
    throw new DemoClipsError(
      `${SOURCE} has sha256 ${srcHash}, expected ${SOURCE_SHA256}; run \`npm run assets\` to replace it.`,
    );
  }

  await mkdir(join(repoRoot, OUT_DIR), { recursive: true });
  const queue = [...stale];
  const encoded = [];
  const encodeOne = async (clip) => {
    const out = join(repoRoot, clip.file);
    const tmp = `${out}.tmp-${process.pid}.mp4`;
    const t0 = performance.now();
    try {
      await run(ffmpegPath(env), ffmpegArgs(clip, source, tmp), `ffmpeg (${clip.id})`);
      await probeClip(tmp, clip, env);
      await rename(tmp, out);
    } finally {
      await rm(tmp, { force: true });
    }
    const st = await stat(out);
    stamp.clips[clip.id] = {
      recipe: recipeHash(clip),
      sourceSha256: srcHash,
      size: st.size,
      mtimeMs: st.mtimeMs,
    };
    encoded.push(clip.id);
    log(`${clip.file}: encoded in ${((performance.now() - t0) / 1000).toFixed(1)} s (${clip.look})`);
  };
  const worker = async () => {
    for (let clip = queue.shift(); clip; clip = queue.shift()) await encodeOne(clip);
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(MAX_PARALLEL, queue.length) }, worker));
  await writeFile(stampPath, JSON.stringify({ version: RECIPE_VERSION, clips: stamp.clips }, null, 2) + '\n');
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { encoded, upToDate: fresh.filter((c) => !stale.includes(c)).map((c) => c.id) };
}

function invokedDirectly() {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const args = process.argv.slice(2);
  const t0 = performance.now();
  try {
    const r = await prepareDemoClips({
      force: args.includes('--force'),
      verify: args.includes('--verify'),
      log: (l) => console.log(`  ${l}`),
    });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`demo clips: ok — ${r.encoded.length} encoded, ${r.upToDate.length} up to date (${s} s)`);
  } catch (e) {
    console.error(e instanceof DemoClipsError ? `demo clips: ${e.message}` : e);
    process.exitCode = 1;
  }
}
