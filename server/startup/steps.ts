/**
 * The start steps of server/main.ts, each of which either succeeds or stops the process with one clear message:
 * arguments, config, paths (with their file modes), the site key and checkpoints, the first admin, the camera
 * list, listening, and the summary printed once the server is up.
 */
import { type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, accessSync, chmodSync, constants } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, ConfigError, type LoadedConfig } from '../config/load.ts';
import type { WatchpostConfig } from '../config/schema.ts';
import type { CameraConfig } from '../cameras/types.ts';
import { demoCameras, demoClipsReady } from '../demo/demo-cameras.ts';
import type { SqlDb } from '../store/sql/db.ts';
import { passwordProblem } from '../auth/password-policy.ts';
import type { UserRepo } from '../store/users.ts';
import { SecretBox } from '../store/secret-box.ts';
import { generatePassword, hashPassword } from '../auth/password.ts';
import { createLogger } from '../util/log.ts';
import { applySiteTimeZone } from '../util/site-time.ts';
import { KeyMissingError, createIntegrity, loadSiteKey, type Integrity } from '../integrity/index.ts';

const log = createLogger('main');
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface Args {
  config?: string;
  validateOnly: boolean;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { validateOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config') args.config = argv[++i];
    else if (a.startsWith('--config=')) args.config = a.slice('--config='.length);
    else if (a === '--validate-config') args.validateOnly = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: watchpost [--config watchpost.yml] [--validate-config]\n');
      process.exit(0);
    } else fail(`unknown argument: ${a} (see --help)`);
  }
  if (args.validateOnly && args.config === undefined && !existsSync('watchpost.yml')) {
    fail('--validate-config needs --config PATH or ./watchpost.yml');
  }
  return args;
}

export function fail(message: string, code = 2): never {
  process.stderr.write(`watchpost: ${message}\n`);
  process.exit(code);
}

/** Load the config; the process then runs in the site's time zone (local days, shifts, folders, CSV times). */
export function stepConfig(args: Args): LoadedConfig {
  try {
    const loaded = loadConfig(args.config);
    applySiteTimeZone(loaded.config.site.timeZone);
    return loaded;
  } catch (e) {
    if (e instanceof ConfigError) fail(`${e.message}\n  ${e.problems.join('\n  ')}`);
    throw e;
  }
}

export interface Paths {
  dataDir: string;
  recordingsDir: string;
  liveDir: string;
  dbFile: string;
  keysDir: string;
  checkpointsDir: string;
}

/** Live HLS goes to tmpfs when there is one: it is rewritten every second and never kept. */
export function stepPaths(cfg: WatchpostConfig): Paths {
  const dataDir = resolve(cfg.storage.dataDir);
  const recordingsDir = resolve(cfg.storage.recordingsDir ?? dataDir);
  let liveDir = cfg.storage.liveDir ? resolve(cfg.storage.liveDir) : join(dataDir, '.live');
  if (!cfg.storage.liveDir) {
    try {
      accessSync('/dev/shm', constants.W_OK);
      liveDir = join('/dev/shm', `watchpost-${createHash('sha1').update(dataDir).digest('hex').slice(0, 10)}`);
    } catch {
      /* no tmpfs: keep it in the data dir */
    }
  }
  // monitoring content is confidential: only the service user reads the data, recordings, keys and live HLS
  for (const d of [dataDir, recordingsDir]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    tighten(d, 0o700);
  }
  rmSync(liveDir, { recursive: true, force: true });
  mkdirSync(liveDir, { recursive: true, mode: 0o700 });
  const keysDir = resolve(cfg.storage.keysDir ?? dataDir);
  const checkpointsDir = resolve(cfg.storage.checkpointsDir ?? join(dataDir, 'checkpoints'));
  return { dataDir, recordingsDir, liveDir, dbFile: join(dataDir, 'watchpost.db'), keysDir, checkpointsDir };
}

export function tighten(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (err) {
    log.warn('cannot restrict file mode', { path, mode: mode.toString(8), err });
  }
}

/** The site key (signing), the secret box (camera passwords) and the integrity service. */
export async function stepIntegrity(cfg: WatchpostConfig, paths: Paths, sql: SqlDb): Promise<{ integrity: Integrity; box: SecretBox }> {
  let key;
  try {
    key = await loadSiteKey(sql, paths.keysDir, paths.dataDir);
  } catch (e) {
    if (e instanceof KeyMissingError) fail(e.message);
    throw e;
  }
  const secretFile = join(paths.keysDir, 'secret.key');
  const straySecret = join(paths.dataDir, 'secret.key');
  if (paths.keysDir !== paths.dataDir && !existsSync(secretFile) && existsSync(straySecret)) {
    fail(`the camera secret key is in ${straySecret}, but storage.keysDir is ${paths.keysDir}: move the file there (keep mode 0600)`);
  }
  const box = SecretBox.fromKeyFile(secretFile);
  const integrity = await createIntegrity({ sql, key, checkpointsDir: paths.checkpointsDir, intervalMs: cfg.storage.checkpointSeconds * 1000 });
  return { integrity, box };
}

/** One readable block after "is up": where to go, how to log in, what is running, where the data is. */
export function startupBlock(o: { port: number; paths: Paths; cameras: number; demo: boolean | undefined; users: number; firstPassword?: string }): string {
  const hint = join(o.paths.dataDir, 'initial-admin-password.txt');
  const login = process.env.WATCHPOST_ADMIN_PASSWORD
    ? 'user "admin", password from WATCHPOST_ADMIN_PASSWORD'
    : existsSync(hint)
      ? `user "admin", password in ${hint}`
      : `${o.users} user(s); log in with your account`;
  // first start with a generated password: said here once, in the one block (it is also in the file)
  const first = o.firstPassword ? [`  Password  ${o.firstPassword}   (made at this first start; delete ${hint} once noted)`] : [];
  return [
    '',
    `  Console   http://localhost:${o.port}/`,
    `  Log in    ${login}`,
    ...first,
    `  Cameras   ${o.cameras}${o.demo ? ' (demo)' : ''}`,
    `  Data      ${o.paths.dataDir}`,
    `  Keys      ${o.paths.keysDir}   checkpoints ${o.paths.checkpointsDir}`,
    '',
    '',
  ].join('\n');
}

/**
 * First start with no users: create admin with WATCHPOST_ADMIN_PASSWORD or a generated password (returned, for the
 * start-up block; also written to initial-admin-password.txt). Prints nothing itself: the block says how to log in.
 */
export async function stepAdmin(users: UserRepo, dataDir: string): Promise<string | undefined> {
  const hintFile = join(dataDir, 'initial-admin-password.txt');
  if (users.count() > 0) return undefined;
  const fromEnv = process.env.WATCHPOST_ADMIN_PASSWORD;
  const weak = fromEnv ? passwordProblem(fromEnv, 'admin') : undefined;
  if (weak) fail(`WATCHPOST_ADMIN_PASSWORD ${weak}; choose a stronger one (or unset it to get a generated password)`);
  const password = fromEnv || generatePassword();
  await users.create('admin', await hashPassword(password), 'admin');
  log.info('created the first user "admin"', { passwordFrom: fromEnv ? 'WATCHPOST_ADMIN_PASSWORD' : 'generated' });
  if (fromEnv) return undefined;
  writeFileSync(hintFile, password + '\n', { mode: 0o600 });
  return password;
}

export function stepCameras(cfg: WatchpostConfig): CameraConfig[] {
  const fixed: CameraConfig[] = cfg.cameras.map((c) => ({
    id: c.id,
    name: c.name,
    enabled: c.enabled,
    origin: 'config',
    retentionDays: c.retentionDays,
    source: { url: c.url ?? resolve(c.file!), subUrl: c.subUrl, username: c.username, password: c.password },
  }));
  if (cfg.demo) {
    if (!demoClipsReady(ROOT)) {
      log.warn('demo clips are not prepared; run `npm run prepare` (or npm install). Starting without demo cameras.');
    } else {
      fixed.push(...demoCameras(ROOT).filter((d) => !fixed.some((c) => c.id === d.id)));
    }
  }
  return fixed;
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolveListen(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

