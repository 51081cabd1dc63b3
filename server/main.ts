/**
 * Watchpost server. main() is an ordered list of start steps; each step either succeeds or stops
 * the process with one clear message.
 */
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { CameraService } from './cameras/service.ts';
import { EventBus } from './events/bus.ts';
import { checkFfmpeg } from './media/ffmpeg-check.ts';
import { MediaManager } from './media/manager.ts';
import { demoCameras } from './demo/demo-cameras.ts';
import { seedDemoRoute } from './demo/demo-route.ts';
import { CameraRepo } from './store/cameras.ts';
import { SegmentRepo } from './store/segments.ts';
import { SessionRepo } from './store/sessions.ts';
import { CameraGroupRepo } from './store/camera-groups.ts';
import { RightsService } from './access/rights.ts';
import { Metrics } from './metrics/index.ts';
import { recordRestart } from './equipment/report.ts';
import { UserRepo } from './store/users.ts';
import { FailureLimiter } from './auth/rate-limit.ts';
import { createApp } from './http/app.ts';
import { createLogger } from './util/log.ts';
import { createEvidence } from './evidence/index.ts';
import { OnvifRepo } from './onvif/repo.ts';
import { OnvifService } from './onvif/service.ts';
import { dutyWriter } from './dutylog/writer.ts';
import { createPatrol } from './patrol/index.ts';
import { systemClock } from './patrol/clock.ts';
import { FfmpegSnapshots } from './patrol/snapshot.ts';
import { watchAlarms } from './dutylog/alarm-watch.ts';
import { watchDispatches } from './dutylog/dispatch-watch.ts';
import { DispatchService } from './dispatch/service.ts';
import { watchCameraStates } from './dutylog/camera-watch.ts';
import { AlarmService } from './alarms/service.ts';
import { setSnapshotTimeZone } from './alarms/annotate.ts';
import { ZoneRepo } from './alarms/zone-repo.ts';
import { LiveAnalytics } from './analytics/live/service.ts';
import { createMqtt } from './mqtt/index.ts';
import { createNodes } from './cluster/index.ts';
import { RemoteCameras } from './cluster/remote-cameras.ts';

import { addTimelineSources } from './startup/timeline-sources.ts';
import { installShutdown } from './startup/shutdown.ts';
import { stepDatabase } from './startup/database.ts';
import { startCacheSync } from './startup/cache-sync.ts';
import { cameraProber } from './startup/probe-camera.ts';
import { equipmentProblems } from './startup/equipment-problems.ts';
import { ROOT, VERSION, fail, listen, parseArgs, startupBlock, stepAdmin, stepCameras, stepConfig, stepIntegrity, stepPaths } from './startup/steps.ts';

const log = createLogger('main');

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
  // SQLite in the data dir, or PostgreSQL from cluster.database / WATCHPOST_DATABASE_URL; migrated (startup/database.ts)
  const { sql } = await stepDatabase(cfg.cluster.database, paths.dbFile);
  const { integrity, box } = await stepIntegrity(cfg, paths, sql);
  const users = await UserRepo.open(sql); // users cached: every request resolves one (store/users.ts)
  const firstPassword = await stepAdmin(users, paths.dataDir);

  const bus = new EventBus();
  const segments = new SegmentRepo(sql);
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
  const cameras = new CameraService(new CameraRepo(sql, box), media, bus, stepCameras(cfg), cfg.cluster.nodeId);
  await cameras.load();
  const onvif = new OnvifService({
    cameras,
    repo: new OnvifRepo(sql),
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
  await onvif.load();

  setSnapshotTimeZone(cfg.site.timeZone);
  const zones = await ZoneRepo.open(sql); // every camera's zones cached (alarms/zone-repo.ts)
  const alarms = await AlarmService.open({
    sql,
    zones,
    bus,
    dataDir: paths.dataDir,
    cameraName: (id) => cameras.get(id)?.name,
    cooldownMs: cfg.analytics.alarmCooldownSeconds * 1000,
  });
  const analytics = new LiveAnalytics({
    cameras,
    zones,
    alarms,
    bus,
    liveDir: (id) => media.liveDir(id),
    llRing: (id) => media.llRing(id, 'live'),
    ffmpegPath: ff.ffmpegPath,
    settings: cfg.analytics,
  });

  const snapshots = new FfmpegSnapshots(ff.ffmpegPath, paths.dataDir, (id) => media.liveDir(id));
  const patrol = createPatrol({
    sql,
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
    // preset stops (issue L point 1): moved over ONVIF, each move audited as ptz.goto (evidence exists by then)
    ptz: { gotoPreset: (id, preset) => onvif.gotoPreset(id, preset), idle: (id) => onvif.ptzIdle(id) },
    ptzAudit: (e) => evidence.audit.record(e),
    checkpoint: () => integrity.newestLogCheckpoint(),
    equipmentProblems: () => equipmentProblems(sql, cameras.list(), cfg.patrol.equipmentCompleteness, cfg.storage.segmentSeconds),
  });
  if (cfg.demo) {
    const seeded = await seedDemoRoute(patrol.routes, demoCameras(ROOT).map((d) => d.id).filter((id) => cameras.get(id) !== undefined));
    if (seeded) log.info('demo: created patrol route', { id: seeded.id, name: seeded.name });
  }
  const stopCameraWatch = watchCameraStates(bus, patrol.log, {
    debounceMs: cfg.patrol.cameraDebounceSeconds * 1000,
    cameraName: (id) => cameras.get(id)?.name,
  });
  const stopMissedCheck = patrol.compliance.startScheduler(patrol.log);
  const stopAlarmWatch = watchAlarms(bus, patrol.log);
  // dispatch to a guard's phone (issue L point 2): its steps in the duty log, not-accepted timers from the stored deadlines
  const dispatch = new DispatchService({
    sql,
    bus,
    alarms,
    dataDir: paths.dataDir,
    acceptMs: cfg.alarms.dispatchAcceptSeconds * 1000,
    cameraName: (id) => cameras.get(id)?.name,
  });
  const stopDispatchWatch = watchDispatches(bus, patrol.log);
  await dispatch.start();

  const evidence = createEvidence({
    sql,
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
  // rounds in progress before a restart: drive their current preset stop (a failed read is logged, start-up goes on)
  await patrol.ptz.resume().catch((e: unknown) => log.error('cannot resume the PTZ moves of rounds in progress', { err: e }));
  // manual PTZ on the single view: waits for / is refused by a round's PTZ lock, each gesture audited as ptz.move
  onvif.ptzControl.connect({ locks: patrol.ptz.locks, audit: (e) => evidence.audit.record(e) });
  addTimelineSources(evidence.timeline, alarms, patrol);

  // events over MQTT and Home Assistant discovery (issue J, docs/mqtt.md): only when a broker is configured
  const mqtt = createMqtt({ cluster: cfg.cluster, version: VERSION, bus, cameras, alarms, zones, sql, dutyLog: patrol.log });
  const nodes = createNodes(cfg.cluster, () => cameras.list().length);
  // other nodes' cameras on this node's list and wall: only when their video can play through this node
  const remoteCameras = cfg.cluster.secret && cfg.cluster.mqtt
    ? new RemoteCameras({ published: () => nodes.allRemoteCameras(), isLocal: (id) => cameras.get(id) !== undefined, bus })
    : undefined;
  const metrics = new Metrics({
    bus,
    cameras: () => cameras.list().map((c) => ({ id: c.id, status: cameras.view(c).status })),
    analytics: () => analytics.status(),
    storage: () => evidence.retention.status(),
    openAlarms: () => alarms.openAlarmCount(),
    fpsIn: () => media.ll.inputFps(),
    segmentBytes: async (path) => (await segments.byPath(path))?.bytes,
    mqtt: mqtt && (() => mqtt.status()),
    dbCacheListener: sql.engine === 'postgres' ? () => cacheSync?.status() : undefined,
  });
  bus.on('camera.state', (e) => {
    // a restart: the pipelines came back after a failure (or were restarted) — offline → online / starting
    if (e.previous?.status === 'offline' && e.state.status !== 'offline') void recordRestart(sql, e.cameraId, Date.now(), e.previous.reason ?? null);
  });
  const sessionTtlMs = cfg.server.sessionHours * 3600_000;
  const sessions = await SessionRepo.open(sql, sessionTtlMs, users); // live sessions cached (store/sessions.ts)
  const groups = await CameraGroupRepo.open(sql); // groups and their cameras cached (rights on every request)
  sessions.onRevoked = (userId) => bus.emit('user.revoked', { userId });
  groups.onDeleted = (id) => users.forgetGroup(id);
  const cacheSync = await startCacheSync(sql, cfg.cluster.database, { users, groups, sessions, bus }); // PostgreSQL: other servers' writes reach these caches
  const app = createApp({
    version: VERSION,
    cameras,
    nodes, // itself, then the nodes seen on the MQTT broker (server/cluster/)
    videoProxy: cfg.cluster.secret ? { secret: cfg.cluster.secret, holderOf: (id) => nodes.holderOf(id) } : undefined,
    remoteCameras, // other nodes' cameras in the camera list and event stream (server/cluster/remote-cameras.ts)
    bus,
    users,
    sessions,
    limiter: new FailureLimiter({ pair: 5, ip: 30 }, 5 * 60_000),
    sessionTtlMs,
    groups,
    rights: new RightsService(groups),
    sql,
    trustProxy: cfg.server.trustProxy,
    allowedOrigins: cfg.server.allowedOrigins,
    liveDir: (id) => media.liveDir(id),
    mainLiveDir: (id) => media.mainLiveDir(id),
    llRing: (id, stream) => media.llRing(id, stream),
    webDist: join(ROOT, 'web', 'dist'),
    onvif,
    evidence,
    alarms: { service: alarms, analytics, zones, ffmpegPath: ff.ffmpegPath, dispatch },
    patrol: { patrol, snapshotPath: (f) => snapshots.path(f) },
    integrity,
    metrics,
    metricsToken: cfg.metrics.token,
    timeZone: cfg.site.timeZone,
    equipmentThreshold: cfg.patrol.equipmentCompleteness,
    segmentSeconds: cfg.storage.segmentSeconds,
    // the camera form's "test connection" (startup/probe-camera.ts)
    probeCamera: cameraProber(ff, cfg.media.rtspTimeoutSeconds),
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
  mqtt?.start();
  nodes.start();
  remoteCameras?.start();
  void evidence.start(file).finally(() => integrity.checkpointer.start());
  void analytics.start();
  if (cfg.onvif.discoverOnStart) {
    // opt-in only: never probe the network unasked
    void onvif.discover().catch((err: unknown) => log.warn('start-up discovery failed', { err }));
  }
  const purge = setInterval(() => {
    sessions.purgeExpired().catch((err: unknown) => log.warn('could not purge expired sessions', { err }));
  }, 3600_000);
  purge.unref();
  log.info('listening', { url: `http://localhost:${port}/`, cameras: cameras.list().length });
  process.stdout.write(`Watchpost ${VERSION} is up: http://localhost:${port}/\n`);
  process.stdout.write(startupBlock({ port, paths, cameras: cameras.list().length, demo: cfg.demo, users: users.count(), firstPassword }));

  // in this order on SIGINT/SIGTERM; a full disk never ends the process (startup/shutdown.ts)
  installShutdown(server, bus, [
    () => mqtt?.stop(), // first: "offline", and the states as they were while running (not the pipelines stopping)
    () => remoteCameras?.stop(),
    () => nodes.stop(),
    stopCameraWatch,
    stopMissedCheck,
    stopAlarmWatch,
    stopDispatchWatch,
    () => dispatch.stop(),
    () => evidence.stop(),
    () => analytics.stop(),
    () => onvif.ptzControl.stopAll(), // no dome left turning
    () => media.stopAll(),
    () => dutyWriter(patrol.log).settled(), // queued duty-log entries written (a full disk keeps them: logged)
    () => evidence.audit.settled(), // and the audit entries the stops above recorded
    () => integrity.checkpointer.stop(), // the last checkpoint covers everything written until now
    () => cacheSync?.stop(),
    () => sql.close(), // the one connection both layers share (closes the legacy handle too)
  ]);
}

main().catch((e: unknown) => {
  log.error('start-up failed', { err: e });
  process.exit(1);
});
