import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ASSETS,
  AssetsError,
  REPO_ROOT,
  assetsUpToDate,
  installAssets,
  resolveMirror,
  type PinnedAsset,
} from '../../scripts/assets.mjs';
import { DEMO_CLIPS } from '../../scripts/demo-clips.mjs';
import { DEMO_CLIP_FILES, demoCameras, demoClipsReady } from '../../server/demo/demo-cameras.ts';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'watchpost-assets-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function put(file: string, content: Buffer | string) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
}

describe('installAssets (fake manifest)', () => {
  const a = Buffer.from('fake onnx model\n');
  const b = Buffer.from('fake clip bytes\n'.repeat(100));
  const manifest: PinnedAsset[] = [
    {
      path: 'models/m.onnx',
      mirror: 'models/m.onnx',
      sha256: sha256(a),
      what: 'test model',
      source: 'SOURCE-OF-MODEL',
      extras: [{ path: 'models/LICENSE-m', mirror: 'models/LICENSE-m' }],
    },
    { path: 'assets/media/c.avi', mirror: 'media/c.avi', sha256: sha256(b), what: 'test clip', source: 'SOURCE-OF-CLIP' },
  ];

  it('copies from a good mirror, then only stats; replaces a tampered file', async () => {
    const mirrorDir = join(tmp, 'fake-good');
    const targetRoot = join(tmp, 'fake-target');
    await put(join(mirrorDir, 'models/m.onnx'), a);
    await put(join(mirrorDir, 'models/LICENSE-m'), 'Apache-2.0\n');
    await put(join(mirrorDir, 'media/c.avi'), b);
    await chmod(join(mirrorDir, 'media/c.avi'), 0o444);

    const r1 = await installAssets({ mirrorDir, targetRoot, manifest });
    expect(r1.copied.sort()).toEqual(['assets/media/c.avi', 'models/LICENSE-m', 'models/m.onnx']);
    expect(await readFile(join(targetRoot, 'models/m.onnx'))).toEqual(a);
    expect(await readFile(join(targetRoot, 'models/LICENSE-m'), 'utf8')).toBe('Apache-2.0\n');
    expect((await stat(join(targetRoot, 'assets/media/c.avi'))).mode & 0o200).toBeTruthy(); // not read-only
    expect(await assetsUpToDate(targetRoot, manifest)).toBe(true);

    const r2 = await installAssets({ mirrorDir, targetRoot, manifest });
    expect(r2.copied).toEqual([]);
    expect(r2.present.sort()).toEqual(['assets/media/c.avi', 'models/m.onnx']);

    // Same size, one byte different, new mtime: the stamp no longer matches, the hash is checked.
    const bad = Buffer.from(b);
    bad[5] = bad[5]! ^ 0xff;
    await writeFile(join(targetRoot, 'assets/media/c.avi'), bad);
    await utimes(join(targetRoot, 'assets/media/c.avi'), new Date(), new Date(Date.now() + 5000));
    expect(await assetsUpToDate(targetRoot, manifest)).toBe(false);
    const r3 = await installAssets({ mirrorDir, targetRoot, manifest });
    expect(r3.copied).toEqual(['assets/media/c.avi']);
    expect(await readFile(join(targetRoot, 'assets/media/c.avi'))).toEqual(b);
  });

  it('fails naming the file and sha256 when a mirror file is corrupted, installs the rest', async () => {
    const mirrorDir = join(tmp, 'fake-bad');
    const targetRoot = join(tmp, 'fake-target-bad');
    await put(join(mirrorDir, 'models/m.onnx'), a);
    await put(join(mirrorDir, 'media/c.avi'), Buffer.concat([b.subarray(0, 10), Buffer.from('X'), b.subarray(11)]));

    const err = await installAssets({ mirrorDir, targetRoot, manifest }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssetsError);
    const e = err as AssetsError;
    expect(e.problems.map((p) => p.path)).toEqual(['assets/media/c.avi']);
    expect(e.message).toContain('assets/media/c.avi');
    expect(e.message).toContain('sha256');
    expect(e.message).toContain(join(mirrorDir, 'media/c.avi'));
    expect(e.message).toContain('SOURCE-OF-CLIP');
    expect(e.message).not.toContain('SOURCE-OF-MODEL');
    expect(existsSync(join(targetRoot, 'models/m.onnx'))).toBe(true);
    expect(existsSync(join(targetRoot, 'assets/media/c.avi'))).toBe(false); // no half-verified file left
    expect((await readdir(join(targetRoot, 'assets/media'))).length).toBe(0); // nor a temp file
  });
});

describe('scripts/assets.mjs CLI with the real manifest', () => {
  const realMirror = resolveMirror();
  // A throw-away "repository" holding a copy of the script; its default mirror is ../shared/assets.
  let repo: string; // set in beforeAll
  let mirror: string;

  function runCli(env: Record<string, string | undefined>, repoDir = repo) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    delete childEnv.WATCHPOST_ASSETS;
    Object.assign(childEnv, env);
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(repoDir, 'scripts/assets.mjs')], { cwd: repoDir, env: childEnv }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  beforeAll(async () => {
    const root = join(tmp, 'cli');
    repo = join(root, 'repo');
    mirror = join(root, 'shared', 'assets');
    await mkdir(join(repo, 'scripts'), { recursive: true });
    await copyFile(join(REPO_ROOT, 'scripts/assets.mjs'), join(repo, 'scripts/assets.mjs'));
    for (const a of ASSETS) {
      for (const rel of [a.mirror, ...(a.extras ?? []).map((x) => x.mirror)]) {
        const src = join(realMirror.dir, rel);
        if (!existsSync(src)) continue; // a missing real file shows up in the "good mirror" test
        await mkdir(dirname(join(mirror, rel)), { recursive: true });
        await copyFile(src, join(mirror, rel));
        await chmod(join(mirror, rel), 0o644);
      }
    }
  });

  it('installs every pinned file from a good mirror (default ../shared/assets), then skips them', async () => {
    const r = await runCli({});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const a of ASSETS) {
      expect(sha256(await readFile(join(repo, a.path))), a.path).toBe(a.sha256);
      for (const x of a.extras ?? []) expect(existsSync(join(repo, x.path)), x.path).toBe(true);
    }
    expect(existsSync(join(repo, 'models/LICENSE-yolox_nano'))).toBe(true);
    expect(existsSync(join(repo, 'assets/media/COPYRIGHT-vtest'))).toBe(true);
    const again = await runCli({});
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`0 copied, ${ASSETS.length} already in place`);
  });

  it('exits non-zero naming the file and sha256 when one byte of the mirror is corrupted', async () => {
    const bad = join(tmp, 'cli-bad-mirror');
    const target = join(tmp, 'cli-bad-repo');
    // corrupt a copy of the mirror; a fresh repo copy so nothing is installed yet
    await mkdir(join(target, 'scripts'), { recursive: true });
    await copyFile(join(repo, 'scripts/assets.mjs'), join(target, 'scripts/assets.mjs'));
    for (const a of ASSETS) {
      await mkdir(dirname(join(bad, a.mirror)), { recursive: true });
      await copyFile(join(mirror, a.mirror), join(bad, a.mirror));
    }
    const clip = join(bad, 'media/vtest.avi');
    const buf = await readFile(clip);
    buf[1000] = buf[1000]! ^ 0x01;
    await writeFile(clip, buf);

    const r = await runCli({ WATCHPOST_ASSETS: bad }, target);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('assets/media/vtest.avi');
    expect(r.stderr).toContain('sha256');
    expect(r.stderr).toContain(clip);
    expect(r.stderr).toContain('opencv-doc'); // where to get it
    expect(r.stderr).not.toContain('models/yolox_nano.onnx —'); // the good files are not reported
    expect(sha256(await readFile(join(target, 'models/yolox_nano.onnx')))).toBe(ASSETS[0]!.sha256);
  });

  it('exits non-zero naming the path looked at and WATCHPOST_ASSETS when the mirror is missing', async () => {
    const nowhere = join(tmp, 'no-such-mirror');
    const fresh = join(tmp, 'cli-empty-repo');
    await mkdir(join(fresh, 'scripts'), { recursive: true });
    await copyFile(join(repo, 'scripts/assets.mjs'), join(fresh, 'scripts/assets.mjs'));
    const viaEnv = await runCli({ WATCHPOST_ASSETS: nowhere }, fresh);
    expect(viaEnv.code).not.toBe(0);
    expect(viaEnv.stderr).toContain(nowhere);
    expect(viaEnv.stderr).toContain('WATCHPOST_ASSETS');
    for (const a of ASSETS) expect(viaEnv.stderr).toContain(a.path);
    expect(viaEnv.stderr).toContain('Kazuhito00/YOLOX-ONNX-TFLite-Sample');
    expect(viaEnv.stderr).toContain('val2017/000000001000.jpg');

    // no WATCHPOST_ASSETS and no ../shared/assets next to this repo: names the default it tried
    const viaDefault = await runCli({}, fresh);
    expect(viaDefault.code).not.toBe(0);
    expect(viaDefault.stderr).toContain(join(tmp, 'shared', 'assets'));
    expect(viaDefault.stderr).toContain('WATCHPOST_ASSETS');
  });
});

describe('committed manifests agree with the pinned assets', () => {
  it('models/yolox_nano.json', async () => {
    const m = JSON.parse(await readFile(join(REPO_ROOT, 'models/yolox_nano.json'), 'utf8'));
    const pinned = ASSETS.find((a) => a.path === 'models/yolox_nano.onnx')!;
    expect(m.sha256).toBe(pinned.sha256);
    expect(m.input).toMatchObject({ name: 'images', shape: [1, 3, 416, 416] });
    expect(m.output.shape).toEqual([1, 3549, 85]);
    expect(m.output.strides.reduce((n: number, s: number) => n + (416 / s) ** 2, 0)).toBe(3549);
    expect(m.classes).toHaveLength(80);
    expect(m.classes[0]).toBe('person');
  });

  it('demo cameras point at the clips scripts/demo-clips.mjs prepares', () => {
    expect(DEMO_CLIP_FILES).toEqual(DEMO_CLIPS.map((c) => c.file));
    const cams = demoCameras('/srv/watchpost');
    expect(cams.map((c) => c.id)).toEqual(['demo-1', 'demo-2', 'demo-3', 'demo-4']);
    expect(cams.map((c) => c.source.url)).toEqual(DEMO_CLIPS.map((c) => join('/srv/watchpost', c.file)));
    expect(cams.every((c) => c.enabled && c.origin === 'config')).toBe(true);
    expect(demoClipsReady(join(tmp, 'nowhere'))).toBe(false);
  });
});
