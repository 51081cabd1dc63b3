#!/usr/bin/env node
/**
 * Installs the pinned binary assets (model, demo footage, test images) that the project never
 * commits. They are copied from a local mirror directory and checked against pinned sha256 hashes.
 * Nothing is ever downloaded.
 *
 *   node scripts/assets.mjs [--mirror DIR] [--verify] [--quiet]
 *
 * Mirror: --mirror DIR, else $WATCHPOST_ASSETS, else ../shared/assets next to the repository.
 * Layout of a mirror: models/yolox_nano.onnx, media/vtest.avi, images/coco_*.jpg (+ licence files).
 *
 * Files already in place are not copied again. Their hash check is cached by size+mtime in
 * .cache/assets-stamp.json, so a second run only stats the files; --verify re-hashes them.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, realpathSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const STAMP_FILE = '.cache/assets-stamp.json';
export const ENV_VAR = 'WATCHPOST_ASSETS';

const YOLOX_COMMIT = '3d4f1119d0694200671c08069ecb847aa0d8495a';

/**
 * The pinned assets. `mirror` is the path inside the mirror, `path` the destination inside the
 * repository (git-ignored). `extras` are licence files copied alongside (not hash-pinned).
 */
export const ASSETS = [
  {
    path: 'models/yolox_nano.onnx',
    mirror: 'models/yolox_nano.onnx',
    sha256: '695e750a5d5754bb5a8d5325643b59282191a7e7a564e435a415fd3c578eab14',
    size: 3_660_092,
    what: 'YOLOX-Nano ONNX person/object detector (COCO-80, 416x416, opset 11)',
    source:
      `GitHub Kazuhito00/YOLOX-ONNX-TFLite-Sample, file model/yolox_nano.onnx at commit ${YOLOX_COMMIT}: ` +
      `https://github.com/Kazuhito00/YOLOX-ONNX-TFLite-Sample/blob/${YOLOX_COMMIT}/model/yolox_nano.onnx ` +
      '(upstream model: Megvii-BaseDetection/YOLOX); licence Apache-2.0',
    extras: [{ path: 'models/LICENSE-yolox_nano', mirror: 'models/LICENSE-yolox_nano' }],
  },
  {
    path: 'assets/media/vtest.avi',
    mirror: 'media/vtest.avi',
    sha256: '45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf',
    size: 8_131_690,
    what: 'pedestrian CCTV footage for the demo cameras (768x576, 10 fps, 795 frames)',
    source:
      'OpenCV samples/data/vtest.avi (https://github.com/opencv/opencv/blob/4.6.0/samples/data/vtest.avi), ' +
      "also in Debian's opencv-doc 4.6.0 package as /usr/share/doc/opencv-doc/examples/data/vtest.avi; " +
      'licence Apache-2.0 and BSD-3-Clause',
    extras: [{ path: 'assets/media/COPYRIGHT-vtest', mirror: 'media/COPYRIGHT-vtest' }],
  },
  {
    path: 'assets/images/coco_000000000139.jpg',
    mirror: 'images/coco_000000000139.jpg',
    sha256: 'ffe0f0cec3b2e27aab1967229cdf0a0d7751dcdd5800322f0b8ac0dffb3b8a8d',
    size: 161_811,
    what: 'COCO 2017 val image 139 (living room, 2 people) for detector tests',
    source: 'COCO 2017 validation image 139: http://images.cocodataset.org/val2017/000000000139.jpg',
    extras: [],
  },
  {
    path: 'assets/images/coco_000000001000.jpg',
    mirror: 'images/coco_000000001000.jpg',
    sha256: '24bb77a31928404e45a0454b06f6a0bd54a8db103590c9d7917288a1e0269f05',
    size: 321_136,
    what: 'COCO 2017 val image 1000 (group of about 12 people) for detector tests',
    source: 'COCO 2017 validation image 1000: http://images.cocodataset.org/val2017/000000001000.jpg',
    extras: [],
  },
];

export class AssetsError extends Error {
  /** @param {string} message @param {{ path: string, problem: string }[]} problems */
  constructor(message, problems) {
    super(message);
    this.name = 'AssetsError';
    this.problems = problems;
  }
}

/**
 * Where to look for the mirror: explicit option, else $WATCHPOST_ASSETS (relative to the current
 * directory), else ../shared/assets next to the repository root.
 * @param {{ mirror?: string, env?: Record<string, string | undefined>, repoRoot?: string }} [o]
 */
export function resolveMirror(o = {}) {
  const env = o.env ?? process.env;
  const repoRoot = o.repoRoot ?? REPO_ROOT;
  let dir;
  let origin;
  if (o.mirror) {
    dir = resolve(o.mirror);
    origin = '--mirror';
  } else if (env[ENV_VAR]) {
    dir = resolve(env[ENV_VAR]);
    origin = ENV_VAR;
  } else {
    dir = resolve(repoRoot, '..', 'shared', 'assets');
    origin = `default: ../shared/assets next to the repository, ${ENV_VAR} not set`;
  }
  return { dir, origin, exists: existsSync(dir) };
}

/** sha256 of a file, hex. */
export async function sha256File(file) {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

async function statOrNull(file) {
  try {
    return await stat(file);
  } catch {
    return null;
  }
}

async function readStamp(file) {
  try {
    const s = JSON.parse(await readFile(file, 'utf8'));
    return s && typeof s === 'object' && s.files && typeof s.files === 'object' ? s : { files: {} };
  } catch {
    return { files: {} };
  }
}

/** Copy src to dest through a temp file while hashing; returns the hash; dest only appears if it matches. */
async function copyVerified(src, dest, expected) {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  const h = createHash('sha256');
  const tap = new Transform({
    transform(chunk, _enc, cb) {
      h.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(src), tap, createWriteStream(tmp, { mode: 0o644 }));
    const got = h.digest('hex');
    if (got !== expected) {
      await rm(tmp, { force: true });
      return got;
    }
    await chmod(tmp, 0o644); // mirrors are often read-only; keep the copy replaceable
    await rename(tmp, dest);
    return got;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function mirrorHelp(mirror, manifest) {
  const layout = manifest
    .flatMap((a) => [a.mirror, ...(a.extras ?? []).map((x) => `${x.mirror}  (licence)`)])
    .map((p) => `    <mirror>/${p}`)
    .join('\n');
  return [
    `Mirror looked at: ${mirror.dir} (${mirror.origin})${mirror.exists ? '' : ' — this directory does not exist'}`,
    `To use another mirror, point ${ENV_VAR} at a directory laid out like this (sha256 as listed above):`,
    layout,
    `and run:  ${ENV_VAR}=/path/to/mirror npm run assets`,
  ].join('\n');
}

/**
 * Make sure every pinned asset is present under targetRoot with the right sha256, copying from the
 * mirror what is missing or wrong. Throws AssetsError naming every file it could not install.
 *
 * @param {object} o
 * @param {string} [o.mirrorDir]  mirror directory (default: resolveMirror())
 * @param {string} [o.mirrorOrigin] how mirrorDir was chosen, for messages
 * @param {string} [o.targetRoot] repository root to install into (default: this repository)
 * @param {typeof ASSETS} [o.manifest]
 * @param {boolean} [o.verify] re-hash files even when the size+mtime stamp says they are fine
 * @param {(line: string) => void} [o.log]
 * @returns {Promise<{ copied: string[], present: string[], warnings: string[], mirrorDir: string }>}
 */
export async function installAssets(o = {}) {
  const targetRoot = resolve(o.targetRoot ?? REPO_ROOT);
  const manifest = o.manifest ?? ASSETS;
  const log = o.log ?? (() => {});
  const mirror = o.mirrorDir
    ? { dir: resolve(o.mirrorDir), origin: o.mirrorOrigin ?? 'given', exists: existsSync(o.mirrorDir) }
    : resolveMirror({ repoRoot: targetRoot });
  const stampPath = join(targetRoot, STAMP_FILE);
  const stamp = await readStamp(stampPath);
  const before = JSON.stringify(stamp);

  const copied = [];
  const present = [];
  const warnings = [];
  /** @type {{ path: string, problem: string, asset: (typeof ASSETS)[number] }[]} */
  const problems = [];

  for (const a of manifest) {
    const dest = join(targetRoot, a.path);
    const st = await statOrNull(dest);
    let wrongLocal = null;
    if (st?.isFile()) {
      const cached = stamp.files[a.path];
      if (!o.verify && cached && cached.sha256 === a.sha256 && cached.size === st.size && cached.mtimeMs === st.mtimeMs) {
        present.push(a.path);
        continue;
      }
      const got = await sha256File(dest);
      if (got === a.sha256) {
        stamp.files[a.path] = { sha256: got, size: st.size, mtimeMs: st.mtimeMs };
        present.push(a.path);
        continue;
      }
      wrongLocal = got;
      delete stamp.files[a.path];
      log(`${a.path}: present but sha256 is ${got}, expected ${a.sha256}; replacing it from the mirror`);
    }

    const src = join(mirror.dir, a.mirror);
    const because = wrongLocal ? `${a.path} has the wrong sha256 (${wrongLocal}) and ` : '';
    if (!mirror.exists) {
      problems.push({ path: a.path, asset: a, problem: `${because}missing: the mirror directory ${mirror.dir} does not exist` });
      continue;
    }
    if (!existsSync(src)) {
      problems.push({ path: a.path, asset: a, problem: `${because}missing: not in the mirror (looked for ${src})` });
      continue;
    }
    const got = await copyVerified(src, dest, a.sha256);
    if (got !== a.sha256) {
      problems.push({
        path: a.path,
        asset: a,
        problem: `wrong sha256 in the mirror: ${src} has sha256 ${got}, expected ${a.sha256}`,
      });
      continue;
    }
    const nst = await stat(dest);
    stamp.files[a.path] = { sha256: got, size: nst.size, mtimeMs: nst.mtimeMs };
    copied.push(a.path);
    log(`${a.path}: copied from ${src} (sha256 ok)`);
  }

  // Licence files travel with their asset. They are not hash-pinned; a missing one is a warning.
  for (const a of manifest) {
    for (const x of a.extras ?? []) {
      const dest = join(targetRoot, x.path);
      const src = join(mirror.dir, x.mirror);
      const [dst, sst] = [await statOrNull(dest), mirror.exists ? await statOrNull(src) : null];
      if (sst?.isFile() && (!dst || dst.size !== sst.size)) {
        await mkdir(dirname(dest), { recursive: true });
        await rm(dest, { force: true });
        await copyFile(src, dest);
        await chmod(dest, 0o644);
        copied.push(x.path);
        log(`${x.path}: copied from ${src}`);
      } else if (!dst && !sst) {
        warnings.push(`${x.path}: licence file not found (looked for ${src}); keep it next to ${a.path}`);
      }
    }
  }

  if (JSON.stringify(stamp) !== before) {
    await mkdir(dirname(stampPath), { recursive: true });
    await writeFile(stampPath, JSON.stringify({ version: 1, files: stamp.files }, null, 2) + '\n');
  }

  if (problems.length) {
    const lines = [
      `Watchpost assets: ${problems.length} of ${manifest.length} pinned files could not be installed into ${targetRoot}:`,
    ];
    for (const p of problems) {
      lines.push(`  ✗ ${p.path} — ${p.problem}`);
      lines.push(`      what: ${p.asset.what}`);
      lines.push(`      get it from: ${p.asset.source}`);
      lines.push(`      expected sha256 ${p.asset.sha256}${p.asset.size ? `, ${p.asset.size} bytes` : ''}`);
    }
    lines.push(mirrorHelp(mirror, manifest));
    throw new AssetsError(lines.join('\n'), problems.map(({ path, problem }) => ({ path, problem })));
  }
  return { copied, present, warnings, mirrorDir: mirror.dir };
}

/**
 * True when every pinned asset is in place according to the size+mtime stamp (no hashing).
 * @param {string} [targetRoot]
 */
export async function assetsUpToDate(targetRoot = REPO_ROOT, manifest = ASSETS) {
  const stamp = await readStamp(join(targetRoot, STAMP_FILE));
  for (const a of manifest) {
    const st = await statOrNull(join(targetRoot, a.path));
    const c = stamp.files[a.path];
    if (!st || !c || c.sha256 !== a.sha256 || c.size !== st.size || c.mtimeMs !== st.mtimeMs) return false;
  }
  return true;
}

async function main(argv) {
  const args = argv.slice(2);
  const opt = { verify: false, quiet: false, mirror: undefined };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--verify') opt.verify = true;
    else if (a === '--quiet' || a === '-q') opt.quiet = true;
    else if (a === '--mirror') opt.mirror = args[++i];
    else if (a.startsWith('--mirror=')) opt.mirror = a.slice('--mirror='.length);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/assets.mjs [--mirror DIR] [--verify] [--quiet]');
      return 0;
    } else {
      console.error(`assets: unknown argument ${a}`);
      return 2;
    }
  }
  const t0 = performance.now();
  const mirror = resolveMirror({ mirror: opt.mirror });
  try {
    const r = await installAssets({
      mirrorDir: mirror.dir,
      mirrorOrigin: mirror.origin,
      verify: opt.verify,
      log: opt.quiet ? undefined : (l) => console.log(`  ${l}`),
    });
    for (const w of r.warnings) console.warn(`assets: warning: ${w}`);
    const ms = Math.round(performance.now() - t0);
    console.log(`assets: ok — ${r.copied.length} copied, ${r.present.length} already in place (${ms} ms)`);
    return 0;
  } catch (e) {
    console.error(e instanceof AssetsError ? e.message : `assets: ${e?.stack ?? e}`);
    return 1;
  }
}

function invokedDirectly() {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.exitCode = await main(process.argv);
}
