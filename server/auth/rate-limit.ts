/**
 * Failed-login limiter: at most `max` failures per key within `windowMs`.
 * Keys are "user:<name>" and "ip:<addr>", so neither guessing one account from many
 * addresses nor many accounts from one address gets far. `max` may differ per key kind
 * (the part before ':'): a monitoring post shares one address between several staff.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number | Record<string, number>,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  private maxFor(key: string): number {
    if (typeof this.max === 'number') return this.max;
    return this.max[key.slice(0, key.indexOf(':'))] ?? Infinity;
  }

  /** Milliseconds until another attempt is allowed for any of the keys; 0 when allowed now. */
  retryAfterMs(keys: string[]): number {
    let wait = 0;
    for (const k of keys) {
      const list = this.recent(k);
      const max = this.maxFor(k);
      if (list.length >= max) wait = Math.max(wait, list[list.length - max]! + this.windowMs - this.now());
    }
    return Math.max(0, wait);
  }

  fail(keys: string[]): void {
    for (const k of keys) this.failures.set(k, [...this.recent(k), this.now()]);
  }

  /** Failures of one key within the window. */
  count(key: string): number {
    return this.recent(key).length;
  }

  reset(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
