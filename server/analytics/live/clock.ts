/**
 * Video time → wall clock of one camera's analysed frames. Each frame brings its own offset: wallMs − t on
 * the LL-HLS clock (frames from the ring: the PDT of their part + the offset into it), else receivedAt − t
 * (frames from the disk playlist, ~1 s late). An alarm's start, end and "since" are video times of earlier
 * frames: each is mapped with the offset of that frame (or the newest one before it), so the arrival jitter
 * of later parts does not move it; times older than the history use the oldest offset kept.
 */
import type { Frame } from '../frames.ts';

/** frames remembered (≈ 50 s at 5 fps) */
const KEEP = 256;

export class VideoClock {
  private readonly ts: number[] = [];
  private readonly offs: number[] = [];

  constructor(private readonly fallbackMs: number = Date.now()) {}

  note(f: Frame): void {
    const off = (f.wallMs ?? f.receivedAt) - f.t * 1000;
    // video time went back (the tap restarted, a new ffmpeg counts from its own start): a new history
    if (this.ts.length && f.t < this.ts.at(-1)!) {
      this.ts.length = 0;
      this.offs.length = 0;
    }
    this.ts.push(f.t);
    this.offs.push(off);
    if (this.ts.length > KEEP) {
      this.ts.shift();
      this.offs.shift();
    }
  }

  /** epoch ms of the newest frame's video time 0 */
  get offsetMs(): number {
    return this.offs.at(-1) ?? this.fallbackMs;
  }

  /** epoch ms (rounded) of video time t */
  wall(t: number): number {
    const ts = this.ts;
    if (!ts.length) return Math.round(this.fallbackMs + t * 1000);
    // the newest frame at or before t (binary search: ts ascends)
    let lo = 0;
    let hi = ts.length - 1;
    if (t < ts[0]!) return Math.round(this.offs[0]! + t * 1000);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ts[mid]! <= t + 1e-6) lo = mid;
      else hi = mid - 1;
    }
    return Math.round(this.offs[lo]! + t * 1000);
  }
}
