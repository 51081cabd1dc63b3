/**
 * Pure restart pacing and stall arithmetic for the supervisor.
 *
 * Backoff: initialMs doubling up to maxMs (default 1 s → 30 s), back to initialMs once a run has been producing
 * for healthyResetMs (60 s). Rate cap: at most maxRestarts restarts of runs that had gone online (flapping)
 * within windowMs (10 per 10 min); past it, the next start waits until the oldest leaves the window.
 * Connection failures before any output are paced by the backoff alone, so an unreachable camera is retried
 * every maxMs forever and comes back within maxMs of being reachable again.
 */

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  maxRestarts?: number;
  windowMs?: number;
  healthyResetMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialMs: 1000,
  maxMs: 30_000,
  maxRestarts: 10,
  windowMs: 10 * 60_000,
  healthyResetMs: 60_000,
};

export interface RestartDecision {
  delayMs: number;
  /** the rate cap, not the backoff, set the delay */
  capped: boolean;
}

export class RestartPolicy {
  private readonly o: Required<BackoffOptions>;
  private attempt = 0;
  private flaps: number[] = [];

  constructor(o: BackoffOptions = {}) {
    this.o = { ...DEFAULT_BACKOFF, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) };
  }

  /**
   * A run ended at `now` after producing for `producedMs` (0 if it never produced).
   * Returns how long to wait before the next start.
   */
  next(now: number, producedMs: number): RestartDecision {
    if (producedMs >= this.o.healthyResetMs) this.attempt = 0;
    const delay = Math.min(this.o.maxMs, this.o.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    if (producedMs <= 0) return { delayMs: delay, capped: false };
    this.flaps = this.flaps.filter((t) => t > now - this.o.windowMs);
    this.flaps.push(now);
    if (this.flaps.length <= this.o.maxRestarts) return { delayMs: delay, capped: false };
    const wait = this.flaps[this.flaps.length - 1 - this.o.maxRestarts]! + this.o.windowMs - now;
    return wait > delay ? { delayMs: wait, capped: true } : { delayMs: delay, capped: false };
  }
}

/** Keeps the recent intervals between updates of one output (HLS playlist or recording segments). */
/** Longest wait for a second update once an output has produced its first one. */
export const FIRST_INTERVAL_MAX_MS = 10_000;

export class OutputClock {
  private last: number | undefined;
  private gaps: number[] = [];
  constructor(private readonly nominalMs: number) {}

  tick(at: number): void {
    // one playlist rewrite can raise several file events: count it once
    if (this.last !== undefined && at - this.last < 100) return;
    if (this.last !== undefined) {
      this.gaps.push(at - this.last);
      if (this.gaps.length > 5) this.gaps.shift();
    }
    this.last = at;
  }

  get lastAt(): number | undefined {
    return this.last;
  }

  /**
   * When does this output count as stalled? `stallSegments` expected intervals after the last update, where
   * the expected interval is the nominal segment length or the longest recent one (a camera whose GOP is
   * longer than the segment length produces longer segments). Until the first interval is known, no earlier
   * than `firstDeadline`.
   */
  deadline(stallSegments: number, firstDeadline: number): number {
    if (this.last === undefined) return firstDeadline;
    const next = this.last + stallSegments * Math.max(this.nominalMs, ...this.gaps);
    if (this.gaps.length) return next;
    // one update only: the real interval is still unknown (it can be a long GOP), so allow more than N
    // nominal intervals, but a camera that froze right after its first segment must still be noticed:
    // at most FIRST_INTERVAL_MAX_MS after that update (or the start-up allowance, if that is sooner).
    return Math.max(next, Math.min(firstDeadline, this.last + FIRST_INTERVAL_MAX_MS));
  }
}
