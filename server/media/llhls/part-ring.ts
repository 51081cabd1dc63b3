/**
 * One live stream's LL-HLS media in memory: fMP4 fragments from ffmpeg become parts, grouped into segments
 * that start at a key frame once the open one reached minSegmentSeconds (so a segment is the camera's GOP,
 * never shorter than minSegmentSeconds). Bounded: the last maxSegments complete segments and at most
 * maxBytes. Numbering (media sequence number, part ids) is monotonic for the life of the ring, across
 * ffmpeg restarts: a restart closes the open segment and the next one carries a discontinuity and a new
 * init segment. Each part is stamped with the wall-clock time its first frame reached ffmpeg (arrival of
 * the fragment minus its duration: ffmpeg writes a fragment when the next one's first frame comes in).
 */

import type { Fragment, InitSegment } from './fmp4-boxes.ts';
import type { Part, RingListener, RingOptions, Segment } from './part-types.ts';

/** how far back the input frame rate looks */
const FPS_WINDOW_MS = 5000;

export type { Part, RingListener, RingOptions, Segment } from './part-types.ts';

/** PART-TARGET is never raised beyond this, whatever ffmpeg delivers */
export const MAX_PART_TARGET = 0.5;

interface Waiter {
  ready: () => boolean;
  done: (ok: boolean) => void;
}

export class PartRing {
  readonly segments: Segment[] = [];
  private readonly inits = new Map<number, Buffer>();
  private initId = 0;
  private nextMsn: number;
  private readonly firstMsn: number;
  private nextPartId: number;
  private discontinuityNext = false;
  /** discontinuities that slid out of the ring (EXT-X-DISCONTINUITY-SEQUENCE) */
  discontinuitySequence = 0;
  private maxPart: number;
  private maxSeg = 1;
  private waiters = new Set<Waiter>();
  private readonly listeners = new Set<RingListener>();
  private readonly now: () => number;
  /** recent fragments (wall clock, frames, video seconds) for the input frame rate (metrics) */
  private recent: { at: number; samples: number; durationSec: number }[] = [];
  /** fragments dropped while waiting for an init or a first key frame */
  dropped = 0;
  /** stream stopped: nothing is live until the next init */
  private ended = true;
  /** camera stopped (disabled, restarting with a new config): nothing is served until the next init */
  closed = false;

  constructor(private readonly o: RingOptions) {
    this.now = o.now ?? Date.now;
    this.maxPart = o.partTargetSeconds;
    this.nextMsn = this.firstMsn = o.firstMsn ?? 0;
    this.nextPartId = o.firstPartId ?? 0;
  }

  get partTargetSeconds(): number {
    return this.maxPart;
  }
  /** EXT-X-TARGETDURATION: whole seconds ≥ every EXTINF rounded to the nearest integer (8216bis), never lowered */
  get targetDuration(): number {
    return Math.max(1, Math.round(this.maxSeg));
  }
  get live(): boolean {
    return !this.ended && this.segments.some((s) => s.parts.length > 0);
  }
  /** an ffmpeg feeds the ring now (an init came, and no end() since) */
  get streaming(): boolean {
    return !this.ended;
  }
  /** the segment being filled (the last one, when not complete) */
  get open(): Segment | undefined {
    const last = this.segments.at(-1);
    return last && !last.complete ? last : undefined;
  }
  /** id the next part will have (EXT-X-PRELOAD-HINT) */
  get nextId(): number {
    return this.nextPartId;
  }
  get bytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }
  get waiting(): number {
    return this.waiters.size;
  }

  init(i: InitSegment): void {
    this.closeOpen();
    this.initId++;
    this.inits.set(this.initId, i.data);
    this.discontinuityNext = this.nextMsn > this.firstMsn;
    this.ended = false;
    this.closed = false;
    this.tell((l) => l.onInit?.(i.data, this.initId));
  }

  initData(id: number): Buffer | undefined {
    return this.inits.get(id);
  }
  get currentInitId(): number {
    return this.initId;
  }

  /**
   * Follow the stream: the listener hears every init, part and end from now on (nothing from the past:
   * the current init, if live, is initData(currentInitId)). Returns the unsubscribe function.
   */
  subscribe(l: RingListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  get subscribers(): number {
    return this.listeners.size;
  }

  /**
   * ffmpeg is gone: close the open segment; the next stream starts after a discontinuity. Blocked requests
   * keep waiting (a restart takes a second or two), up to their own timeout.
   */
  end(): void {
    this.closeOpen();
    this.ended = true;
    this.notify();
    this.tell((l) => l.onEnd?.());
  }

  /**
   * Frames per second coming in: the frames of the fragments of the last 5 s over their video duration; 0 when
   * nothing came for 5 s or the stream ended (the camera's `fps in` on /metrics).
   */
  inputFps(): number {
    const since = this.now() - FPS_WINDOW_MS;
    const r = this.ended ? [] : this.recent.filter((x) => x.at >= since);
    const dur = r.reduce((n, x) => n + x.durationSec, 0);
    return dur > 0 ? r.reduce((n, x) => n + x.samples, 0) / dur : 0;
  }

  /**
   * The camera stopped (disabled, or restarting with a new config): release every waiter and free the
   * media; the numbering goes on if it starts again.
   */
  close(): void {
    this.end();
    this.closed = true;
    for (const w of [...this.waiters]) w.done(false);
    for (const s of this.segments) if (s.discontinuity) this.discontinuitySequence++;
    this.segments.length = 0;
    this.inits.clear();
  }

  fragment(f: Fragment): Part | undefined {
    if (this.ended) return this.drop();
    const at = this.now();
    this.recent.push({ at, samples: f.samples, durationSec: f.durationSec });
    while (this.recent.length > 1 && this.recent[0]!.at < at - FPS_WINDOW_MS) this.recent.shift();
    let seg = this.open;
    // 10 % slack: RTSP time stamps jitter, a 1 s GOP must give 1 s segments
    const cut = seg && ((f.independent && seg.durationSec >= this.o.minSegmentSeconds * 0.9) || seg.durationSec >= (this.o.maxSegmentSeconds ?? 10));
    if (seg && cut) {
      this.complete(seg);
      seg = undefined;
    }
    if (!seg) {
      // a stream (first run, or after a restart) starts at a key frame
      if (!f.independent && !cut) return this.drop();
      seg = { msn: this.nextMsn++, parts: [], durationSec: 0, complete: false, discontinuity: this.discontinuityNext, initId: this.initId, bytes: 0 };
      this.discontinuityNext = false;
      this.segments.push(seg);
    }
    const part: Part = {
      id: this.nextPartId++,
      msn: seg.msn,
      index: seg.parts.length,
      data: f.data,
      durationSec: f.durationSec,
      independent: f.independent,
      pdtMs: at - f.durationSec * 1000,
      startSec: f.startSec,
      initId: this.initId,
    };
    seg.parts.push(part);
    seg.durationSec += f.durationSec;
    seg.bytes += f.data.length;
    // a low frame rate makes parts longer than asked (3 fps: 333 ms); a time-stamp glitch must not raise the
    // target (and PART-HOLD-BACK) for good
    this.maxPart = Math.max(this.maxPart, Math.min(MAX_PART_TARGET, Math.ceil(f.durationSec * 1000 - 0.5) / 1000));
    this.maxSeg = Math.max(this.maxSeg, seg.durationSec);
    this.trim();
    this.notify();
    this.tell((l) => l.onPart?.(part));
    return part;
  }

  segment(msn: number): Segment | undefined {
    return this.segments.find((s) => s.msn === msn);
  }
  part(id: number): Part | undefined {
    for (const s of this.segments) {
      const first = s.parts[0];
      if (first && id >= first.id && id < first.id + s.parts.length) return s.parts[id - first.id];
    }
    return undefined;
  }
  /** the ring once held (or will hold) this part id: older than the oldest one held */
  partGone(id: number): boolean {
    const first = this.segments[0]?.parts[0];
    return first ? id < first.id : id < this.nextPartId;
  }

  /**
   * Resolves true once ready() holds (checked now and after every new part), false after timeoutMs,
   * on abort or on close().
   */
  waitUntil(ready: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w: Waiter = {
        ready,
        done: (ok) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.waiters.delete(w);
          resolve(ok);
        },
      };
      const onAbort = () => w.done(false);
      const timer = setTimeout(() => w.done(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(w);
    });
  }

  private drop(): undefined {
    this.dropped++;
    return undefined;
  }

  private tell(f: (l: RingListener) => void): void {
    for (const l of [...this.listeners]) {
      try {
        f(l);
      } catch {
        this.listeners.delete(l);
      }
    }
  }

  private notify(): void {
    for (const w of [...this.waiters]) if (w.ready()) w.done(true);
  }

  private closeOpen(): void {
    const seg = this.open;
    if (!seg) return;
    if (seg.parts.length) this.complete(seg);
    else this.segments.pop();
  }

  private complete(seg: Segment): void {
    seg.complete = true;
    seg.data = Buffer.concat(seg.parts.map((p) => p.data));
    // the parts become views of the segment: the bytes are held once
    let off = 0;
    for (const p of seg.parts) {
      p.data = seg.data.subarray(off, off + p.data.length);
      off += p.data.length;
    }
  }

  private trim(): void {
    const maxSegments = this.o.maxSegments ?? 6;
    const maxBytes = this.o.maxBytes ?? 64 * 1024 * 1024;
    for (;;) {
      const complete = this.segments.filter((s) => s.complete).length;
      if (this.segments.length <= 1 || (complete <= maxSegments && this.bytes <= maxBytes)) break;
      const gone = this.segments.shift()!;
      if (gone.discontinuity) this.discontinuitySequence++;
      if (this.segments[0]!.initId !== gone.initId) this.inits.delete(gone.initId);
    }
  }
}
