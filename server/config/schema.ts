import { z } from 'zod';
import { hostname } from 'node:os';
import { CAMERA_ID_RE } from '../cameras/types.ts';
import { NODE_ID_RE, NODE_ROLES } from '../../shared/wire/nodes.ts';

/** Strict config schema: unknown keys are errors, every error carries its path. */

/** Whether Intl accepts `tz` as a time zone (IANA names; "UTC" too). */
export function isTimeZone(tz: string): boolean {
  if (!tz.trim()) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The server's own time zone (TZ, /etc/localtime), UTC when Intl cannot tell. */
export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const rtspUrl = z
  .string()
  .refine((s) => /^rtsps?:\/\/[^/\s]+/i.test(s), { message: 'must be an rtsp:// or rtsps:// URL' });

export const cameraSchema = z
  .strictObject({
    id: z.string().regex(CAMERA_ID_RE, 'lowercase letters, digits, - and _ (max 63), starting with a letter or digit'),
    name: z.string().min(1).max(100),
    url: rtspUrl.optional(),
    file: z.string().min(1).optional(),
    subUrl: rtspUrl.optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    enabled: z.boolean().default(true),
    retentionDays: z.number().int().positive().optional(),
  })
  .refine((c) => (c.url ? 1 : 0) + (c.file ? 1 : 0) === 1, {
    message: 'give exactly one of url (RTSP) or file (looped video file)',
  });

/** A node id as it appears in MQTT topics and Home Assistant ids: like a camera id. */

/** The host name made topic-safe (lowercase, other characters as "-"), else "local": the default node id. */
export function defaultNodeId(host = hostname()): string {
  const s = host.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 63);
  return NODE_ID_RE.test(s) ? s : 'local';
}

/** mqtt://[user[:password]@]host[:port] or mqtts://…; anything else (ws://, tcp://, a bare host) is refused. */
export const mqttUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'mqtt:' || u.protocol === 'mqtts:') && u.hostname !== '' && (u.pathname === '' || u.pathname === '/');
  } catch {
    return false;
  }
}, { message: 'must be an mqtt:// or mqtts:// URL: mqtt://user:password@host:1883 (other schemes are not supported)' });

/** MQTT events and Home Assistant discovery (docs/mqtt.md). A URL string is short for {url}. */
export const mqttSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { url: v } : v),
  z.strictObject({
    url: mqttUrl,
    /** Alarm snapshots (JPEG) on watchpost/<node>/camera/<id>/snapshot for the Home Assistant camera entity. */
    snapshots: z.boolean().default(true),
    /** Home Assistant MQTT discovery configs under discoveryPrefix. */
    discovery: z.boolean().default(true),
    discoveryPrefix: z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'topic levels of letters, digits, - and _').default('homeassistant'),
    /** The node's heartbeat on watchpost/<node>/info; other nodes count it offline after 3 missed ones (12 s: under 15 s however the cut falls). */
    heartbeatSeconds: z.number().int().min(1).max(60).default(4),
  }),
);

/** http(s)://host[:port] with nothing else (no user, query or fragment): what another node connects to. */
export const nodeUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && (u.pathname === '' || u.pathname === '/') && !u.username && !u.password && !u.search && !u.hash && !/\s/.test(s);
  } catch {
    return false;
  }
}, { message: 'must be an http:// or https:// URL of the node itself (no path, user, query or fragment): http://10.0.0.5:8080' });

/** Issue J: one box today; recorder / central roles and PostgreSQL are not built yet (load.ts refuses them). */
export const clusterSchema = z
  .strictObject({
    role: z.enum(NODE_ROLES).default('standalone'),
    nodeId: z.string().regex(NODE_ID_RE, 'lowercase letters, digits, - and _ (max 63), starting with a letter or digit').default(() => defaultNodeId()),
    centralUrl: z.string().regex(/^https?:\/\/[^/\s]+/, 'must be an http:// or https:// URL').optional(),
    database: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
    mqtt: mqttSchema.optional(),
    /** The URL other nodes reach this node at (its video through another node: docs/cluster.md), announced in its heartbeat. */
    url: nodeUrl.optional(),
    /** The shared secret nodes sign proxied video requests with (server/cluster/token.ts); at least 32 bytes; never logged. */
    secret: z.string().refine((s) => Buffer.byteLength(s, 'utf8') >= 32, { message: 'must be at least 32 bytes (e.g. openssl rand -base64 48); the value is not shown' }).optional(),
  })
  .prefault({});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      port: z.number().int().min(0).max(65535).default(8080),
      host: z.string().default('0.0.0.0'),
      /** Session lifetime in hours (sliding). Wall displays stay logged in. */
      sessionHours: z.number().positive().default(24 * 7),
      /** Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs); none by default. */
      trustProxy: z.array(z.string().min(1)).default([]),
      /** Other origins (scheme://host:port) allowed to send state-changing requests, e.g. a proxy's public name. */
      allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'scheme://host[:port]')).default([]),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /** Database and (by default) recordings. */
      dataDir: z.string().default('./recordings'),
      recordingsDir: z.string().optional(),
      /** Where live HLS playlists go (tmpfs recommended). */
      liveDir: z.string().optional(),
      retentionDays: z.number().int().positive().default(30),
      /** Total disk quota for recordings in GB; 0 = no quota. */
      diskQuotaGb: z.number().min(0).default(0),
      segmentSeconds: z.number().int().min(2).max(300).default(10),
      /** Low-disk alarm when free space on the recordings disk falls under this percentage (0 = off). */
      lowDiskPercent: z.number().min(0).max(99).default(10),
      /** Free-space floor, even with no quota: retention deletes the oldest footage to keep this percentage free… */
      minFreePercent: z.number().min(0).max(50).default(5),
      /** …and at least this many GB (capped at a fifth of the disk). */
      minFreeGb: z.number().min(0).default(2),
      /** When evidence locks alone exceed the quota or the floor, each camera's newest footage of this many hours is kept. */
      minKeepHours: z.number().min(0).max(24 * 365).default(24),
      /** Where evidence export bundles are written; default <dataDir>/.exports. */
      exportsDir: z.string().optional(),
      /** Signing and secret keys; default the data dir. Put them on another disk or a removable key store. */
      keysDir: z.string().optional(),
      /** Signed checkpoints of the chains, appended as JSON lines; default <dataDir>/checkpoints. Another disk is best. */
      checkpointsDir: z.string().optional(),
      /** A checkpoint is signed at most this often while there are new entries (and at shutdown). */
      checkpointSeconds: z.number().int().min(1).max(60).default(60),
    })
    .prefault({}),
  /** Audit trail (docs/evidence.md). */
  audit: z
    .strictObject({
      /** A viewer whose player sent no request for this long has stopped watching. */
      viewIdleSeconds: z.number().min(1).max(600).default(20),
    })
    .prefault({}),
  media: z
    .strictObject({
      ffmpegPath: z.string().optional(),
      hlsSegmentSeconds: z.number().min(0.5).max(10).default(1),
      hlsListSize: z.number().int().min(3).max(30).default(6),
      /** A pipeline with no new segment for this many segment lengths is restarted as stalled. */
      stallSegments: z.number().int().min(2).max(20).default(3),
      /** Network timeout for RTSP reads, seconds. */
      rtspTimeoutSeconds: z.number().int().min(1).max(60).default(5),
    })
    .prefault({}),
  /** Patrol rounds and the duty log (docs/patrol.md). */
  patrol: z
    .strictObject({
      /** Shifts for compliance, reports and handovers; a shift may run past midnight. */
      shifts: z
        .array(
          z.strictObject({
            id: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'lowercase letters, digits, - and _'),
            name: z.string().min(1).max(50),
            start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
            end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
          }),
        )
        .min(1)
        .optional(),
      /** How far live video lags the wall clock: the recorded range of a stop is shifted by this. */
      liveLatencySeconds: z.number().min(0).max(30).default(3),
      /** A camera must stay offline (or back online) this long before the duty log records it. */
      cameraDebounceSeconds: z.number().min(0).max(3600).default(30),
      /** Daily equipment check: a camera recording less than this share of the day is flagged (issue L). */
      equipmentCompleteness: z.number().min(0).max(1).default(0.99),
    })
    .prefault({}),
  /** ONVIF discovery and onboarding (docs/onvif.md). Discovery runs only when an admin asks, unless opted in here. */
  onvif: z
    .strictObject({
      /** Send one WS-Discovery probe at start-up and log what answers (default off: never probe unasked). */
      discoverOnStart: z.boolean().default(false),
      /** How long a discovery listens for answers. */
      discoveryWaitMs: z.number().int().min(1500).max(10_000).default(2000),
      /** Timeout of one SOAP request to a camera. */
      requestTimeoutMs: z.number().int().min(500).max(30_000).default(3000),
      /** Budget of a whole probe / onboarding. */
      onboardTimeoutMs: z.number().int().min(1000).max(60_000).default(8000),
      /** Warn when a camera's clock is off by more than this. */
      clockWarnSeconds: z.number().min(1).max(3600).default(5),
    })
    .prefault({}),
  /** Live detection on cameras with zones (docs/detection.md). A missing/corrupt model disables it, video keeps working. */
  analytics: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Frames analysed per second per camera (a maximum in key-frame mode). */
      fps: z.number().min(0.2).max(10).default(2),
      /** Decode only key frames of the live stream (cheap; needs a 1–2 s GOP). */
      keyframesOnly: z.boolean().default(false),
      /** onnxruntime intra-op threads. */
      threads: z.number().int().min(1).max(8).default(1),
      /** Detector worker threads (one onnxruntime session each); 0 = inference on the main thread. */
      workers: z.number().int().min(0).max(8).default(1),
      /** Model manifest (default models/yolox_nano.json). */
      modelManifest: z.string().min(1).optional(),
      /**
       * An alarm that fires again within this many seconds of its previous end (same camera, zone and
       * kind) joins that alarm instead of raising a new one; alarms holding at shutdown are continued if
       * they fire again within this long after start-up. 0 = every restart is a new alarm.
       */
      alarmCooldownSeconds: z.number().min(0).max(3600).default(120),
    })
    .prefault({}),
  /** Alarm handling (issue L point 2): a dispatch to a guard's phone not accepted ("on my way") within this
   *  many seconds is flagged to the post (SSE, the alarm, the duty log). */
  alarms: z
    .strictObject({
      dispatchAcceptSeconds: z.number().int().min(1).max(86_400).default(120),
    })
    .prefault({}),
  /** The site (issue H point 4). */
  site: z
    .strictObject({
      /**
       * IANA time zone of the site, e.g. Asia/Shanghai. The server runs in it (util/site-time.ts): patrol days and
       * shifts, recording folders, alarm snapshot labels, CSV times. Default: the server's zone.
       */
      timeZone: z
        .string()
        .refine(isTimeZone, { message: 'must be an IANA time zone name that this Node knows, e.g. Asia/Shanghai or Europe/Berlin' })
        .default(serverTimeZone),
    })
    .prefault({}),
  /** Prometheus metrics at GET /metrics (issue K): an admin/supervisor session, or this bearer token. */
  metrics: z
    .strictObject({
      token: z.string().min(16, 'at least 16 characters').optional(),
    })
    .prefault({}),
  /** Beyond one box (issue J): role, node id, MQTT (docs/mqtt.md). */
  cluster: clusterSchema,
  /** Start the built-in demo cameras (from the pedestrian clip). Default: only when no config file. */
  demo: z.boolean().optional(),
  cameras: z.array(cameraSchema).default([]),
});

export type WatchpostConfig = z.infer<typeof configSchema>;
export type CameraEntry = z.infer<typeof cameraSchema>;
export type ClusterConfig = WatchpostConfig['cluster'];
export type MqttConfig = NonNullable<ClusterConfig['mqtt']>;
