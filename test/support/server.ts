/**
 * Starts the real Watchpost server (tsx server/main.ts) for integration, e2e tests and benchmarks:
 * a fresh data dir, a free port on 127.0.0.1, a known admin password.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../../server/startup/node-flags.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './rtsp.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

export interface WatchpostOptions {
  env?: Record<string, string>;
  dataDir?: string;
  /** Written to a temp file and passed with --config. Without it the server runs the 4 demo cameras. */
  configYaml?: string;
  adminPassword?: string;
  /** Print the server's output (for debugging). */
  verbose?: boolean;
}

export interface Watchpost {
  url: string;
  port: number;
  adminPassword: string;
  dataDir: string;
  /** Everything the server printed so far. */
  output(): string;
  process(): ChildProcess;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stop and delete the data dir. */
  dispose(): Promise<void>;
}

export async function startWatchpost(opts: WatchpostOptions = {}): Promise<Watchpost> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'wp-data-'));
  const port = await freePort();
  const adminPassword = opts.adminPassword ?? 'test-admin-pw-1';
  const args = [...SERVER_NODE_FLAGS, join(REPO_ROOT, 'server', 'main.ts')];
  if (opts.configYaml !== undefined) {
    const cfgFile = join(dataDir, 'test-config.yml');
    writeFileSync(cfgFile, opts.configYaml);
    args.push('--config', cfgFile);
  }
  let log = '';
  let child!: ChildProcess;

  const launch = () =>
    new Promise<void>((resolveUp, reject) => {
      child = spawn(TSX, args, {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          WATCHPOST_PORT: String(port),
          WATCHPOST_DATA_DIR: dataDir,
          WATCHPOST_ADMIN_PASSWORD: adminPassword,
          WATCHPOST_LOG_LEVEL: process.env.WATCHPOST_LOG_LEVEL ?? 'info',
          ...opts.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // generous: on a loaded 2-core CI box the model check and the first pipelines took over 30 s
      const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${log.slice(-3000)}`)), 60_000);
      const onData = (d: Buffer) => {
        const s = d.toString();
        log += s;
        if (opts.verbose) process.stderr.write(s);
        if (s.includes('is up:')) {
          clearTimeout(timer);
          resolveUp();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}) before it was up:\n${log.slice(-3000)}`));
      });
    });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 12_000);
    await exited;
    clearTimeout(t);
  };

  await launch();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    adminPassword,
    dataDir,
    output: () => log,
    process: () => child,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Log in and return the session cookie header value ("wp_session=…"). */
export async function login(baseUrl: string, username = 'admin', password = 'test-admin-pw-1'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}
