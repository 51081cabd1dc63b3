import express, { type Express } from 'express';
import type { CameraService } from '../cameras/service.ts';
import type { EventBus } from '../events/bus.ts';
import type { FailureLimiter } from '../auth/rate-limit.ts';
import type { SessionRepo } from '../store/sessions.ts';
import type { UserRepo } from '../store/users.ts';
import { guardOnly, requireRole, requireSession, wallOnly } from './auth.ts';
import { dispatchesRouter } from './routes/dispatches.ts';
import type { DispatchService } from '../dispatch/service.ts';
import { apiNotFound, errorHandler } from './errors.ts';
import type { User } from '../store/users.ts';
import { camerasRouter, type RemoteCameraList, type SourceProber } from './routes/cameras.ts';
import { eventsRouter } from './routes/events.ts';
import { healthRouter } from './routes/health.ts';
import { hlsRouter } from './routes/hls.ts';
import { hlsMux } from './routes/hls-mux.ts';
import type { LlStream } from '../media/llhls/hub.ts';
import type { PartRing } from '../media/llhls/part-ring.ts';
import { sessionRouter } from './routes/session.ts';
import { refuseLoneSurrogates } from '../integrity/text.ts';
import { consoleRouter } from './static.ts';
import type { Evidence } from '../evidence/index.ts';
import { auditChanges, auditLiveViews, auditLogins } from '../audit/http.ts';
import { alarmsRouter, type GuardDispatch } from './routes/alarms.ts';
import { analyticsRouter } from './routes/analytics.ts';
import { zonesRouter } from './routes/zones.ts';
import type { AlarmService } from '../alarms/service.ts';
import type { ZoneRepo } from '../alarms/zone-repo.ts';
import type { LiveAnalytics } from '../analytics/live/service.ts';
import { discoveryRouter } from './routes/discovery.ts';
import { onvifRouter } from './routes/onvif.ts';
import type { OnvifService } from '../onvif/service.ts';
import { patrolRouter } from './routes/patrol.ts';
import { dutyLogRouter, handoverRouter } from './routes/dutylog.ts';
import { reportsRouter } from './routes/reports.ts';
import { usersRouter } from './routes/users.ts';
import { cameraGroupsRouter } from './routes/camera-groups.ts';
import { sessionsRouter } from './routes/sessions.ts';
import { csrfGuard } from './csrf.ts';
import type { CameraGroupRepo } from '../store/camera-groups.ts';
import type { RightsService } from '../access/rights.ts';
import { cameraGuard } from '../access/guard.ts';
import { listRoutes } from './route-list.ts';
import { openApiDocument } from './openapi.ts';
import { equipmentRouter } from './routes/equipment.ts';
import { nodesRouter, type NodesView } from './routes/nodes.ts';
import { evidenceRouter } from './routes/evidence.ts';
import { clusterVideo, type ClusterVideoDeps } from '../cluster/proxy.ts';
import { wallViewsRouter } from '../wallviews/routes.ts';
import { WallViewRepo } from '../wallviews/repo.ts';
import { metricsAccess, type Metrics } from '../metrics/index.ts';
import type { Patrol } from '../patrol/index.ts';
import type { SqlDb } from '../store/sql/db.ts';
import type { Integrity } from '../integrity/index.ts';

export interface AppDeps {
  version: string;
  cameras: CameraService;
  /** GET /api/nodes (issue J): the nodes of the installation, their state and cameras */
  nodes: NodesView;
  /** video of other nodes' cameras through this one (server/cluster/proxy.ts); absent without cluster.secret */
  videoProxy?: { secret: string; holderOf: ClusterVideoDeps['holderOf'] };
  /** other nodes' cameras in GET /api/cameras and /api/events (issue J); absent without cluster.secret or a broker */
  remoteCameras?: Pick<RemoteCameraList, 'list' | 'get'>;
  bus: EventBus;
  users: UserRepo;
  sessions: SessionRepo;
  limiter: FailureLimiter;
  sessionTtlMs: number;
  groups: CameraGroupRepo;
  rights: RightsService;
  /** the SQL layer (docs/cluster.md): every table the routes read and write */
  sql: SqlDb;
  /** reverse proxies whose X-Forwarded-For is believed (server.trustProxy); none by default */
  trustProxy: string[];
  /** other origins allowed to send state-changing requests (server.allowedOrigins) */
  allowedOrigins: string[];
  liveDir: (cameraId: string) => string;
  /** The main stream's live HLS dir for the single-camera view, when the camera has a sub-stream. */
  mainLiveDir: (cameraId: string) => string | undefined;
  /** LL-HLS ring of a camera's live stream (issue I point 1) */
  llRing: (cameraId: string, stream: LlStream) => PartRing | undefined;
  webDist: string;
  /** Live detection zones, alarms and their handling (issue C). */
  alarms: { service: AlarmService; analytics: LiveAnalytics; zones: ZoneRepo; ffmpegPath: string; dispatch: DispatchService };
  /** ONVIF discovery, onboarding, snapshots, PTZ presets (issue B). */
  onvif: OnvifService;
  /** Recording review, retention, evidence export, audit trail (issue E). */
  evidence: Evidence;
  /** Patrol rounds, duty log, handovers, reports, users (issue D). */
  patrol: {
    patrol: Patrol;
    snapshotPath: (file: string) => string | undefined;
  };
  /** Site key and signed checkpoints (issue F). */
  integrity: Integrity;
  /** Prometheus metrics (issue K) and who may scrape them */
  metrics: Metrics;
  metricsToken?: string;
  /** the site's time zone (site.timeZone) for printed sheets */
  timeZone: string;
  /** a camera under this recording completeness is flagged in the equipment check (patrol.equipmentCompleteness) */
  equipmentThreshold: number;
  /** storage.segmentSeconds (the live edge of the recordings) */
  segmentSeconds: number;
  /** ffprobe of a camera source for POST /api/cameras/test */
  probeCamera: SourceProber;
}

/** The HTTP surface. One router per resource; everything but health and login needs a session. */
export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', d.trustProxy.length ? d.trustProxy : false);
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'same-origin');
    res.set('X-Frame-Options', 'SAMEORIGIN');
    next();
  });

  // login bodies are stored sanitised (a failed-login name is always audited); everything a logged-in
  // person sends is refused with 400 invalid_text when it has a lone surrogate (server/integrity/text.ts)
  const loginJson = express.json({ limit: '256kb' });
  const json = [loginJson, refuseLoneSurrogates];
  app.use('/api', csrfGuard(d.allowedOrigins));
  app.use(d.metrics.middleware());
  app.get('/metrics', metricsAccess(d.metricsToken, requireSession(d.sessions), (u) => d.rights.of(u).all), async (_req, res) => {
    res.set('Content-Type', d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
  });
  app.use('/api/health', healthRouter(d.cameras, d.version));
  const audit = d.evidence.audit;
  app.use('/api/session', loginJson, auditLogins(audit, d.users));
  app.use(
    '/api/session',
    loginJson,
    sessionRouter({
      ...d,
      ttlMs: d.sessionTtlMs,
      onLockout: (e) =>
        audit.record({ action: 'login.locked', actor: { username: e.username, ip: e.ip }, target: e.username, detail: { scope: e.scope, retryAfterSeconds: Math.ceil(e.retryAfterMs / 1000) } }),
    }),
  );

  const auth = requireSession(d.sessions);
  app.use('/api', auth);
  // bodies are parsed before the camera guard looks at them (body-parser skips an already parsed body)
  // the change audit watches before the wall and guard accounts are turned away, so their refusals are audited too
  const guardSources = { alarmCamera: (id: number) => d.alarms.service.cameraOf(id) };
  app.use('/api', loginJson, cameraGuard(d.rights, d.sql, guardSources), auditChanges(audit), wallOnly, guardOnly);
  const a = d.alarms;
  app.use(
    '/api/cameras',
    json,
    zonesRouter({
      cameras: d.cameras,
      zones: a.zones,
      changed: () => a.analytics.sync(),
      liveDir: d.liveDir,
      ffmpegPath: a.ffmpegPath,
      snapshot: (id) => d.onvif.snapshot(id),
      scene: a.analytics,
    }),
  );
  const guardDispatch: GuardDispatch = { dispatch: a.dispatch, users: d.users, canSee: (u, id) => d.rights.canSee(u, id) };
  app.use('/api/alarms', json, alarmsRouter(a.service, guardDispatch));
  app.use('/api/dispatches', dispatchesRouter({ dispatch: a.dispatch, alarms: a.service, users: d.users }));
  app.use('/api/analytics', analyticsRouter(a.analytics));
  // another node's cameras: only for users who may see every camera (the rule of the video proxy and /api/nodes)
  const remote = d.remoteCameras && { list: () => d.remoteCameras!.list(), get: (id: string) => d.remoteCameras!.get(id), mayView: (u: User) => d.rights.of(u).all };
  app.use('/api/cameras', json, camerasRouter(d.cameras, d.probeCamera, remote));
  app.use('/api/nodes', nodesRouter(d.nodes, d.cameras, d.rights));
  app.use('/api/events', eventsRouter(d.cameras, d.bus, (u, id) => d.rights.canSee(u, id), undefined, remote));
  app.use('/api/sessions', sessionsRouter(d.sessions));
  app.use(
    '/api/camera-groups',
    json,
    cameraGroupsRouter({ groups: d.groups, cameraExists: (id) => d.cameras.get(id) !== undefined, rightsChanged: (userIds) => d.bus.emit('user.rights', { userIds }) }),
  );
  app.use('/api/wall-views', json, wallViewsRouter({ views: new WallViewRepo(d.sql), users: d.users, groups: d.groups, rights: d.rights, cameraExists: (id) => d.cameras.get(id) !== undefined }));
  const p = d.patrol;
  app.use('/api/patrol', json, patrolRouter({ patrol: p.patrol, snapshotPath: p.snapshotPath }));
  app.use('/api/dutylog', json, dutyLogRouter(p.patrol, () => d.integrity.verifyDutyLog()));
  app.use('/api/handovers', json, handoverRouter(p.patrol));
  app.use(
    '/api/reports/equipment',
    json,
    equipmentRouter({
      sql: d.sql,
      duty: p.patrol.log,
      now: () => p.patrol.clock.now(),
      threshold: d.equipmentThreshold,
      liveEdgeMs: d.segmentSeconds * 2000 + 5000,
      timeZone: d.timeZone,
      cameras: () => d.cameras.list().map((c) => ({ id: c.id, name: c.name, clockOffsetMs: d.cameras.view(c).clockOffsetMs ?? null })),
    }),
  );
  app.use('/api/reports', reportsRouter(p.patrol));
  app.use('/api/users', json, usersRouter({ users: d.users, sessions: d.sessions, groups: d.groups, cameraExists: (id) => d.cameras.get(id) !== undefined }));
  app.use('/api/discovery', discoveryRouter(d.onvif));
  app.use('/api/onvif', json, onvifRouter(d.onvif, d.cameras));
  app.use('/api', json, evidenceRouter(d.evidence));
  app.get('/api/meta/routes', requireRole('admin'), (_req, res) => res.json(listRoutes(app)));
  app.get('/api/openapi.json', (_req, res) => res.json(openApiDocument(listRoutes(app), d.version)));
  app.use('/api', apiNotFound);

  // the live multiplex (routes/hls-mux.ts): its requests come back in on /hls with the caller's cookie
  const mux = hlsMux();
  app.use('/hls-mux', csrfGuard(d.allowedOrigins), auth, express.json({ limit: '32kb' }), mux.router);
  app.use('/hls', mux.callerIp, clusterVideo({ self: d.nodes.self, secret: d.videoProxy?.secret, holderOf: (id) => d.videoProxy?.holderOf(id), isLocal: (id) => d.cameras.get(id) !== undefined, auth, rights: d.rights, audit, liveViews: auditLiveViews(d.evidence.views), local: hlsRouter(d.cameras, d.liveDir, d.mainLiveDir, d.llRing) }));
  app.use('/hls', auth, cameraGuard(d.rights, d.sql, guardSources), auditLiveViews(d.evidence.views), hlsRouter(d.cameras, d.liveDir, d.mainLiveDir, d.llRing));
  app.use(consoleRouter(d.webDist));
  app.use(errorHandler);
  return app;
}
