/**
 * Automatic duty-log entries that survive a full disk (issue F point 4). An entry that cannot be written
 * (SQLITE_FULL, I/O error) is logged, reported on the bus (`storage.write_failed`, so retention frees space now)
 * and kept in a small in-memory queue (oldest dropped beyond `max`, and counted); the queue is written, in order,
 * as soon as a write succeeds again. Once space is back (`storage.space_back` from retention, or the queue
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
      this.flush();
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
    this.flush();
  }

  /** Write what is queued, in order; then the "disk full from T to T" entry once the episode is over. */
  flush(): void {
    while (this.queue.length) {
      const q = this.queue[0]!;
      const delayed = this.failedSince !== null;
      const input = delayed ? { ...q.input, data: { ...q.input.data, happenedAt: q.at, writtenLate: true } } : q.input;
      const r = this.write(input);
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
    if (this.write({ category: 'equipment_fault', kind: 'disk_full', text, author: SYSTEM_AUTHOR, data: { from, to, writtenLate: this.late, lost } }) === 'retry') return;
    this.summary = null;
    this.failedSince = null;
    this.late = this.dropped = 0;
  }

  /** ok; retry (disk full: keep it); drop (an error that a retry would not fix). */
  private write(input: AppendInput): 'ok' | 'retry' | 'drop' {
    try {
      this.duty.append(input);
      clearTimeout(this.timer);
      this.timer = undefined;
      return 'ok';
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (!isDiskFull(err) && code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') {
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
        this.flush();
      }, this.o.retryMs ?? 5000);
      this.timer.unref();
      return 'retry';
    }
  }
}

const writers = new WeakMap<DutyLog, DutyWriter>();

/** The one writer of a duty log (camera and alarm watches share it, so the queue keeps their order). */
export function dutyWriter(duty: DutyLog, bus?: EventBus): DutyWriter {
  let w = writers.get(duty);
  if (!w) writers.set(duty, (w = new DutyWriter(duty, bus)));
  return w;
}
