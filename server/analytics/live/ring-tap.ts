/**
 * One run of a camera's frame tap fed from its in-memory LL-HLS ring (issue I point 2): ffmpeg decodes
 * `-copyts -f mp4 -i pipe:0`, and this writes it the ring's init segment, then each fragment (moof+mdat)
 * as it comes in, starting at the newest key-frame part the ring holds. Frames come ~1 ms after their
 * part (ffmpeg 5.1's mov demuxer reads fragments off a pipe as they arrive; only the first ~0.8 s go to
 * stream probing), instead of after a whole 1 s HLS segment and a playlist poll.
 *
 * The clock: with -copyts, showinfo's pts_time is on the fragments' tfdt time line (ffmpeg's empty_moov init
 * has no edit list; without -copyts ffmpeg would start t at 0): a part's first frame is at exactly
 * Part.startSec (measured on ffmpeg 5.1). So a frame at video time t lies in the written part with
 * startSec ≤ t, and its wall time is that part's PDT + (t − startSec): frame.wallMs is on the same clock as
 * the LL-HLS PROGRAM-DATE-TIME and the recordings. With B-frames, t is a presentation time and tfdt a decode
 * time: a frame is placed later by its composition offset (the reorder delay, 1–2 frames).
 *
 * Bounded: the bytes waiting in ffmpeg's stdin are the only queue. When ffmpeg does not drain it (hung,
 * starved) for maxStallMs (3× that before its first frame: starting up), or more than maxQueuedBytes wait, the run is dropped (logged) and the tap starts
 * a new one; memory never grows with a stuck reader. A new init segment (the camera's ffmpeg restarted)
 * or the end of the stream ends the run too.
 */
import type { Part, PartRing } from '../../media/llhls/part-ring.ts';
import type { Logger } from '../../util/log.ts';
import { openFrames, type Frame, type FrameSource } from '../frames.ts';

export interface RingRunOptions {
  cameraId: string;
  fps: number;
  keyframesOnly: boolean;
  ffmpegPath?: string;
  log: Logger;
  onFrame: (f: Frame) => void;
  /** stdin not drained for this long: the run is dropped (default 5 s; 3× before the first frame) */
  maxStallMs?: number;
  /** more than this waiting in stdin: the run is dropped (default 4 MB) */
  maxQueuedBytes?: number;
}

/** why a run ended: the stream ended, ffmpeg restarted (new init), the reader was stuck, stop(), ffmpeg failed */
export type RingRunEnd = 'ended' | 'new-init' | 'stalled' | 'stopped' | 'failed';

interface Written {
  startSec: number;
  endSec: number;
  pdtMs: number;
}

/** parts remembered for the frame → wall-clock lookup (≈ 50 s of 200 ms parts) */
const MAX_WRITTEN = 256;

export class RingTapRun {
  readonly done: Promise<RingRunEnd>;
  frames = 0;
  /** frames whose time fell outside every written part (no wallMs) */
  unmapped = 0;
  lastError: string | undefined;
  private readonly src: FrameSource;
  private readonly written: Written[] = [];
  private started = false;
  private stallSince: number | undefined;
  private why: RingRunEnd | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    ring: PartRing,
    private readonly initId: number,
    init: Buffer,
    private readonly o: RingRunOptions,
  ) {
    this.src = openFrames({
      input: 'pipe:0',
      stdin: true,
      fps: o.fps,
      keyframesOnly: o.keyframesOnly,
      overflow: 'drop-oldest',
      maxQueue: 2,
      ffmpegPath: o.ffmpegPath,
      inputArgs: ['-copyts', '-f', 'mp4'],
    });
    this.unsubscribe = ring.subscribe({
      onInit: () => this.end('new-init'),
      onPart: (p) => this.write(p),
      onEnd: () => this.end('ended'),
    });
    this.send(init);
    // start at the newest key frame held: no wait for the next one
    const held = ring.segments.flatMap((s) => s.parts).filter((p) => p.initId === initId);
    let from = -1;
    for (let i = held.length - 1; i >= 0 && from < 0; i--) if (held[i]!.independent) from = i;
    if (from >= 0) for (const p of held.slice(from)) this.write(p);
    this.done = this.read();
    // the stream moved on while this run was being set up: it decodes what it was given, then ends
    if (ring.currentInitId !== initId) this.end('new-init');
    else if (!ring.streaming) this.end('ended');
  }

  get pid(): number | undefined {
    return this.src.pid;
  }
  get dropped(): number {
    return this.src.stats.dropped;
  }

  /** bytes written to ffmpeg and not yet read by it */
  get queuedBytes(): number {
    return this.src.input?.writableLength ?? 0;
  }

  stop(): void {
    this.end('stopped');
  }

  /** Wall clock of video time t: the PDT of the written part holding it + the offset into it. */
  wallOf(t: number): number | undefined {
    const w = this.written;
    for (let i = w.length - 1; i >= 0; i--) {
      const p = w[i]!;
      if (p.startSec > t + 0.0005) continue;
      // a frame past the end of the newest part it could be in: not one of ours
      if (t > p.endSec + 0.5) return undefined;
      if (i > 8) w.splice(0, i - 8);
      return p.pdtMs + (t - p.startSec) * 1000;
    }
    return undefined;
  }

  private write(p: Part): void {
    if (this.why || p.initId !== this.initId) return;
    if (!this.started && !p.independent) return;
    this.started = true;
    this.written.push({ startSec: p.startSec, endSec: p.startSec + p.durationSec, pdtMs: p.pdtMs });
    if (this.written.length > MAX_WRITTEN) this.written.shift();
    this.send(p.data);
  }

  private send(data: Buffer): void {
    const input = this.src.input;
    if (!input) return;
    const now = Date.now();
    if (!input.write(data) && this.stallSince === undefined) {
      this.stallSince = now;
      input.once('drain', () => (this.stallSince = undefined));
    }
    const stalledMs = this.stallSince === undefined ? 0 : now - this.stallSince;
    // before its first frame ffmpeg may still be starting (on a loaded machine, seconds): 3× the time
    const maxStallMs = (this.o.maxStallMs ?? 5000) * (this.frames > 0 ? 1 : 3);
    if (input.writableLength > (this.o.maxQueuedBytes ?? 4 << 20) || stalledMs > maxStallMs) {
      this.o.log.warn('frame tap not reading the live stream: dropped, starting a new one', {
        camera: this.o.cameraId,
        queuedBytes: input.writableLength,
        stalledMs,
      });
      this.end('stalled');
    }
  }

  private end(why: RingRunEnd): void {
    if (this.why) return;
    this.why = why;
    this.unsubscribe();
    const input = this.src.input;
    if (why === 'ended') {
      input?.end(); // ffmpeg decodes what it has, then exits
      return;
    }
    input?.destroy(); // the queued bytes go now, even if ffmpeg never reads again
    this.src.close();
  }

  private async read(): Promise<RingRunEnd> {
    try {
      for await (const f of this.src) {
        this.frames++;
        const wall = this.wallOf(f.t);
        if (wall === undefined) this.unmapped++;
        else f.wallMs = Math.round(wall);
        this.o.onFrame(f);
      }
    } catch (e) {
      this.lastError = (e as Error).message.slice(0, 300);
      if (!this.why) {
        this.o.log.debug('frame tap (LL-HLS) ended', { camera: this.o.cameraId, error: this.lastError, frames: this.frames });
        this.why = 'failed';
      }
    }
    this.end(this.why ?? 'ended');
    return this.why ?? 'ended';
  }
}
