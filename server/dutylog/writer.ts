/**
 * Automatic duty-log entries that survive a full disk (issue F point 4). An entry that cannot be written
 * (SQLITE_FULL, I/O error) is logged, reported on the bus (`storage.write_failed`, so retention frees space now)
 * and kept in a small in-memory queue (oldest dropped beyond `max`, and counted); the queue is written, in order,
 * as soon as a write succeeds again. Writes are a promise chain (appends are async on the SQL layer, issue J): one
 * entry at a time, in the order they were asked for; SQLITE_FULL and PostgreSQL's 53100 disk_full both mean
 * "keep it queued, retry". Once space is back (`storage.space_back` from retention, or the queue
 * written when retention is not watching) one entry "Disk full from T to T" is appended, saying how many
 * entries were written late or lost. Nothing here ever throws into the caller (a timer, a bus listener).
 */
import type { EventBus } from '../events/bus.ts';
import { isDiskFull } from '../retention/space.ts';
import { createLogger } from '../util/log.ts';
import { siteIso } from '../util/site-time.ts';
import type { AppendInput, DutyLog } from './log.ts';
import { SYSTEM_AUTHOR } from './log.ts';

const log = createLogger('dutylog');

export interface DutyWriterOptions {
  /** queued entries kept at most (default 200) */
  max?: number;
  /** retry interval while entries are queued (default 5 s) */
  retryMs?: number;
  now?: () => number;
}

interface Queued {
  input: AppendInput;
  at: number;
}

const iso = siteIso;

export class DutyWriter {
  private queue: Queued[] = [];
  private dropped = 0;
  private late = 0;
  /** first failed write of the current episode */
  private failedSince: number | null = null;
  /** retention said the disk is full (it will also say when space is back) */
  private fullSince: number | null = null;
  private summary: { from: number; to: number } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly max: number;
  private readonly now: () => number;
  /** the flush running now (and the ones asked for meanwhile): one at a time, in order */
  private running: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;

  constructor(
    private readonly duty: DutyLog,
    private readonly bus?: EventBus,
    private readonly o: DutyWriterOptions = {},
  ) {
    this.max = o.max ?? 200;
    this.now = o.now ?? Date.now;
    bus?.on('storage.full', (e) => (this.fullSince ??= e.since));
    bus?.on('storage.space_back', (e) => {
      const from = Math.min(e.fromMs, this.failedSince ?? e.fromMs, this.fullSince ?? e.fromMs);
      this.fullSince = null;
      this.summary = { from: Math.min(from, this.summary?.from ?? from), to: e.toMs };
      void this.flush();
    });
  }

  /** Entries waiting for space. */
  get queued(): number {
    return this.queue.length;
  }

  /** Append now, or queue it when the disk is full. Never throws. */
  append(input: AppendInput): void {
    this.queue.push({ input, at: this.now() });
    if (this.queue.length > this.max) {
      this.queue.shift();
      this.dropped++;
    }
    void this.flush();
  }

  /**
   * Write what is queued, in order; then the "disk full from T to T" entry once the episode is over. One drain
   * runs at a time; a flush asked for while one runs makes it go round once more. Resolves when the queue is
   * written (or kept for the retry); never rejects.
   */
  flush(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return this.running;
    }
    this.busy = true;
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again);
      } catch (err) {
        log.error('duty-log writer failed', { err });
      } finally {
        this.busy = false;
      }
    })();
    return this.running;
  }

  /** Resolves once nothing is being written (tests, shutdown). */
  settled(): Promise<void> {
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const q = this.queue[0]!;
      const delayed = this.failedSince !== null;
      const input = delayed ? { ...q.input, data: { ...q.input.data, happenedAt: q.at, writtenLate: true } } : q.input;
      const r = await this.write(input);
      if (r === 'retry') return;
      this.queue.shift();
      if (delayed && r === 'ok') this.late++;
    }
    if (this.failedSince !== null && this.fullSince === null && !this.summary) {
      // retention did not report the disk full (not running): our own writes work again, so space is back
      this.summary = { from: this.failedSince, to: this.now() };
    }
    if (!this.summary) return;
    const { from, to } = this.summary;
    const lost = this.dropped;
    const text =
      `Disk full from ${iso(from)} to ${iso(to)} — recording and logging were interrupted` +
      (this.late ? `; ${this.late} entries written late` : '') +
      (lost ? `; ${lost} entries lost` : '') +
      ` / 磁盘已满（${iso(from)} 至 ${iso(to)}），录像和记录中断`;
    if ((await this.write({ category: 'equipment_fault', kind: 'disk_full', text, author: SYSTEM_AUTHOR, data: { from, to, writtenLate: this.late, lost } })) === 'retry') return;
    this.summary = null;
    this.failedSince = null;
    this.late = this.dropped = 0;
  }

  /** ok; retry (disk full: keep it); drop (an error that a retry would not fix). */
  private async write(input: AppendInput): Promise<'ok' | 'retry' | 'drop'> {
    try {
      await this.duty.append(input);
      clearTimeout(this.timer);
      this.timer = undefined;
      return 'ok';
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (!isDiskFull(err) && !retryable(err)) {
        log.error('duty-log entry could not be written; dropped', { kind: input.kind, err });
        return 'drop';
      }
      const at = this.now();
      if (this.failedSince === null) {
        this.failedSince = at;
        log.error('duty-log entry could not be written (disk full?); kept in memory until space is back', { kind: input.kind, err });
      }
      this.bus?.emit('storage.write_failed', { what: 'duty log', code: typeof code === 'string' ? code : null, atMs: at });
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.o.retryMs ?? 5000);
      this.timer.unref();
      return 'retry';
    }
  }
}

/**
 * Errors a later retry may fix, besides a full disk (isDiskFull: SQLITE_FULL, PostgreSQL 53100 disk_full, ENOSPC):
 * SQLite busy/locked; PostgreSQL out of resources (class 53), shutting down (57P01–57P03), connection lost
 * (class 08, or the socket refused/reset).
 */
export function retryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || /^(53|08)/.test(code) || /^57P0[123]$/.test(code) ||
    code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE';
}

const writers = new WeakMap<DutyLog, DutyWriter>();

/** The one writer of a duty log (camera and alarm watches share it, so the queue keeps their order). */
export function dutyWriter(duty: DutyLog, bus?: EventBus): DutyWriter {
  let w = writers.get(duty);
  if (!w) writers.set(duty, (w = new DutyWriter(duty, bus)));
  return w;
}
