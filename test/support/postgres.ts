/**
 * A real PostgreSQL for tests: Debian's server binaries (/usr/lib/postgresql/<version>/bin, package `postgresql`),
 * a throwaway cluster per call — initdb into a temp dir, listening on a free port on 127.0.0.1 only (its socket
 * in the temp dir, never /var/run/postgresql), password (SCRAM) auth, fsync off — never the system service.
 * PostgreSQL refuses to run as root: as root (CI) the cluster belongs to, and runs as, the `postgres` user.
 * Missing binaries fail the test (capability.ts), in CI and anywhere else. dispose() stops it and deletes the dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { needCapability } from './capability.ts';
import { freePort } from './rtsp.ts';

const PG_ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin dir (initdb, postgres), or undefined. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(PG_ROOT, v, 'bin', 'postgres')) && existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(PG_ROOT, versions[0], 'bin');
}

export interface PgCluster {
  /** postgres://watchpost:PASSWORD@127.0.0.1:PORT/watchpost */
  url: string;
  port: number;
  /** seconds from initdb to the first accepted connection */
  startupSeconds: number;
  /** A new empty database in the cluster; its URL. */
  createDatabase(name: string): Promise<string>;
  /** Everything the server logged. */
  output(): string;
  dispose(): Promise<void>;
}

/** uid/gid of the `postgres` user when running as root (PostgreSQL will not run as root). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  needCapability('PostgreSQL as root', r.status === 0 && g.status === 0, 'there is no `postgres` user to run it as (apt-get install postgresql creates it)');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

export async function startPostgres(): Promise<PgCluster> {
  const t0 = performance.now();
  const bin = postgresBinDir();
  needCapability('a PostgreSQL server', bin !== undefined, `no ${PG_ROOT}/<version>/bin/postgres: apt-get install postgresql (scripts/system-packages.txt)`);
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'wp-pg-'));
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  mkdirSync(sock);
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (user) for (const p of [dir, sock, pwfile]) chownSync(p, user.uid, user.gid);
  chmodSync(dir, 0o700);
  const owner = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C', HOME: dir };

  const init = spawnSync(
    join(bin!, 'initdb'),
    ['-D', data, '-U', 'watchpost', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
    { ...owner, env, encoding: 'utf8', timeout: 60_000 },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.signal}):\n${(init.stdout + init.stderr).slice(-2000)}`);
  }
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn(
    join(bin!, 'postgres'),
    [
      '-D', data, '-p', String(port), '-k', sock,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'shared_buffers=16MB', '-c', 'max_connections=40',
      '-c', 'log_min_messages=warning', '-c', 'log_destination=stderr',
    ],
    { ...owner, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGINT'); // fast shutdown: roll back open transactions, end sessions
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  const urlFor = (db: string) => `postgres://watchpost:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const dispose = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };

  const end = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres exited (${child.exitCode}):\n${log.slice(-2000)}`);
    }
    const c = new pg.Client({ connectionString: urlFor('postgres') });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.query('CREATE DATABASE watchpost');
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => undefined);
      if (Date.now() > end) {
        await dispose();
        throw new Error(`postgres did not accept connections on 127.0.0.1:${port} within 30 s (${(e as Error).message}):\n${log.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url: urlFor('watchpost'),
    port,
    startupSeconds: (performance.now() - t0) / 1000,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name} is not a plain identifier`);
      const c = new pg.Client({ connectionString: urlFor('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return urlFor(name);
    },
    output: () => log,
    dispose,
  };
}

/** One query on the database at `url` through a connection of its own (for tests that look behind a server). */
export async function pgQuery<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}
