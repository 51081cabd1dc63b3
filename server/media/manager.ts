/**
 * MediaManager: one Supervisor per enabled camera. apply() is synchronous and idempotent; the actual stop/start
 * work is serialised per camera on a promise chain so a quick succession of changes never runs two pipelines
 * for one camera at once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CAMERA_ID_RE, type CameraConfig, type CameraState } from '../cameras/types.ts';
import { CameraStateMachine } from '../cameras/state.ts';
import type { EventBus } from '../events/bus.ts';
import type { SegmentRepo } from '../store/segments.ts';
import { createLogger, type Logger } from '../util/log.ts';
import { RecorderIndex } from './recorder-index.ts';
import { LlHub, type LlStream } from './llhls/hub.ts';
import type { PartRing } from './llhls/part-ring.ts';
import { MAIN_LIVE_SUBDIR, Supervisor, type MediaSettings } from './supervisor.ts';

export interface MediaOptions {
  ffmpegPath: string;
  ffprobePath: string;
  /** absolute */
  recordingsDir: string;
  /** absolute; HLS goes to <liveDir>/<cameraId>/index.m3u8 + seg_<n>.ts */
  liveDir: string;
  /** recording segment length (10) */
  segmentSeconds: number;
  /** 1 */
  hlsSegmentSeconds: number;
  /** 6 */
  hlsListSize: number;
  /** 3 */
  stallSegments: number;
  /** 5 */
  rtspTimeoutSeconds: number;
  segments: SegmentRepo;
  bus: EventBus;
  backoff?: { initialMs?: number; maxMs?: number; maxRestarts?: number; windowMs?: number };
}

interface Entry {
  config: CameraConfig;
  state: CameraStateMachine;
  index: RecorderIndex;
  log: Logger;
  supervisor?: Supervisor;
  /** serialises stop/start work for this camera */
  chain: Promise<unknown>;
}

const log = createLogger('media');

/** What, in a camera's config, requires restarting its pipelines when it changes. */
function pipelineKey(c: CameraConfig): string {
  const s = c.source;
  return JSON.stringify([c.enabled, s.url, s.subUrl ?? null, s.username ?? null, s.password ?? null]);
}

export class MediaManager {
  private readonly cams = new Map<string, Entry>();
  private readonly settings: MediaSettings;
  /** LL-HLS parts and segments of every live stream, in memory */
  readonly ll: LlHub;

  constructor(private readonly opts: MediaOptions) {
    this.settings = {
      ffmpegPath: opts.ffmpegPath,
      ffprobePath: opts.ffprobePath,
      segmentSeconds: opts.segmentSeconds,
      hlsSegmentSeconds: opts.hlsSegmentSeconds,
      hlsListSize: opts.hlsListSize,
      stallSegments: opts.stallSegments,
      rtspTimeoutSeconds: opts.rtspTimeoutSeconds,
      backoff: opts.backoff,
    };
    this.ll = new LlHub({ minSegmentSeconds: opts.hlsSegmentSeconds });
    // recording resumes at once when a full disk has space again, not after the grown retry delay
    opts.bus.on('storage.space_back', () => {
      for (const e of this.cams.values()) e.supervisor?.retryNow();
    });
  }

  /** Start, restart (if source/enabled changed) or stop the camera's pipelines. Idempotent. Never throws. */
  apply(camera: CameraConfig): void {
    let e = this.cams.get(camera.id);
    try {
      if (!CAMERA_ID_RE.test(camera.id)) throw new Error(`invalid camera id ${JSON.stringify(camera.id)}`);
      const fresh = !e;
      if (!e) e = this.create(camera);
      else if (pipelineKey(e.config) === pipelineKey(camera) && (!camera.enabled || e.supervisor)) {
        e.config = camera;
        return;
      }
      e.config = camera;
      const old = e.supervisor;
      e.supervisor = undefined;
      const stopping = old?.stop(); // marks it stopped synchronously: it no longer touches the state
      if (old) this.ll.close(camera.id);
      if (!camera.enabled) {
        e.state.set({ status: 'disabled' });
        e.chain = e.chain.then(() => stopping);
        if (!fresh) e.log.info('camera disabled');
        return;
      }
      const entry = e;
      const sup = new Supervisor({
        camera,
        settings: this.settings,
        liveDir: this.liveDir(camera.id),
        index: e.index,
        state: e.state,
        log: e.log,
        llRing: (stream) => this.ll.ring(camera.id, stream),
        llNone: (stream) => this.ll.drop(camera.id, stream),
      });
      e.supervisor = sup;
      e.state.set({ status: 'starting' });
      e.chain = e.chain
        .then(() => stopping)
        .then(() => {
          if (entry.supervisor === sup) sup.start();
        })
        .catch((err: unknown) => this.fail(entry, err));
    } catch (err) {
      if (!e) e = this.create(camera, false);
      this.fail(e, err);
    }
  }

  /** Stop pipelines and forget the camera (recordings stay). */
  async remove(cameraId: string): Promise<void> {
    const e = this.cams.get(cameraId);
    if (!e) return;
    this.cams.delete(cameraId);
    const old = e.supervisor;
    e.supervisor = undefined;
    await Promise.all([e.chain.catch(() => undefined), old?.stop()]);
    this.ll.remove(cameraId);
  }

  state(cameraId: string): CameraState | undefined {
    return this.cams.get(cameraId)?.state.state;
  }

  /** Directory holding index.m3u8 for this camera's live view. */
  liveDir(cameraId: string): string {
    return join(this.opts.liveDir, cameraId);
  }

  /**
   * Directory with the main stream's own live HLS, for the single-camera view, when the camera has a
   * sub-stream (wall tiles play the sub-stream) and its main stream is H.264; otherwise undefined.
   */
  mainLiveDir(cameraId: string): string | undefined {
    const cam = this.cams.get(cameraId);
    if (!cam?.config.source.subUrl) return undefined;
    const dir = join(this.liveDir(cameraId), MAIN_LIVE_SUBDIR);
    return existsSync(join(dir, 'index.m3u8')) ? dir : undefined;
  }

  /** The LL-HLS ring of a camera's live stream ('live': /hls/:id/, 'main': /hls/:id/main/), if it has one. */
  llRing(cameraId: string, stream: LlStream): PartRing | undefined {
    if (stream === 'main' && !this.cams.get(cameraId)?.config.source.subUrl) return undefined;
    return this.ll.find(cameraId, stream);
  }

  /** pids of this camera's running ffmpeg processes (diagnostics, tests). */
  pids(cameraId: string): number[] {
    return this.cams.get(cameraId)?.supervisor?.pids ?? [];
  }

  /** Stop everything (graceful: ffmpeg closes the current segment, which gets indexed). */
  async stopAll(): Promise<void> {
    const work: Promise<unknown>[] = [];
    for (const e of this.cams.values()) {
      const old = e.supervisor;
      e.supervisor = undefined;
      work.push(e.chain.catch(() => undefined), old?.stop() ?? Promise.resolve());
      this.ll.close(e.config.id);
    }
    await Promise.all(work);
  }

  private create(camera: CameraConfig, withIndex = true): Entry {
    const elog = log.child({ camera: camera.id });
    const index = new RecorderIndex({
      cameraId: camera.id,
      recordingsDir: this.opts.recordingsDir,
      segments: this.opts.segments,
      bus: this.opts.bus,
      ffprobePath: this.opts.ffprobePath,
      log: elog,
    });
    const e: Entry = {
      config: camera,
      state: new CameraStateMachine(camera.id, this.opts.bus),
      index,
      log: elog,
      // segments a previous process left behind (crash, SIGKILL) are indexed before the first start
      chain: withIndex
        ? index.recoverOrphans(new Set()).then(
            (n) => {
              if (n) elog.info('recovered unindexed segments', { count: n });
            },
            (err: unknown) => elog.warn('orphan recovery failed', { err }),
          )
        : Promise.resolve(),
    };
    this.cams.set(camera.id, e);
    return e;
  }

  private fail(e: Entry, err: unknown): void {
    const detail = err instanceof Error ? err.message : String(err);
    e.log.error('camera cannot start', { err });
    try {
      if (!e.state.state) e.state.set({ status: 'starting' });
      e.state.set({ status: 'offline', reason: 'error', detail });
    } catch {
      /* a disabled camera stays disabled */
    }
  }
}
