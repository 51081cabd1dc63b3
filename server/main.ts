/**
 * Watchpost server. main() is an ordered list of start steps; each step either succeeds or stops
 * the process with one clear message.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, accessSync, chmodSync, constants } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, ConfigError, type LoadedConfig } from './config/load.ts';
import type { WatchpostConfig } from './config/schema.ts';
import type { CameraConfig } from './cameras/types.ts';
import { CameraService } from './cameras/service.ts';
import { EventBus } from './events/bus.ts';
import { checkFfmpeg } from './media/ffmpeg-check.ts';
import { MediaManager } from './media/manager.ts';
import { demoCameras, demoClipsReady } from './demo/demo-cameras.ts';
import { seedDemoRoute } from './demo/demo-route.ts';
import { openDb, type Db } from './store/db.ts';
import { CameraRepo } from './store/cameras.ts';
import { SegmentRepo } from './store/segments.ts';
import { SessionRepo } from './store/sessions.ts';
import { CameraGroupRepo } from './store/camera-groups.ts';
import { RightsService } from './access/rights.ts';
import { isDiskFull } from './retention/space.ts';
import { Metrics } from './metrics/index.ts';
import { passwordProblem } from './auth/password-policy.ts';
import { UserRepo } from './store/users.ts';
import { SecretBox } from './store/secret-box.ts';
import { FailureLimiter } from './auth/rate-limit.ts';
import { generatePassword, hashPassword } from './auth/password.ts';
import { createApp } from './http/app.ts';
import { createLogger } from './util/log.ts';
import { createEvidence } from './evidence/index.ts';
import { OnvifRepo } from './onvif/repo.ts';
import { OnvifService } from './onvif/service.ts';
import { createPatrol } from './patrol/index.ts';
import { systemClock } from './patrol/clock.ts';
import { FfmpegSnapshots } from './patrol/snapshot.ts';
import { watchAlarms } from './dutylog/alarm-watch.ts';
import { watchCameraStates } from './dutylog/camera-watch.ts';
import { entryFootageMs } from './dutylog/log.ts';
import { AlarmService } from './alarms/service.ts';
import { setSnapshotTimeZone } from './alarms/annotate.ts';
import { ZoneRepo } from './alarms/repo.ts';
import { LiveAnalytics } from './analytics/live/service.ts';
import { KeyMissingError, createIntegrity, loadSiteKey, type Integrity } from './integrity/index.ts';

const log = createLogger('main');
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Args {
  config?: string;
  validateOnly: boolean;
}

function parseArgs(argv: string[]): Args {
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

function fail(message: string, code = 2): never {
  process.stderr.write(`watchpost: ${message}\n`);
  process.exit(code);
}

function stepConfig(args: Args): LoadedConfig {
  try {
    return loadConfig(args.config);
  } catch (e) {
    if (e instanceof ConfigError) fail(`${e.message}\n  ${e.problems.join('\n  ')}`);
    throw e;
  }
}

interface Paths {
  dataDir: string;
  recordingsDir: string;
  liveDir: string;
  dbFile: string;
  keysDir: string;
  checkpointsDir: string;
}

/** Live HLS goes to tmpfs when there is one: it is rewritten every second and never kept. */
function stepPaths(cfg: WatchpostConfig): Paths {
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

function tighten(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (err) {
    log.warn('cannot restrict file mode', { path, mode: mode.toString(8), err });
  }
}

/** The site key (signing), the secret box (camera passwords) and the integrity service. */
function stepIntegrity(cfg: WatchpostConfig, paths: Paths, db: Db): { integrity: Integrity; box: SecretBox } {
  let key;
  try {
    key = loadSiteKey(db, paths.keysDir, paths.dataDir);
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
  const integrity = createIntegrity({ db, key, checkpointsDir: paths.checkpointsDir, intervalMs: cfg.storage.checkpointSeconds * 1000 });
  return { integrity, box };
}

/** First start with no users: create admin with WATCHPOST_ADMIN_PASSWORD or a generated password. */
async function stepAdmin(users: UserRepo, dataDir: string): Promise<void> {
  const hintFile = join(dataDir, 'initial-admin-password.txt');
  if (users.count() > 0) {
    if (existsSync(hintFile)) {
      process.stdout.write(`\n  Admin login: user "admin", password in ${hintFile}\n\n`);
    }
    return;
  }
  const fromEnv = process.env.WATCHPOST_ADMIN_PASSWORD;
  const weak = fromEnv ? passwordProblem(fromEnv, 'admin') : undefined;
  if (weak) fail(`WATCHPOST_ADMIN_PASSWORD ${weak}; choose a stronger one (or unset it to get a generated password)`);
  const password = fromEnv || generatePassword();
  users.create('admin', await hashPassword(password), 'admin');
  log.info('created the first user "admin"', { passwordFrom: fromEnv ? 'WATCHPOST_ADMIN_PASSWORD' : 'generated' });
  if (!fromEnv) {
    writeFileSync(hintFile, password + '\n', { mode: 0o600 });
    process.stdout.write(
      `\n  ==========================================================\n` +
        `   First start: created user "admin" with password: ${password}\n` +
        `   (also kept in ${hintFile} — delete it once noted)\n` +
        `  ==========================================================\n\n`,
    );
  }
}

function stepCameras(cfg: WatchpostConfig): CameraConfig[] {
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

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolveListen(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

async function main(): Promise<void> {
  process.umask(0o077); // every file we or ffmpeg create: 0600, every directory 0700
  const args = parseArgs(process.argv.slice(2));
  const { config: cfg, file } = stepConfig(args);
  if (args.validateOnly) {
    process.stdout.write(`config OK: ${file} (${cfg.cameras.length} cameras)\n`);
    return;
  }
  log.info('starting Watchpost', { version: VERSION, config: file ?? '(none: demo defaults)', demo: cfg.demo });

  let ff: Awaited<ReturnType<typeof checkFfmpeg>>;
  try {
    ff = await checkFfmpeg(cfg.media.ffmpegPath);
  } catch (e) {
    fail((e as Error).message, 3);
  }
  log.info('ffmpeg found', { path: ff.ffmpegPath, version: ff.version });

  const paths = stepPaths(cfg);
  let db: Db;
  try {
    db = openDb(paths.dbFile);
  } catch (e) {
    fail(`cannot open the database ${paths.dbFile}: ${(e as Error).message}`);
  }
  for (const f of [paths.dbFile, `${paths.dbFile}-wal`, `${paths.dbFile}-shm`]) if (existsSync(f)) tighten(f, 0o600);
  const { integrity, box } = stepIntegrity(cfg, paths, db);
  const users = new UserRepo(db);
  await stepAdmin(users, paths.dataDir);

  const bus = new EventBus();
  const segments = new SegmentRepo(db);
  const media = new MediaManager({
    ffmpegPath: ff.ffmpegPath,
    ffprobePath: ff.ffprobePath,
    recordingsDir: paths.recordingsDir,
    liveDir: paths.liveDir,
    segmentSeconds: cfg.storage.segmentSeconds,
    hlsSegmentSeconds: cfg.media.hlsSegmentSeconds,
    hlsListSize: cfg.media.hlsListSize,
    stallSegments: cfg.media.stallSegments,
    rtspTimeoutSeconds: cfg.media.rtspTimeoutSeconds,
    segments,
    bus,
  });
  const cameras = new CameraService(new CameraRepo(db, box), media, bus, stepCameras(cfg));
  const onvif = new OnvifService({
    cameras,
    repo: new OnvifRepo(db),
    bus,
    ffmpegPath: ff.ffmpegPath,
    liveDir: (id) => media.liveDir(id),
    settings: {
      discoveryWaitMs: cfg.onvif.discoveryWaitMs,
      requestTimeoutMs: cfg.onvif.requestTimeoutMs,
      onboardTimeoutMs: cfg.onvif.onboardTimeoutMs,
      clockWarnMs: cfg.onvif.clockWarnSeconds * 1000,
      thumbnailTtlMs: 30_000,
    },
  });

  setSnapshotTimeZone(cfg.site.timeZone);
  const alarms = new AlarmService({
    db,
    bus,
    dataDir: paths.dataDir,
    cameraName: (id) => cameras.get(id)?.name,
    cooldownMs: cfg.analytics.alarmCooldownSeconds * 1000,
  });
  const zones = new ZoneRepo(db);
  const analytics = new LiveAnalytics({
    cameras,
    zones,
    alarms,
    bus,
    liveDir: (id) => media.liveDir(id),
    ffmpegPath: ff.ffmpegPath,
    settings: cfg.analytics,
  });

  const snapshots = new FfmpegSnapshots(ff.ffmpegPath, paths.dataDir, (id) => media.liveDir(id));
  const patrol = createPatrol({
    db,
    clock: systemClock,
    cameras: {
      name: (id) => cameras.get(id)?.name,
      online: (id) => {
        const c = cameras.get(id);
        return c !== undefined && cameras.view(c).status === 'online';
      },
    },
    cameraList: () => cameras.list().map((c) => cameras.view(c)),
    snapshots,
    alarms,
    shifts: cfg.patrol.shifts,
    liveLatencyMs: cfg.patrol.liveLatencySeconds * 1000,
    checkpoint: () => integrity.newestLogCheckpoint(),
  });
  if (cfg.demo) {
    const seeded = seedDemoRoute(patrol.routes, demoCameras(ROOT).map((d) => d.id).filter((id) => cameras.get(id) !== undefined));
    if (seeded) log.info('demo: created patrol route', { id: seeded.id, name: seeded.name });
  }
  const stopCameraWatch = watchCameraStates(bus, patrol.log, {
    debounceMs: cfg.patrol.cameraDebounceSeconds * 1000,
    cameraName: (id) => cameras.get(id)?.name,
  });
  const stopMissedCheck = patrol.compliance.startScheduler(patrol.log);
  const stopAlarmWatch = watchAlarms(bus, patrol.log);

  const evidence = createEvidence({
    db,
    segments,
    bus,
    cameras,
    users,
    dataDir: paths.dataDir,
    recordingsDir: paths.recordingsDir,
    exportsDir: cfg.storage.exportsDir ? resolve(cfg.storage.exportsDir) : undefined,
    ffmpegPath: ff.ffmpegPath,
    ffprobePath: ff.ffprobePath,
    version: VERSION,
    storage: cfg.storage,
    integrity,
    viewIdleMs: cfg.audit.viewIdleSeconds * 1000,
  });
  // alarms, patrol stops and duty-log entries as markers on the recording timeline (range queries per camera)
  evidence.timeline.addSource({
    kind: 'alarm',
    list: (cameraId, from, to) =>
      alarms
        .between(cameraId, from, to)
        .map((a) => ({ kind: 'alarm', id: String(a.id), at: a.recordingMs, end: a.endMs ?? undefined, label: `${a.kind} · ${a.zone}`, severity: 'alarm' as const, href: '/alarms' })),
  });
  const SLACK_MS = 5 * 60_000; // footage times lie before the view / entry times: live latency, offline debounce
  evidence.timeline.addSource({
    kind: 'patrol-stop',
    list: (cameraId, from, to) =>
      patrol.roundRepo.stopsForCamera(cameraId, from, to + SLACK_MS).flatMap((s) => {
        const at = s.recFromMs ?? s.viewStartedMs ?? 0;
        const end = s.recToMs ?? s.viewEndedMs ?? at;
        if (at >= to || end < from) return [];
        const label = `${s.routeName} #${s.roundId} · ${s.idx + 1}. ${s.outcome ?? ''} · ${s.username}${s.note ? ` · ${s.note}` : ''}`;
        return [{ kind: 'patrol-stop', id: `${s.roundId}:${s.idx}`, at, end, label, severity: s.outcome === 'anomaly' ? ('warning' as const) : ('info' as const) }];
      }),
  });
  evidence.timeline.addSource({
    kind: 'duty-log',
    list: (cameraId, from, to) =>
      patrol.log.forCamera(cameraId, from, to + SLACK_MS).flatMap((e) => {
        const at = entryFootageMs(e);
        if (at < from || at >= to) return [];
        const severity = e.category === 'anomaly' || e.category === 'dispatch' ? ('warning' as const) : ('info' as const);
        return [{ kind: 'duty-log', id: String(e.seq), at, label: `#${e.seq} ${e.text}`, severity, href: '/dutylog' }];
      }),
  });

  const metrics = new Metrics({
    bus,
    cameras: () => cameras.list().map((c) => ({ id: c.id, status: cameras.view(c).status })),
    analytics: () => analytics.status(),
    storage: () => evidence.retention.status(),
    openAlarms: () => alarms.list('open', undefined, 10_000).length,
    segmentBytes: (path) => segments.byPath(path)?.bytes,
  });
  const sessionTtlMs = cfg.server.sessionHours * 3600_000;
  const sessions = new SessionRepo(db, sessionTtlMs);
  const groups = new CameraGroupRepo(db);
  sessions.onRevoked = (userId) => bus.emit('user.revoked', { userId });
  const app = createApp({
    version: VERSION,
    cameras,
    bus,
    users,
    sessions,
    limiter: new FailureLimiter({ pair: 5, ip: 30 }, 5 * 60_000),
    sessionTtlMs,
    groups,
    rights: new RightsService(groups),
    db,
    trustProxy: cfg.server.trustProxy,
    allowedOrigins: cfg.server.allowedOrigins,
    liveDir: (id) => media.liveDir(id),
    mainLiveDir: (id) => media.mainLiveDir(id),
    webDist: join(ROOT, 'web', 'dist'),
    onvif,
    evidence,
    alarms: { service: alarms, analytics, zones, ffmpegPath: ff.ffmpegPath },
    patrol: { patrol, db, snapshotPath: (f) => snapshots.path(f) },
    integrity,
    metrics,
    metricsToken: cfg.metrics.token,
  });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  let port: number;
  try {
    port = await listen(server, cfg.server.port, cfg.server.host);
  } catch (e) {
    fail(`cannot listen on ${cfg.server.host}:${cfg.server.port}: ${(e as Error).message}`);
  }
  cameras.startAll();
  void evidence.start(file).finally(() => integrity.checkpointer.start());
  void analytics.start();
  if (cfg.onvif.discoverOnStart) {
    // opt-in only: never probe the network unasked
    void onvif.discover().catch((err: unknown) => log.warn('start-up discovery failed', { err }));
  }
  const purge = setInterval(() => {
    try {
      sessions.purgeExpired();
    } catch (err) {
      log.warn('could not purge expired sessions', { err });
    }
  }, 3600_000);
  purge.unref();
  log.info('listening', { url: `http://localhost:${port}/`, cameras: cameras.list().length });
  process.stdout.write(`Watchpost ${VERSION} is up: http://localhost:${port}/\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close();
    server.closeAllConnections();
    stopCameraWatch();
    stopMissedCheck();
    stopAlarmWatch();
    evidence.stop();
    await analytics.stop();
    await media.stopAll();
    integrity.checkpointer.stop(); // the last checkpoint covers everything written until now
    db.close();
    process.exit(0);
  };
  // last resort only (every write path handles its own failure): a full disk never ends the process
  process.on('uncaughtException', (err) => {
    if (isDiskFull(err)) {
      log.error('write failed on a full disk (uncaught); continuing', { err });
      bus.emit('storage.write_failed', { what: 'uncaught', code: (err as NodeJS.ErrnoException).code ?? null, atMs: Date.now() });
      return;
    }
    log.error('uncaught exception', { err });
    process.exit(1);
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  log.error('start-up failed', { err: e });
  process.exit(1);
});
