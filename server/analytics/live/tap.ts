/**
 * Frame tap of one camera: decoded frames from the camera's local live HLS playlist (not a second RTSP
 * session: cameras allow few sessions, the live HLS already comes from the sub-stream when there is one,
 * no credentials are needed here, and file/demo cameras work the same way). ffmpeg's HLS demuxer follows
 * the live playlist; frames.ts scales them to the detector's size at `fps` (or key frames only).
 *
 * The tap waits for the playlist to exist (camera starting/offline) and reopens it when ffmpeg ends
 * (pipeline restarted, playlist rewritten), with a capped backoff. Frames go straight to `onFrame`; the
 * scheduler holds the bounded per-camera queue.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openFrames, type Frame, type FrameSource } from '../frames.ts';
import type { Logger } from '../../util/log.ts';

export interface TapOptions {
  cameraId: string;
  /** directory with index.m3u8 */
  liveDir: string;
  fps: number;
  keyframesOnly: boolean;
  ffmpegPath?: string;
  log: Logger;
  onFrame: (f: Frame) => void;
}

export type TapState = 'waiting' | 'running' | 'retrying' | 'stopped';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class CameraTap {
  state: TapState = 'waiting';
  lastError: string | undefined;
  /** frames dropped inside ffmpeg's reader (frames.ts), summed over reopenings */
  sourceDropped = 0;
  private src: FrameSource | undefined;
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
        this.sourceDropped += src.stats.dropped;
        src.close();
        this.src = undefined;
      }
      if (this.stopped) break;
      this.state = 'retrying';
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 10_000);
    }
    this.state = 'stopped';
  }

  /** dropped frames so far, including those of the open reader */
  get dropped(): number {
    return this.sourceDropped + (this.src?.stats.dropped ?? 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.src?.close();
    await this.done;
  }
}
