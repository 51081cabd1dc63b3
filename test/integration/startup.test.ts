import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Starts the server, collects stdout and stderr until the start-up block is out (or 45 s), then stops it. */
async function startAndStop(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'wp-start-'));
  const p = spawn(TSX, [join(REPO_ROOT, 'server/main.ts')], {
    cwd: dir,
    env: { ...process.env, WATCHPOST_DATA_DIR: join(dir, 'data'), WATCHPOST_PORT: '0', WATCHPOST_ADMIN_PASSWORD: '', WATCHPOST_LOG_LEVEL: 'info', ...env },
  });
  let out = '';
  let err = '';
  p.stdout.on('data', (b: Buffer) => (out += b.toString()));
  p.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const until = Date.now() + 45_000;
  while (!/ {2}Data {6}/.test(out) && Date.now() < until && p.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  p.kill('SIGTERM');
  await new Promise((r) => (p.exitCode === null ? p.once('exit', r) : r(null)));
  return { out, err, dir };
}

describe('start-up output (issue K)', () => {
  it('one readable block: the URL, how to log in, where the password is, how many cameras; LOG_FORMAT=json is JSON lines', async () => {
    const { out, err, dir } = await startAndStop({ LOG_FORMAT: 'json' });
    const port = /is up: http:\/\/localhost:(\d+)\//.exec(out)?.[1];
    expect(port, out).toBeDefined();
    const block = out.slice(out.search(/^Watchpost \S+ is up/m));
    expect(block).toContain(`  Console   http://localhost:${port}/`);
    expect(block).toContain(`  Log in    user "admin", password in ${join(dir, 'data', 'initial-admin-password.txt')}`);
    expect(block).toMatch(/ {2}Cameras {3}\d+/);
    // first start: the generated password is said once, inside the one block (and kept in the file)
    const pw = readFileSync(join(dir, 'data', 'initial-admin-password.txt'), 'utf8').trim();
    expect(pw.length).toBeGreaterThanOrEqual(12);
    expect(out.split(pw).length - 1).toBe(1);
    expect(block).toContain(`  Password  ${pw}   (made at this first start; delete ${join(dir, 'data', 'initial-admin-password.txt')} once noted)`);
    // everything else on stdout and stderr is one JSON object per line
    const logLines = (out.slice(0, out.search(/^Watchpost \S+ is up/m)) + err).split('\n').filter((l) => l.trim() && !/^\s/.test(l));
    expect(logLines.length).toBeGreaterThan(3);
    for (const l of logLines) expect(() => JSON.parse(l), l).not.toThrow();
  }, 60_000);

  it('LOG_FORMAT=pretty: one readable line per log record, no JSON', async () => {
    const { out } = await startAndStop({ LOG_FORMAT: 'pretty' });
    expect(out).toContain('is up');
    const logLines = out.slice(0, out.search(/^Watchpost \S+ is up/m)).split('\n').filter((l) => l.trim() && !/^\s/.test(l));
    expect(logLines.length).toBeGreaterThan(3);
    for (const l of logLines) {
      expect(l.startsWith('{'), l).toBe(false);
      expect(l).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (INFO |WARN |DEBUG|ERROR) \S+ +\S/);
    }
    expect(out).toMatch(/INFO +main +starting Watchpost version=/);
  }, 60_000);

  it('npm reads the project config without a warning (the onnxruntime install flag is where npm accepts it)', () => {
    const r = spawnSync('npm', ['run', 'env'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/npm warn/i);
  });
});
