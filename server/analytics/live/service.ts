/**
 * Live analytics: a frame tap per enabled camera (one without zones is watched for camera tamper only: key
 * frames, ≤ 1 fps, no detection), one scheduler sharing the detector, rule, exit-zone reference (background.ts)
 * and tamper events turned into alarms (with an annotated snapshot). A missing or corrupt model disables analytics with a
 * reason (logged once); live view, recording, zones and the alarm queue keep working.
 */
import type { CameraConfig } from '../../cameras/types.ts';
import type { EventBus } from '../../events/bus.ts';
import type { PartRing } from '../../media/llhls/part-ring.ts';
import { annotateFrame } from '../../alarms/annotate.ts';
import type { ZoneRepo } from '../../alarms/repo.ts';
import type { AlarmService } from '../../alarms/service.ts';
import { createLogger } from '../../util/log.ts';
import { getDetector, type Detector } from '../detector.ts';
import type { Frame } from '../frames.ts';
import type { AnalyticsStatus, CameraAnalyticsStatus, ZoneSceneStatus } from '../../../shared/wire/analytics.ts';
import { CameraAnalyzer, type StepResult } from '../pipeline.ts';
import type { RuleEvent } from '../rules.ts';
import { greyJpeg } from '../scene-image.ts';
import { TAMPER_TEXT, TAMPER_ZONE } from '../tamper.ts';
import type { Zone } from '../zones.ts';
import { runningScenes, setRunningScenes } from './running.ts';
import { CHANGED_AREA_ID, changedArea, tamperStatus, WHOLE_VIEW } from './alarm-parts.ts';
import { Scheduler, type Lane } from './scheduler.ts';
import { CameraTap } from './tap.ts';
import { VideoClock } from './clock.ts';

const log = createLogger('alarms');

export interface AnalyticsSettings {
  enabled: boolean;
  fps: number;
  keyframesOnly: boolean;
  threads: number;
  /** detector worker threads; 0 = inference on the main thread (default 1) */
  workers?: number;
  modelManifest?: string;
}

export interface LiveAnalyticsOptions {
  cameras: { list(): CameraConfig[]; get(id: string): CameraConfig | undefined };
  zones: ZoneRepo;
  alarms: AlarmService;
  bus: EventBus;
  liveDir: (cameraId: string) => string;
  /** the camera's LL-HLS ring of its live stream, when it has one: frames from memory, on the PDT clock */
  llRing?: (cameraId: string) => PartRing | undefined;
  ffmpegPath?: string;
  settings: AnalyticsSettings;
}

/** The status on the wire: shared/wire/analytics.ts (the console imports the same module). */
export type { AnalyticsStatus, CameraAnalyticsStatus } from '../../../shared/wire/analytics.ts';

interface Watch {
  tap: CameraTap;
  zones: Zone[];
  key: string;
  /** video time → wall clock: the LL-HLS PDT clock for frames from the ring, else receivedAt − t (clock.ts) */
  clock: VideoClock;
  /** Date.now() when the open alarms' last_seen was last stored */
  seenAt: number;
}

/** How often a holding alarm's "last confirmed" time is stored (where a restart closes it if it does not fire again). */
const SEEN_EVERY_MS = 10_000;
/** a camera without zones is watched for tamper only: key frames, at most this rate */
const TAMPER_ONLY_FPS = 1;

export class LiveAnalytics {
  private detector: Detector | undefined;
  private reason: string | undefined;
  private readonly watches = new Map<string, Watch>();
  private scheduler: Scheduler;
  /** rule alarm id → stored alarm id */
  private readonly ids = new Map<number, number>();
  private offBus: (() => void) | undefined;

  constructor(private readonly o: LiveAnalyticsOptions) {
    this.scheduler = new Scheduler((lane, frame, step) => this.onStep(lane, frame, step), log);
    if (!o.settings.enabled) this.reason = 'analytics are disabled in the configuration (analytics.enabled: false)';
  }

  get enabled(): boolean {
    return this.detector !== undefined;
  }

  /** Load the model (a failure disables analytics, logged once) and start watching cameras with zones. */
  async start(): Promise<void> {
    if (!this.o.settings.enabled) {
      log.info('live analytics disabled by configuration');
      return;
    }
    try {
      this.detector = await getDetector({
        manifestPath: this.o.settings.modelManifest,
        intraOpNumThreads: this.o.settings.threads,
        workers: this.o.settings.workers ?? 1,
      });
    } catch (e) {
      this.reason = `detection model unavailable: ${(e as Error).message}`;
      log.error('live analytics disabled: the detection model could not be loaded (live view and recording keep working)', {
        reason: (e as Error).message,
      });
      return;
    }
    if (this.detector.parallelism > 1) this.scheduler = new Scheduler((lane, frame, step) => this.onStep(lane, frame, step), log, this.detector.parallelism);
    this.scheduler.start();
    setRunningScenes(this);
    this.offBus = this.o.bus.on('camera.changed', () => this.sync());
    this.sync();
  }

  /** Start/stop/restart taps to match: enabled cameras with ≥ 1 zone. */
  sync(): void {
    if (!this.detector) return;
    const zonesByCamera = this.o.zones.all();
    const wanted = new Map<string, Zone[]>();
    // every enabled camera: with zones analysed in full, without only for camera tamper
    for (const c of this.o.cameras.list()) if (c.enabled) wanted.set(c.id, zonesByCamera.get(c.id) ?? []);
    for (const [id, w] of this.watches) {
      const z = wanted.get(id);
      if (!z || (z.length === 0) !== (w.zones.length === 0)) this.unwatch(id, w);
      else if (JSON.stringify(z) !== w.key) this.rezone(id, w, z);
    }
    for (const [id, z] of wanted) if (!this.watches.has(id)) this.watch(id, z);
  }

  private watch(cameraId: string, zones: Zone[]): void {
    const detector = this.detector!;
    const tamperOnly = zones.length === 0;
    this.scheduler.add(cameraId, new CameraAnalyzer(detector, zones, { tamper: true }));
    const tap = new CameraTap({
      cameraId,
      liveDir: this.o.liveDir(cameraId),
      ring: this.o.llRing ? () => this.o.llRing!(cameraId) : undefined,
      fps: tamperOnly ? Math.min(TAMPER_ONLY_FPS, this.o.settings.fps) : this.o.settings.fps,
      keyframesOnly: tamperOnly || this.o.settings.keyframesOnly,
      ffmpegPath: this.o.ffmpegPath,
      log,
      // a tap being stopped (the camera's zones were added/removed: new tap) feeds nothing any more
      onFrame: (f) => {
        if (this.watches.get(cameraId)?.tap === tap) this.scheduler.offer(cameraId, f);
        else f.release?.();
      },
    });
    this.watches.set(cameraId, { tap, zones, key: JSON.stringify(zones), clock: new VideoClock(), seenAt: 0 });
    tap.start();
    log.info(tamperOnly ? 'watching camera for tamper (no zones)' : 'analysing camera', { camera: cameraId, zones: zones.length, fps: this.o.settings.fps, keyframesOnly: this.o.settings.keyframesOnly });
  }

  private rezone(cameraId: string, w: Watch, zones: Zone[]): void {
    const lane = this.scheduler.lane(cameraId);
    const closing = lane?.analyzer.finish() ?? [];
    this.scheduler.add(cameraId, new CameraAnalyzer(this.detector!, zones, { tamper: true }));
    w.zones = zones;
    w.key = JSON.stringify(zones);
    void this.handle(cameraId, w, closing);
    log.info('zones changed: analysis restarted', { camera: cameraId, zones: zones.length });
  }

  private unwatch(cameraId: string, w: Watch): void {
    const lane = this.scheduler.remove(cameraId);
    this.watches.delete(cameraId);
    void this.handle(cameraId, w, lane?.analyzer.finish() ?? []);
    void w.tap.stop();
    log.info('stopped analysing camera', { camera: cameraId });
  }

  private async onStep(lane: Lane, frame: Frame, step: StepResult): Promise<void> {
    const w = this.watches.get(lane.cameraId);
    if (!w) return;
    w.clock.note(frame);
    if (step.events.length) await this.handle(lane.cameraId, w, step.events, frame, step);
    if (frame.receivedAt - w.seenAt >= SEEN_EVERY_MS) {
      w.seenAt = frame.receivedAt;
      for (const a of lane.analyzer.openAlarms) {
        const id = this.ids.get(a.id);
        if (id !== undefined) this.o.alarms.seen(id, w.clock.wall(frame.t)).catch((err: unknown) => log.warn('cannot note that the alarm still holds', { id, err }));
      }
    }
  }

  private async handle(cameraId: string, w: Watch, events: RuleEvent[], frame?: Frame, step?: StepResult): Promise<void> {
    const wall = (t: number) => w.clock.wall(t);
    for (const { kind, alarm } of events) {
      if (kind === 'end') {
        const id = this.ids.get(alarm.id);
        this.ids.delete(alarm.id);
        if (id !== undefined) {
          try {
            await this.o.alarms.ended(id, wall(alarm.end ?? alarm.start), alarm.score, alarm.trackIds);
          } catch (err) {
            log.error('cannot store the end of the alarm', { id, camera: cameraId, err });
          }
        }
        continue;
      }
      const tamper = alarm.type === 'camera_tamper';
      const zone = tamper ? { name: TAMPER_ZONE, polygon: WHOLE_VIEW } : w.zones.find((z) => z.name === alarm.zone);
      const lane = this.scheduler.lane(cameraId);
      let jpeg: Buffer | undefined;
      if (frame && step && zone) {
        try {
          const reason = tamper ? lane?.analyzer.tamperReason : undefined;
          jpeg = await annotateFrame(frame, {
            polygon: zone.polygon,
            zoneName: zone.name,
            label: reason ? `${alarm.type} (${TAMPER_TEXT[reason]})` : alarm.type,
            atMs: wall(alarm.start), // stamped in site.timeZone
            // an obstruction only the clear-reference comparison saw: its changed area, drawn like a box
            tracks: [...step.tracks, ...changedArea(lane?.analyzer, alarm.type === 'blocked_exit' && !alarm.trackIds.length ? alarm.zone : undefined, frame)],
            alarmTrackIds: new Set([...alarm.trackIds, CHANGED_AREA_ID]),
          });
        } catch (e) {
          log.warn('cannot annotate the alarm snapshot', { camera: cameraId, err: e });
        }
      }
      try {
        const v = await this.o.alarms.raise({
          cameraId,
          zone: alarm.zone,
          kind: alarm.type,
          sinceMs: wall(alarm.since),
          startMs: wall(alarm.start),
          score: alarm.score,
          trackIds: alarm.trackIds,
          jpeg,
        });
        this.ids.set(alarm.id, v.id);
      } catch (err) {
        log.error('cannot store the alarm (not raised)', { camera: cameraId, zone: alarm.zone, kind: alarm.type, err });
      }
    }
  }

  /**
   * An exit zone's learned clear reference ('reference') or its current look ('current') as a JPEG;
   * undefined when the camera is not analysed, the zone is no exit zone of it, or nothing is learned yet.
   */
  async zoneImage(cameraId: string, zone: string, which: 'reference' | 'current' = 'reference'): Promise<Buffer | undefined> {
    const g = this.scheduler.lane(cameraId)?.analyzer.sceneWatch?.image(zone, which);
    return g ? greyJpeg(g) : undefined;
  }

  /** Forget an exit zone's clear reference: it is learned again from the next still, clear frames. */
  relearnZone(cameraId: string, zone: string): boolean {
    const ok = this.scheduler.lane(cameraId)?.analyzer.sceneWatch?.relearn(zone) ?? false;
    if (ok) log.info('exit zone reference: re-learning on request', { camera: cameraId, zone });
    return ok;
  }

  status(): AnalyticsStatus {
    const s = this.o.settings;
    const base = {
      fps: s.fps,
      keyframesOnly: s.keyframesOnly,
      threads: s.threads,
      inference: this.detector?.where ?? ((s.workers ?? 1) > 0 ? 'worker' : 'main-thread'),
      workers: this.detector?.where === 'worker' ? this.detector.parallelism : (s.workers ?? 1),
    };
    if (!this.detector) return { enabled: false, reason: this.reason ?? 'analytics are starting', ...base, cameras: [] };
    const st = this.detector.stats;
    const cameras: CameraAnalyticsStatus[] = [];
    for (const [id, w] of this.watches) {
      const lane = this.scheduler.lane(id);
      const error = lane?.lastError ?? w.tap.lastError;
      cameras.push({
        cameraId: id,
        zones: w.zones.length,
        state: w.tap.state,
        analysedFps: lane ? this.scheduler.fps(lane) : 0,
        analysed: lane?.analysed ?? 0,
        dropped: (lane?.dropped ?? 0) + w.tap.dropped,
        lastFrameAt: lane?.lastFrameAt ?? null,
        ...(error ? { error } : {}),
        tamperOnly: w.zones.length === 0,
        tamper: tamperStatus(lane?.analyzer),
        scenes: sceneStatus(lane?.analyzer, w),
      });
    }
    return {
      enabled: true,
      ...base,
      detector: { runs: st.runs, inferMsAvg: st.runs ? Math.round((st.inferMs / st.runs) * 10) / 10 : 0 },
      cameras,
    };
  }

  async stop(): Promise<void> {
    if (runningScenes() === this) setRunningScenes(undefined);
    this.offBus?.();
    await Promise.all([...this.watches.values()].map((w) => w.tap.stop()));
    this.watches.clear();
    await this.scheduler.stop();
  }
}

/** The exit zones' reference state; a camera that sends no video cannot learn (and says so). */
function sceneStatus(a: CameraAnalyzer | undefined, w: Watch): ZoneSceneStatus[] {
  const list = a?.sceneWatch?.status() ?? [];
  if (w.tap.state === 'running') return list;
  const why = `camera offline or not streaming (${w.tap.state}${w.tap.lastError ? `: ${w.tap.lastError}` : ''}): the reference cannot be learned`;
  return list.map((z) => (z.state === 'ready' ? z : { ...z, state: 'cannot_learn', reason: why }));
}
