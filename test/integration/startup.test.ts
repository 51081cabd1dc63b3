import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/server.ts';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function run(args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wp-start-'));
  const r = spawnSync(TSX, [join(REPO_ROOT, 'server/main.ts'), ...args], {
    cwd: dir,
    env: { ...process.env, WATCHPOST_DATA_DIR: join(dir, 'data'), WATCHPOST_PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout + r.stderr, dir };
}

describe('server start-up', () => {
  it('a config error prints the path and line and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-cfg-'));
    const file = join(dir, 'watchpost.yml');
    writeFileSync(file, 'server:\n  port: 8080\ncameras:\n  - id: gate\n    name: Gate\n    url: http://10.0.0.1/\n    fps: 5\n');
    const r = run(['--config', file]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${file}:6: cameras.0.url: must be an rtsp:// or rtsps:// URL`);
    expect(r.out).toContain(`${file}:7: cameras.0.fps: unknown key "fps"`);
  });

  it('--validate-config checks a good file and exits 0 without starting anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-cfg-'));
    const file = join(dir, 'watchpost.yml');
    writeFileSync(file, 'cameras:\n  - {id: gate, name: Gate, url: "rtsp://127.0.0.1:1/x"}\n');
    const r = run(['--validate-config', '--config', file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/config OK: .*watchpost\.yml \(1 cameras\)/);
    expect(r.out).not.toContain('is up');
  });

  it('a missing ffmpeg is a clear error', () => {
    const r = run([], { FFMPEG_PATH: '/nonexistent/ffmpeg' });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/ffmpeg/i);
    expect(r.out).toMatch(/FFMPEG_PATH|apt-get install ffmpeg/);
    expect(r.out).not.toContain('is up');
  });

  it('an unknown argument is refused', () => {
    const r = run(['--colour']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('unknown argument: --colour');
  });
});
