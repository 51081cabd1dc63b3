/**
 * Frame tap of one camera: decoded frames of the camera's live stream as the server already has it (not a
 * second RTSP session: cameras allow few sessions, the live view already comes from the sub-stream when
 * there is one, no credentials are needed here, and file/demo cameras work the same way); frames.ts scales
 * them to the detector's size at `fps` (or key frames only).
 *
 * Two sources. A stream with an LL-HLS ring (stream-copied live view) is read from the ring in memory
 * (ring-tap.ts): frames ~1 ms after their 200 ms part, each stamped with the LL-HLS PDT clock (frame.wallMs).
 * A stream without one (transcoded live view) is read from its local live HLS playlist on disk by ffmpeg's
 * HLS demuxer: frames a 1 s segment + a playlist poll late, without wallMs (the service falls back to
 * receivedAt − t). While on disk, the tap switches over as soon as a ring goes live.
 *
 * The tap waits for its source (camera starting/offline) and reopens it when ffmpeg ends (pipeline
 * restarted, playlist rewritten, new init segment), with a capped backoff. Frames go straight to `onFrame`;
 * the scheduler holds the bounded per-camera queue.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PartRing } from '../../media/llhls/part-ring.ts';
import { openFrames, type Frame, type FrameSource } from '../frames.ts';
import type { Logger } from '../../util/log.ts';
import { RingTapRun, type RingRunEnd, type RingRunOptions } from './ring-tap.ts';

export interface TapOptions {
  cameraId: string;
  /** directory with index.m3u8 */
  liveDir: string;
  fps: number;
  keyframesOnly: boolean;
  ffmpegPath?: string;
  log: Logger;
  onFrame: (f: Frame) => void;
  /** the camera's LL-HLS ring of its live stream, when it has one now */
  ring?: () => PartRing | undefined;
  /** limits of the ring feed (tests) */
  ringLimits?: Pick<RingRunOptions, 'maxStallMs' | 'maxQueuedBytes'>;
}

export type TapSource = 'll-hls' | 'hls';

export type TapState = 'waiting' | 'running' | 'retrying' | 'stopped';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class CameraTap {
  state: TapState = 'waiting';
  lastError: string | undefined;
  /** frames dropped inside ffmpeg's reader (frames.ts), summed over reopenings */
  sourceDropped = 0;
  /** where frames come from now (undefined while waiting) */
  source: TapSource | undefined;
  /** runs of the ring feed ended because ffmpeg did not read (logged each time) */
  stalls = 0;
  private src: FrameSource | undefined;
  private run_: RingTapRun | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(private readonly o: TapOptions) {}

  start(): void {
    this.done ??= this.run();
  }

  private async run(): Promise<void> {
    const playlist = join(this.o.liveDir, 'index.m3u8');
    let backoff = 1000;
    while (!this.stopped) {
      const ring = this.o.ring?.();
      if (ring) {
        const end = await this.fromRing(ring);
        if (end === 'stalled' || end === 'failed') {
          this.state = 'retrying';
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, 10_000);
        } else if (end !== undefined) backoff = 1000;
        continue;
      }
      if (!existsSync(playlist)) {
        this.state = 'waiting';
        await sleep(1000);
        continue;
      }
      const src = openFrames({
        input: playlist,
        fps: this.o.fps,
        keyframesOnly: this.o.keyframesOnly,
        overflow: 'drop-oldest',
        maxQueue: 2,
        ffmpegPath: this.o.ffmpegPath,
        // start at the newest segment, keep polling the live playlist
        inputArgs: ['-live_start_index', '-1', '-max_reload', '20'],
      });
      this.src = src;
      this.state = 'running';
      this.source = 'hls';
      // a ring going live (the stream became stream-copied) wins: this reader ends, the loop takes the ring
      const toRing = setInterval(() => {
        const r = this.o.ring?.();
        if (r?.live) src.close();
      }, 2000);
      toRing.unref();
      let got = 0;
      try {
        for await (const f of src) {
          got++;
          backoff = 1000;
          this.o.onFrame(f);
          if (this.stopped) break;
        }
        this.lastError = undefined;
      } catch (e) {
        this.lastError = (e as Error).message.slice(0, 300);
        this.o.log.debug('frame tap ended', { camera: this.o.cameraId, error: this.lastError, frames: got });
      } finally {
        clearInterval(toRing);
        this.sourceDropped += src.stats.dropped;
        src.close();
        this.src = undefined;
        this.source = undefined;
      }
      if (this.stopped) break;
      this.state = 'retrying';
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 10_000);
    }
    this.state = 'stopped';
  }

  /**
   * One ffmpeg fed from the ring: waits (≤ 1 s, then the loop looks again) for a live stream, runs until the
   * stream ends, restarts with a new init, or the reader is stuck. undefined = nothing ran.
   */
  private async fromRing(ring: PartRing): Promise<RingRunEnd | undefined> {
    let init = ring.live ? ring.initData(ring.currentInitId) : undefined;
    let initId = ring.currentInitId;
    if (!init) {
      this.state = 'waiting';
      const got = await new Promise<[Buffer, number] | undefined>((resolve) => {
        const off = ring.subscribe({ onInit: (d, id) => done([d, id]) });
        const timer = setTimeout(() => done(undefined), 1000);
        this.wake = () => done(undefined);
        function done(v: [Buffer, number] | undefined) {
          off();
          clearTimeout(timer);
          resolve(v);
        }
      });
      this.wake = undefined;
      if (!got || this.stopped) return undefined;
      [init, initId] = got;
    }
    const run = new RingTapRun(ring, initId, init, { ...this.o.ringLimits, cameraId: this.o.cameraId, fps: this.o.fps, keyframesOnly: this.o.keyframesOnly, ffmpegPath: this.o.ffmpegPath, log: this.o.log, onFrame: this.o.onFrame });
    this.run_ = run;
    this.state = 'running';
    this.source = 'll-hls';
    const end = await run.done;
    this.run_ = undefined;
    this.source = undefined;
    this.sourceDropped += run.dropped;
    if (end === 'stalled') this.stalls++;
    this.lastError = end === 'stalled' ? 'the frame reader stopped reading the live stream: restarted' : run.lastError;
    return end;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      t.unref();
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    }).finally(() => (this.wake = undefined));
  }

  /** the open ring run (tests, diagnostics) */
  get ringRun(): RingTapRun | undefined {
    return this.run_;
  }

  /** dropped frames so far, including those of the open reader */
  get dropped(): number {
    return this.sourceDropped + (this.src?.stats.dropped ?? 0) + (this.run_?.dropped ?? 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.src?.close();
    this.run_?.stop();
    this.wake?.();
    await this.done;
  }
}
