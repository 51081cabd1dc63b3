/**
 * Decoded frames from a file or a live stream through ffmpeg:
 *   [-re] [-skip_frame nokey] -i INPUT -vf fps=N,scale=W:H,showinfo -f rawvideo -pix_fmt bgr24 pipe:1
 *
 * Frames are BGR24, by default already scaled to the detector's letterbox content size (so the
 * detector only copies), each stamped with its presentation time in video seconds, read from
 * showinfo's pts_time on stderr and paired with the raw frames by order.
 *
 * Bounded: at most `maxQueue` decoded frames are held. 'block' (files, default without realtime)
 * pauses the pipe so ffmpeg stalls and decodes only as fast as the consumer; 'drop-oldest' (live,
 * default with realtime) keeps reading and discards the oldest frame, counted in stats.dropped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { createLogger } from '../util/log.ts';
import { frameArgs, isUrl, parseInputVideo, parseShowinfo, type Frame, type FrameSourceOptions, type FrameStats } from './frame-args.ts';

export { frameArgs, type Frame, type FrameSourceOptions, type FrameStats } from './frame-args.ts';

const log = createLogger('analytics');

/** ffmpeg could not open/decode the input; `frames` = how many frames came out before that. */
export class FrameSourceError extends Error {
  constructor(
    message: string,
    readonly frames: number,
  ) {
    super(message);
    this.name = 'FrameSourceError';
  }
}
/** raw bytes held without a matching showinfo line before we give up (a few 4K frames) */
const MAX_UNPARSED = 128 << 20;
/** released frame buffers kept for reuse per source */
const FREE_MAX = 4;

export class FrameSource implements AsyncIterable<Frame> {
  readonly stats: FrameStats = { frames: 0, dropped: 0 };
  private child: ChildProcess | undefined;
  private readonly queue: Frame[] = [];
  private readonly times: { t: number; w: number; h: number }[] = [];
  /** frame buffers handed back by release(), and those out with a frame (only these may come back) */
  private readonly free: Buffer[] = [];
  private readonly own = new WeakSet<Buffer>();
  private chunks: Buffer[] = [];
  private buffered = 0;
  private src: { w: number; h: number } | undefined;
  private waiter: (() => void) | undefined;
  private done = false;
  private closed = false;
  private error: Error | undefined;
  private readonly tail: string[] = [];
  private lastEmitT = Number.NEGATIVE_INFINITY;
  private decoded = 0;
  private readonly overflow: 'block' | 'drop-oldest';
  private readonly maxQueue: number;

  constructor(private readonly o: FrameSourceOptions) {
    this.overflow = o.overflow ?? (o.realtime || isUrl(o.input) ? 'drop-oldest' : 'block');
    this.maxQueue = Math.max(1, o.maxQueue ?? (this.overflow === 'block' ? 4 : 2));
  }

  start(): this {
    if (this.child) return this;
    const bin = this.o.ffmpegPath ?? process.env.FFMPEG_PATH ?? 'ffmpeg';
    const child = spawn(bin, frameArgs(this.o), { stdio: [this.o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    this.child = child;
    // ffmpeg gone (or closed its input): writes fail with EPIPE, which is its exit, reported on 'close'
    child.stdin?.on('error', () => undefined);
    let line = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      line += s;
      let i: number;
      while ((i = line.indexOf('\n')) >= 0) {
        this.onLine(line.slice(0, i));
        line = line.slice(i + 1);
      }
    });
    child.stdout!.on('data', (b: Buffer) => this.onData(b));
    child.on('error', (e) => this.finish(new FrameSourceError(`cannot run ffmpeg (${bin}): ${e.message}`, this.decoded)));
    child.on('close', (code, signal) => {
      if (line) this.onLine(line);
      this.drain();
      if (code !== 0 && !this.closed) {
        const why = this.tail.filter((l) => !l.includes('Parsed_showinfo')).slice(-3).join(' | ');
        this.finish(new FrameSourceError(`ffmpeg exited with ${code ?? signal} reading ${this.o.input}: ${why}`, this.decoded));
      } else this.finish();
    });
    return this;
  }

  private onLine(l: string): void {
    const m = parseShowinfo(l);
    if (m) {
      this.times.push(m);
      this.drain();
      return;
    }
    this.src ??= parseInputVideo(l);
    if (l.trim() && !l.includes('Parsed_showinfo')) {
      this.tail.push(l.trim());
      if (this.tail.length > 20) this.tail.shift();
    }
  }

  private onData(b: Buffer): void {
    this.chunks.push(b);
    this.buffered += b.length;
    this.drain();
    if (this.buffered > MAX_UNPARSED) {
      this.finish(new FrameSourceError(`ffmpeg output for ${this.o.input} has no frame info (showinfo): giving up`, this.decoded));
      this.close();
    }
  }

  /** Cut complete frames out of the byte stream once their showinfo line (size, time) is known. */
  private drain(): void {
    while (this.times.length > 0) {
      const meta = this.times[0]!;
      const size = meta.w * meta.h * 3;
      if (this.buffered < size) break;
      this.times.shift();
      const data = this.take(size);
      const index = this.decoded++;
      const minGap = this.o.keyframesOnly && this.o.fps ? 1 / this.o.fps - 1e-6 : 0;
      const t = Number.isFinite(meta.t) ? meta.t : index / (this.o.fps ?? 5);
      if (minGap > 0 && t - this.lastEmitT < minGap) {
        if (this.own.delete(data) && this.free.length < FREE_MAX) this.free.push(data);
        continue;
      }
      this.lastEmitT = t;
      const src = this.src ?? { w: meta.w, h: meta.h };
      const frame: Frame = { data, width: meta.w, height: meta.h, order: 'bgr', sourceWidth: src.w, sourceHeight: src.h, t, index, receivedAt: Date.now() };
      if (this.own.has(data)) frame.release = () => this.recycle(frame);
      this.push(frame);
    }
  }

  private take(size: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length === size) {
      this.chunks.shift();
      this.buffered -= size;
      return first;
    }
    let out = this.free.pop();
    if (out?.length !== size) out = Buffer.allocUnsafeSlow(size);
    this.own.add(out);
    let off = 0;
    while (off < size) {
      const c = this.chunks[0]!;
      const n = Math.min(c.length, size - off);
      c.copy(out, off, 0, n);
      off += n;
      if (n === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(n);
    }
    this.buffered -= size;
    return out;
  }

  /** A released frame's buffer goes back to the free list (once; only buffers this source allocated). */
  private recycle(f: Frame): void {
    const b = f.data;
    f.release = undefined;
    if (!this.own.delete(b) || this.closed) return;
    if (this.free.length < FREE_MAX) this.free.push(b);
  }

  private push(f: Frame): void {
    if (this.closed) return;
    this.queue.push(f);
    this.stats.frames++;
    if (this.queue.length > this.maxQueue && this.overflow === 'drop-oldest') {
      this.queue.shift()!.release?.();
      this.stats.dropped++;
    }
    if (this.overflow === 'block' && this.queue.length >= this.maxQueue) this.child?.stdout?.pause();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private finish(err?: Error): void {
    if (this.done) return;
    this.done = true;
    if (err && !this.closed) {
      this.error = err;
      log.warn('frame source failed', { input: this.o.input, error: err.message });
    }
    this.wake();
  }

  /** ffmpeg's stdin (only with `stdin: true`), while it runs */
  get input(): Writable | undefined {
    return this.closed || this.done ? undefined : (this.child?.stdin ?? undefined);
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Next frame, or null at the end of the input; throws if ffmpeg failed. */
  async next(): Promise<Frame | null> {
    while (true) {
      const f = this.queue.shift();
      if (f) {
        if (this.overflow === 'block' && this.queue.length < this.maxQueue) this.child?.stdout?.resume();
        return f;
      }
      if (this.done || this.closed) {
        if (this.error) throw this.error;
        return null;
      }
      await new Promise<void>((r) => (this.waiter = r));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Frame> {
    if (!this.child) this.start();
    try {
      for (let f = await this.next(); f; f = await this.next()) yield f;
    } finally {
      this.close();
    }
  }

  /** Stop ffmpeg and drop queued frames. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    const c = this.child;
    if (c && c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 2000);
      timer.unref();
      c.once('close', () => clearTimeout(timer));
    }
    this.wake();
  }
}

export function openFrames(o: FrameSourceOptions): FrameSource {
  return new FrameSource(o).start();
}
