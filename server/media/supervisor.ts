/**
 * Supervises one camera's pipelines and drives its state machine.
 *  - without a sub-stream: one 'main' pipeline (live HLS + recording from one input);
 *  - with a sub-stream: a 'record' pipeline (main stream) and a 'live' pipeline (sub-stream), each restarted
 *    on its own so a sub-stream hiccup never interrupts recording.
 * Each start: probe the source (codec decides copy vs transcode), spawn, watch. A pipeline that exits or
 * stalls (no new HLS or recording segment for stallSegments expected intervals) is restarted after the
 * RestartPolicy's delay. Camera state: offline (reason of the failing pipeline) while any pipeline is down,
 * online once all produce, starting until then after a start.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isFileSource, urlWithCredentials, type CameraConfig } from '../cameras/types.ts';
import type { CameraStateMachine } from '../cameras/state.ts';
import type { Logger } from '../util/log.ts';
import { isNoise, type Classified } from './classify.ts';
import { recordedCodec, type VideoInfo } from './ffmpeg-args.ts';
import { Pipeline, type PipelineExit, type PipelineKind } from './pipeline.ts';
import { planPipeline } from './pipeline-plan.ts';
import { PROBE_ANALYZE_SECONDS, probeSource } from './probe.ts';
import type { RecorderIndex, RecordingRun } from './recorder-index.ts';
import { OutputClock, RestartPolicy, type BackoffOptions } from './restart-policy.ts';
import type { LlStream } from './llhls/hub.ts';
import type { PartRing } from './llhls/part-ring.ts';

export interface MediaSettings {
  ffmpegPath: string;
  ffprobePath: string;
  segmentSeconds: number;
  hlsSegmentSeconds: number;
  hlsListSize: number;
  stallSegments: number;
  rtspTimeoutSeconds: number;
  backoff?: BackoffOptions;
}

export interface SupervisorOptions {
  camera: CameraConfig;
  settings: MediaSettings;
  /** this camera's live directory (index.m3u8) */
  liveDir: string;
  index: RecorderIndex;
  state: CameraStateMachine;
  log: Logger;
  /** LL-HLS: the in-memory ring a live output feeds (fMP4 on fd 4, copied or teed from the live encode) */
  llRing?: (stream: LlStream) => PartRing;
  /** this stream has no LL-HLS in this run (no live output: a record pipeline whose main stream is not H.264) */
  llNone?: (stream: LlStream) => void;
}

type SlotStatus = 'starting' | 'producing' | 'down';

interface Slot {
  kind: PipelineKind;
  status: SlotStatus;
  failure?: Classified;
  policy: RestartPolicy;
  pipeline?: Pipeline;
  run?: RecordingRun;
  restartTimer?: NodeJS.Timeout;
  finishing?: Promise<void>;
  startedAt: number;
  producedAt?: number;
  hls?: OutputClock;
  rec?: OutputClock;
  stall?: Classified;
  ll?: PartRing;
}

const STALL_CHECK_MS = 500;

export { MAIN_LIVE_SUBDIR } from './pipeline-plan.ts';

/** Empty a live HLS folder of a previous run's playlist and segments (not the other pipeline's sub-folder). */
function resetHlsDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    if (/^(index\.m3u8|seg_\d+\.ts)/.test(f)) rmSync(join(dir, f), { force: true });
  }
}

export class Supervisor {
  private readonly slots: Slot[];
  private stopped = false;
  private checkTimer: NodeJS.Timeout | undefined;
  private readonly secrets: string[];
  private readonly aborter = new AbortController();

  constructor(private readonly o: SupervisorOptions) {
    const kinds: PipelineKind[] = o.camera.source.subUrl ? ['record', 'live'] : ['main'];
    this.slots = kinds.map((kind) => ({ kind, status: 'starting', policy: new RestartPolicy(o.settings.backoff), startedAt: 0 }));
    this.secrets = o.camera.source.password ? [o.camera.source.password] : [];
  }

  start(): void {
    if (this.stopped) return;
    this.o.state.set({ status: 'starting' });
    this.checkTimer = setInterval(() => this.checkStalls(), STALL_CHECK_MS);
    this.checkTimer.unref();
    for (const slot of this.slots) void this.launch(slot);
  }

  /** Stop every pipeline (SIGTERM: ffmpeg closes and lists its current segment) and index what is left. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.aborter.abort();
    clearInterval(this.checkTimer);
    for (const s of this.slots) clearTimeout(s.restartTimer);
    await Promise.all(this.slots.map((s) => s.pipeline?.stop()));
    await Promise.all(this.slots.map((s) => s.finishing));
    rmSync(this.o.liveDir, { recursive: true, force: true });
  }

  /** pids of running ffmpeg processes (for diagnostics and tests) */
  get pids(): number[] {
    return this.slots.map((s) => s.pipeline?.pid).filter((p): p is number => p !== undefined);
  }

  private async launch(slot: Slot): Promise<void> {
    if (this.stopped) return;
    const { camera, settings } = this.o;
    const src = camera.source;
    const url = slot.kind === 'live' ? src.subUrl! : src.url;
    const probe = await probeSource({
      ffprobePath: settings.ffprobePath,
      url: urlWithCredentials(url, src.username, src.password),
      rtspTimeoutSeconds: settings.rtspTimeoutSeconds,
      secrets: this.secrets,
      signal: this.aborter.signal,
    });
    if (this.stopped) return;
    if (!probe.ok) return this.failed(slot, { reason: probe.reason, detail: probe.detail }, 0);
    const video: VideoInfo = { codec: probe.codec, fps: probe.fps };
    // the probe read the size within its analysis cap: ffmpeg can start with the same cap (2 s faster)
    const analyzeSeconds = probe.width && probe.height && !isFileSource(url) ? PROBE_ANALYZE_SECONDS : undefined;
    try {
      this.spawn(slot, video, analyzeSeconds);
    } catch (e) {
      this.failed(slot, { reason: 'error', detail: (e as Error).message }, 0);
    }
  }

  private spawn(slot: Slot, video: VideoInfo, analyzeSeconds?: number): void {
    const { camera, settings, liveDir, index } = this.o;
    const runTag = Date.now().toString(36);
    const plan = planPipeline({
      kind: slot.kind,
      camera,
      video,
      input: { rtspTimeoutSeconds: settings.rtspTimeoutSeconds, analyzeSeconds },
      hls: { dir: liveDir, segmentSeconds: settings.hlsSegmentSeconds, listSize: settings.hlsListSize },
      record: { stagingDir: index.stagingDir, runTag, segmentSeconds: settings.segmentSeconds },
    });
    const { hlsDir, withRec } = plan;
    const withHls = hlsDir !== undefined;
    if (hlsDir) resetHlsDir(hlsDir);
    // LL-HLS next to every live output (copied, or teed from the one live encode of a transcoded stream)
    const ring = withHls ? this.o.llRing?.(plan.llStream) : undefined;
    const ll = ring !== undefined;
    if (!ll) this.o.llNone?.(plan.llStream);
    const args = plan.args(ll);
    slot.ll = ring;
    const run = withRec ? index.beginRun(runTag, recordedCodec(video.codec)) : undefined;
    slot.run = run;
    slot.startedAt = Date.now();
    slot.producedAt = undefined;
    slot.stall = undefined;
    slot.hls = withHls ? new OutputClock(settings.hlsSegmentSeconds * 1000) : undefined;
    slot.rec = withRec ? new OutputClock(settings.segmentSeconds * 1000) : undefined;
    const pipeline = new Pipeline({
      kind: slot.kind,
      ffmpegPath: settings.ffmpegPath,
      args,
      hlsDir,
      fmp4: ll,
      isFile: isFileSource(slot.kind === 'live' ? camera.source.subUrl! : camera.source.url),
      secrets: this.secrets,
      log: this.o.log,
      handlers: {
        onProgress: (p, at) => {
          if (p.frame <= 0) return;
          if (p.outTimeSec !== undefined) run?.observe(p.outTimeSec, at);
          this.producing(slot, at);
        },
        onSegment: (e, at) => {
          run?.onSegment(e, at);
          slot.rec?.tick(at);
          this.producing(slot, at);
        },
        onHls: (at) => {
          slot.hls?.tick(at);
          this.producing(slot, at);
        },
        onInit: (i) => ring?.init(i),
        onFragment: (f) => ring?.fragment(f),
        onExit: (x) => {
          ring?.end();
          this.exited(slot, pipeline, x);
        },
      },
    });
    slot.pipeline = pipeline;
    pipeline.start();
    this.o.log.info('pipeline started', { kind: slot.kind, codec: video.codec, ...plan.mode, ll, pid: pipeline.pid });
  }

  private producing(slot: Slot, at: number): void {
    if (slot.producedAt !== undefined || slot.stall) return;
    slot.producedAt = at;
    const wasDown = slot.status === 'down';
    slot.status = 'producing';
    slot.failure = undefined;
    if (wasDown) this.o.log.info('pipeline recovered', { kind: slot.kind });
    this.updateState();
  }

  private exited(slot: Slot, pipeline: Pipeline, x: PipelineExit): void {
    if (slot.pipeline === pipeline) slot.pipeline = undefined;
    const run = slot.run;
    slot.run = undefined;
    slot.finishing = run?.finish().catch((e: unknown) => this.o.log.warn('indexing failed', { err: e }));
    if (this.stopped || (x.requested && !slot.stall)) return;
    const failure = slot.stall ?? x.classified;
    const producedMs = slot.producedAt === undefined ? 0 : Date.now() - slot.producedAt;
    this.failed(slot, failure, producedMs, x.stderr);
  }

  private failed(slot: Slot, failure: Classified, producedMs: number, stderr: string[] = []): void {
    if (this.stopped) return;
    const decision = slot.policy.next(Date.now(), producedMs);
    const same = slot.failure?.reason === failure.reason && slot.failure?.detail === failure.detail;
    slot.status = 'down';
    slot.failure = decision.capped
      ? { ...failure, detail: `${failure.detail}; too many restarts, next try in ${Math.ceil(decision.delayMs / 1000)} s` }
      : failure;
    // log a failure once, not at every retry
    if (!same) {
      const tail = stderr.filter((l) => !isNoise(l)).slice(-5);
      this.o.log.warn('pipeline failed', { kind: slot.kind, ...failure, retryMs: decision.delayMs, stderr: tail });
    }
    this.updateState();
    clearTimeout(slot.restartTimer);
    slot.restartTimer = setTimeout(() => void this.launch(slot), decision.delayMs);
  }

  /** Pipelines waiting out a retry delay start now (space is back on a full disk). */
  retryNow(): void {
    if (this.stopped) return;
    for (const slot of this.slots) {
      if (slot.status !== 'down' || !slot.restartTimer) continue;
      clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
      void this.launch(slot);
    }
  }

  private checkStalls(): void {
    const now = Date.now();
    const { stallSegments, rtspTimeoutSeconds } = this.o.settings;
    // before a first update: time to connect and analyse the stream, then the usual allowance
    const startup = rtspTimeoutSeconds * 2000 + 5000;
    for (const slot of this.slots) {
      if (!slot.pipeline || slot.stall) continue;
      const outputs: [string, OutputClock | undefined][] = [['live', slot.hls], ['recording', slot.rec]];
      for (const [what, clock] of outputs) {
        if (!clock) continue;
        const nominal = what === 'live' ? this.o.settings.hlsSegmentSeconds : this.o.settings.segmentSeconds;
        const deadline = clock.deadline(stallSegments, slot.startedAt + startup + stallSegments * nominal * 1000);
        if (now <= deadline) continue;
        const since = Math.round((now - (clock.lastAt ?? slot.startedAt)) / 1000);
        slot.stall = { reason: 'stalled', detail: `no new ${what} segment for ${since} s` };
        this.o.log.warn('pipeline stalled, restarting', { kind: slot.kind, detail: slot.stall.detail });
        this.failedNow(slot, slot.stall);
        void slot.pipeline.stop();
        break;
      }
    }
  }

  /** Report a failure at once (the restart follows when the process is gone). */
  private failedNow(slot: Slot, failure: Classified): void {
    slot.status = 'down';
    slot.failure = failure;
    this.updateState();
  }

  private updateState(): void {
    if (this.stopped) return;
    const down = this.slots.find((s) => s.status === 'down');
    if (down?.failure) this.o.state.set({ status: 'offline', reason: down.failure.reason, detail: down.failure.detail });
    else if (this.slots.every((s) => s.status === 'producing')) this.o.state.set({ status: 'online' });
  }
}
