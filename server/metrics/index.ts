/**
 * Prometheus metrics (issue K): `GET /metrics` in the text exposition format, built with prom-client.
 * Never open by default: a logged-in admin or supervisor session, or `Authorization: Bearer <metrics.token>`
 * when a token is configured (for a Prometheus scraper). Gauges are read from the services at scrape time;
 * counters and histograms are fed by the event bus and an HTTP middleware.
 *
 *  watchpost_camera_up{camera}                  1 online, 0 otherwise
 *  watchpost_camera_restarts_total{camera}      pipeline (re)starts after a failure
 *  watchpost_camera_fps_in{camera,stream}       frames per second coming in (the last 5 s of the live output;
 *                                               stream live = what the wall plays, main = the main stream's)
 *  watchpost_segments_written_total{camera}     recording segments indexed
 *  watchpost_recording_bytes_total{camera}      bytes of those segments
 *  watchpost_analysis_fps{camera}               analysed frames per second
 *  watchpost_analysis_dropped_frames{camera}    frames dropped by the analysis (since start)
 *  watchpost_detector_latency_seconds           inference time (histogram of 2 s averages)
 *  watchpost_http_request_duration_seconds      by method, route and status class
 *  watchpost_disk_free_bytes, watchpost_recordings_bytes, watchpost_open_alarms
 *  watchpost_mqtt_connected, watchpost_mqtt_auth_failed, watchpost_mqtt_queued_events, watchpost_mqtt_messages_published
 *  (only with a broker)
 *  watchpost_db_cache_listener_up, watchpost_db_cache_listener_losses
 *                                               PostgreSQL only: the connection that keeps the caches of users,
 *                                               sessions and groups in step with other servers (docs/cluster.md)
 * plus prom-client's default process metrics (CPU, memory, event loop lag).
 */
import type { Request, RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { timingSafeEqual } from 'node:crypto';
import type { EventBus } from '../events/bus.ts';
import { forbidden } from '../util/errors.ts';

export interface MetricsSources {
  bus: EventBus;
  cameras: () => { id: string; status: string }[];
  analytics: () => { cameras: { cameraId: string; analysedFps: number; dropped: number }[]; detector?: { runs: number; inferMsAvg: number } };
  storage: () => Promise<{ freeBytes: number; recordingsBytes: number }>;
  openAlarms: () => number | Promise<number>;
  /** frames per second coming in per camera stream (the LL-HLS rings) */
  fpsIn: () => { cameraId: string; stream: string; fps: number }[];
  segmentBytes: (path: string) => Promise<number | undefined>;
  /** the MQTT publisher's connection (docs/mqtt.md); absent without a broker */
  mqtt?: () => { connected: boolean; authFailed: boolean; published: number; queued: number };
  /** the cache-invalidation listener (server/store/sql/cache-events.ts); absent on SQLite */
  dbCacheListener?: () => { listening: boolean; losses: number } | undefined;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private sampler: NodeJS.Timeout | undefined;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly s: MetricsSources) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'watchpost_' });
    const safe = (fn: () => void) => {
      try {
        fn();
      } catch {
        /* a source that cannot answer leaves the gauge as it was */
      }
    };
    new Gauge({
      name: 'watchpost_camera_up', help: 'Camera online (1) or not (0)', labelNames: ['camera'], registers: [r],
      collect() {
        safe(() => {
          this.reset();
          for (const c of s.cameras()) this.set({ camera: c.id }, c.status === 'online' ? 1 : 0);
        });
      },
    });
    new Gauge({
      name: 'watchpost_camera_fps_in', help: 'Frames per second coming in (last 5 s)', labelNames: ['camera', 'stream'], registers: [r],
      collect() {
        safe(() => {
          this.reset();
          for (const c of s.fpsIn()) this.set({ camera: c.cameraId, stream: c.stream }, Math.round(c.fps * 100) / 100);
        });
      },
    });
    const restarts = new Counter({ name: 'watchpost_camera_restarts_total', help: 'Pipeline restarts after a failure', labelNames: ['camera'], registers: [r] });
    const segments = new Counter({ name: 'watchpost_segments_written_total', help: 'Recording segments indexed', labelNames: ['camera'], registers: [r] });
    const bytes = new Counter({ name: 'watchpost_recording_bytes_total', help: 'Bytes of recording segments indexed', labelNames: ['camera'], registers: [r] });
    new Gauge({
      name: 'watchpost_analysis_fps', help: 'Analysed frames per second', labelNames: ['camera'], registers: [r],
      collect() {
        safe(() => {
          this.reset();
          for (const c of s.analytics().cameras) this.set({ camera: c.cameraId }, c.analysedFps);
        });
      },
    });
    new Gauge({
      name: 'watchpost_analysis_dropped_frames', help: 'Frames dropped by the analysis since start', labelNames: ['camera'], registers: [r],
      collect() {
        safe(() => {
          this.reset();
          for (const c of s.analytics().cameras) this.set({ camera: c.cameraId }, c.dropped);
        });
      },
    });
    const latency = new Histogram({
      name: 'watchpost_detector_latency_seconds', help: 'Detector inference time (2 s averages, one observation per inference)', registers: [r],
      buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1],
    });
    const storage = async (fn: (st: { freeBytes: number; recordingsBytes: number }) => void) => {
      try {
        fn(await s.storage());
      } catch {
        /* a source that cannot answer leaves the gauge as it was */
      }
    };
    new Gauge({ name: 'watchpost_disk_free_bytes', help: 'Free bytes on the recordings disk', registers: [r], async collect() { await storage((st) => this.set(st.freeBytes)); } });
    new Gauge({ name: 'watchpost_recordings_bytes', help: 'Bytes of indexed recordings', registers: [r], async collect() { await storage((st) => this.set(st.recordingsBytes)); } });
    new Gauge({
      name: 'watchpost_open_alarms', help: 'Alarms not resolved', registers: [r],
      async collect() {
        try {
          this.set(await s.openAlarms());
        } catch {
          /* the database cannot answer: the gauge stays as it was */
        }
      },
    });
    const mq = s.mqtt;
    if (mq) {
      new Gauge({ name: 'watchpost_mqtt_connected', help: 'Connected to the MQTT broker (1) or not (0)', registers: [r], collect() { safe(() => this.set(mq().connected ? 1 : 0)); } });
      new Gauge({ name: 'watchpost_mqtt_auth_failed', help: 'The MQTT broker refused the login (1)', registers: [r], collect() { safe(() => this.set(mq().authFailed ? 1 : 0)); } });
      new Gauge({ name: 'watchpost_mqtt_queued_events', help: 'Outbox messages (alarm events, duty-log entries) waiting for the MQTT broker PUBACK', registers: [r], collect() { safe(() => this.set(mq().queued)); } });
      new Gauge({ name: 'watchpost_mqtt_messages_published', help: 'MQTT messages published since start', registers: [r], collect() { safe(() => this.set(mq().published)); } });
    }
    const cl = s.dbCacheListener;
    if (cl) {
      const read = (fn: (st: { listening: boolean; losses: number }) => void) => safe(() => {
        const st = cl();
        if (st) fn(st);
      });
      new Gauge({ name: 'watchpost_db_cache_listener_up', help: 'PostgreSQL: listening for other servers\' changes to users, sessions and groups (1) or not (0)', registers: [r], collect() { read((st) => this.set(st.listening ? 1 : 0)); } });
      new Gauge({ name: 'watchpost_db_cache_listener_losses', help: 'PostgreSQL: times the listening connection was lost since start', registers: [r], collect() { read((st) => this.set(st.losses)); } });
    }
    this.http = new Histogram({
      name: 'watchpost_http_request_duration_seconds', help: 'HTTP requests by method, route and status class', labelNames: ['method', 'route', 'status'], registers: [r],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    });

    this.offs.push(
      s.bus.on('segment.indexed', (e) => {
        segments.inc({ camera: e.cameraId });
        s.segmentBytes(e.path).then(
          (b) => {
            if (b) bytes.inc({ camera: e.cameraId }, b);
          },
          () => undefined, // the counter misses one segment's bytes; never an unhandled rejection
        );
      }),
      s.bus.on('camera.state', (e) => {
        if (e.previous?.status === 'offline' && e.state.status !== 'offline') restarts.inc({ camera: e.cameraId });
      }),
    );
    let last = { runs: 0, avg: 0 };
    this.sampler = setInterval(() => {
      safe(() => {
        const d = s.analytics().detector;
        if (!d) return;
        const n = d.runs - last.runs;
        // the service keeps a running average: the average of this interval follows from the two
        const avgMs = n > 0 ? (d.inferMsAvg * d.runs - last.avg * last.runs) / n : 0;
        for (let i = 0; i < Math.min(n, 200); i++) latency.observe(Math.max(0, avgMs) / 1000);
        last = { runs: d.runs, avg: d.inferMsAvg };
      });
    }, 2000);
    this.sampler.unref();
  }

  /** Times every request; the route label is the matched route pattern (never a raw id). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.http.startTimer();
      res.on('finish', () => {
        const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || 'unmatched';
        end({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
      });
      next();
    };
  }

  stop(): void {
    clearInterval(this.sampler);
    for (const off of this.offs) off();
  }
}

/** Who may scrape: the configured bearer token, else a logged-in admin or supervisor who sees every camera. */
export function metricsAccess(token: string | undefined, session: RequestHandler, seesAll: (user: NonNullable<Request['user']>) => boolean): RequestHandler {
  const want = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return (req, res, next) => {
    const got = Buffer.from(req.get('authorization') ?? '');
    if (want && got.length === want.length && timingSafeEqual(got, want)) return next();
    session(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (req.user?.role !== 'admin' && req.user?.role !== 'supervisor') return next(forbidden('metrics: needs role admin or supervisor, or the metrics token'));
      if (!seesAll(req.user)) return next(forbidden('metrics name every camera: only for users who may see all cameras'));
      next();
    });
  };
}
