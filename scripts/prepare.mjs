#!/usr/bin/env node
/**
 * Everything the server needs before it starts, in order:
 *   1. assets      pinned model/media/images copied from the mirror (scripts/assets.mjs)
 *   2. demo clips  the 4 demo cameras encoded once as H.264 (scripts/demo-clips.mjs)
 *   3. web         vite build --config web/vite.config.ts  →  web/dist/
 *
 *   node scripts/prepare.mjs              full run (npm install / npm ci): re-hash assets,
 *                                         ffprobe the demo clips, always rebuild the web app
 *   node scripts/prepare.mjs --if-needed  fast path (npm start): each step only when out of date
 *
 * Prints one line per step; on failure prints the step's message and exits non-zero.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AssetsError, REPO_ROOT, installAssets } from './assets.mjs';
import { DemoClipsError, prepareDemoClips } from './demo-clips.mjs';

const ifNeeded = process.argv.includes('--if-needed');
const WEB_CONFIG = 'web/vite.config.ts';

class StepError extends Error {}

function elapsed(t0) {
  const ms = performance.now() - t0;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

async function stepAssets() {
  const warnings = [];
  try {
    const r = await installAssets({ verify: !ifNeeded });
    warnings.push(...r.warnings);
    const what = r.copied.length
      ? `${r.copied.length} copied from ${r.mirrorDir}`
      : `${r.present.length} files ${ifNeeded ? 'up to date' : 'verified'}`;
    return { line: what, warnings };
  } catch (e) {
    if (e instanceof AssetsError) throw new StepError(e.message);
    throw e;
  }
}

async function stepDemoClips() {
  try {
    const r = await prepareDemoClips({ verify: !ifNeeded });
    return {
      line: r.encoded.length
        ? `${r.encoded.length} encoded (${r.encoded.join(', ')})`
        : `${r.upToDate.length} clips ${ifNeeded ? 'up to date' : 'verified'}`,
    };
  } catch (e) {
    if (e instanceof DemoClipsError) throw new StepError(e.message);
    throw e;
  }
}

/** Newest mtime of any file under dir, skipping web/dist and node_modules. */
function newestMtime(dir, skip) {
  let newest = 0;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (skip.has(p) || ent.name === 'node_modules') continue;
    if (ent.isDirectory()) newest = Math.max(newest, newestMtime(p, skip));
    else if (ent.isFile()) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function viteBin() {
  try {
    const require = createRequire(join(REPO_ROOT, 'package.json'));
    return join(require.resolve('vite/package.json').replace(/package\.json$/, ''), 'bin', 'vite.js');
  } catch {
    return join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  }
}

/** picocolors treats any FORCE_COLOR as "on"; the captured log is only shown on failure, keep it plain. */
function noColorEnv() {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return env;
}

async function stepWeb() {
  const webDir = join(REPO_ROOT, 'web');
  if (!existsSync(join(REPO_ROOT, WEB_CONFIG))) return { line: `skipped (${WEB_CONFIG} does not exist yet)` };
  const index = join(webDir, 'dist', 'index.html');
  if (ifNeeded && existsSync(index)) {
    const built = statSync(index).mtimeMs;
    // the console also bundles the shared wire module
    const newest = Math.max(newestMtime(webDir, new Set([join(webDir, 'dist')])), newestMtime(join(REPO_ROOT, 'shared'), new Set()));
    if (newest <= built) return { line: 'up to date' };
  }
  const bin = viteBin();
  if (!existsSync(bin)) throw new StepError(`vite is not installed (looked for ${bin}); run npm ci first.`);
  const output = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build', '--config', WEB_CONFIG], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: noColorEnv(),
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new StepError(`vite build --config ${WEB_CONFIG} failed (${signal ?? `exit ${code}`}):\n${out.trim().slice(-4000)}`));
    });
  });
  if (!existsSync(index)) {
    throw new StepError(`vite build finished but ${index} is missing:\n${String(output).trim().slice(-2000)}`);
  }
  return { line: 'built web/dist' };
}

const steps = [
  ['assets', stepAssets],
  ['demo clips', stepDemoClips],
  ['web', stepWeb],
];

const total = performance.now();
for (const [name, fn] of steps) {
  const t0 = performance.now();
  try {
    const r = await fn();
    console.log(`prepare: ${name}: ${r.line} (${elapsed(t0)})`);
    for (const w of r.warnings ?? []) console.warn(`prepare: ${name}: warning: ${w}`);
  } catch (e) {
    const msg = e instanceof StepError ? e.message : (e?.stack ?? String(e));
    console.error(`prepare: ${name}: FAILED (${elapsed(t0)})\n${msg}`);
    process.exit(1);
  }
}
if (!ifNeeded) console.log(`prepare: done (${elapsed(total)})`);
