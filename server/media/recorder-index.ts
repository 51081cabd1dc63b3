/**
 * Turns finished recording segments into SegmentRepo rows.
 *
 * Layout: ffmpeg writes `<recordingsDir>/<cameraId>/.incoming/<runTag>-NNNNNN.mp4`. Once a segment is finished
 * (listed on fd 3) it is renamed to `<recordingsDir>/<cameraId>/<YYYY-MM-DD>/<HH-MM-SS>.mp4` — local date and
 * time of its wall-clock start, `_1`, `_2`… appended if taken — then indexed with its exact start and end.
 * Renaming (rather than ffmpeg's -strftime) puts a segment in the folder of the day it starts even when a run
 * crosses midnight, and two runs can never write the same file.
 *
 * On pipeline exit, a file of the run that ffmpeg did not list (the partial last one after a SIGKILL) is probed
 * and indexed right after the last listed one (fragmented MP4 stays playable), or deleted if it has no frames.
 * Files left in .incoming by a crashed process are recovered the same way, timed by their mtime.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBus } from '../events/bus.ts';
import type { NewSegment, SegmentRepo } from '../store/segments.ts';
import type { Logger } from '../util/log.ts';
import { probeDuration } from './probe.ts';
import { WallClockAnchor, type SegmentListEntry } from './segment-list.ts';

/** ffmpeg writes the list entry just before closing the file: give the close a moment. */
export const INDEX_DELAY_MS = 300;
/** Re-time already indexed segments of the run when the anchor moves earlier by more than this. */
const REANCHOR_MS = 20;
const REANCHOR_KEEP = 60;

const pad = (n: number) => String(n).padStart(2, '0');
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
export function localClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

export interface RecorderIndexOptions {
  cameraId: string;
  recordingsDir: string;
  segments: SegmentRepo;
  bus: EventBus;
  ffprobePath: string;
  log: Logger;
}

export class RecorderIndex {
  readonly stagingDir: string;
  constructor(private readonly o: RecorderIndexOptions) {
    this.stagingDir = join(o.recordingsDir, o.cameraId, '.incoming');
  }

  beginRun(runTag: string, codec: string): RecordingRun {
    mkdirSync(this.stagingDir, { recursive: true });
    return new RecordingRun(this, runTag, codec);
  }

  /** Move a finished staging file into its date folder, index it, publish it. Returns the relative path. */
  place(staging: string, startMs: number, endMs: number, codec: string | null): string {
    const { cameraId, recordingsDir } = this.o;
    const bytes = statSync(staging).size;
    const day = localDay(startMs);
    mkdirSync(join(recordingsDir, cameraId, day), { recursive: true });
    let rel = '';
    for (let i = 0; ; i++) {
      rel = `${cameraId}/${day}/${localClock(startMs)}${i ? `_${i}` : ''}.mp4`;
      if (!existsSync(join(recordingsDir, rel))) break;
    }
    renameSync(staging, join(recordingsDir, rel));
    this.indexOrRetry({ cameraId, path: rel, startMs, endMs, bytes, codec });
    return rel;
  }

  /** A placed file whose row could not be written (full disk) is retried every 5 s, never lost. */
  private readonly unindexed: NewSegment[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private retrying = false;
  /** this camera's index writes, one after the other (a re-time never overtakes the insert it corrects) */
  private writes: Promise<void> = Promise.resolve();

  private write(fn: () => Promise<unknown>): Promise<void> {
    const p = this.writes.then(fn).then(() => undefined);
    this.writes = p.catch(() => undefined);
    return p;
  }

  /** Resolves when every index write asked for so far is done (or failed and waits for its retry). */
  settled(): Promise<void> {
    return this.writes;
  }

  private indexed(s: NewSegment): void {
    this.o.bus.emit('segment.indexed', { cameraId: s.cameraId, path: s.path, startMs: Math.round(s.startMs), endMs: Math.round(s.endMs) });
  }

  private indexOrRetry(s: NewSegment): void {
    this.write(() => this.o.segments.insert(s)).then(
      () => this.indexed(s),
      (err: unknown) => {
        this.o.log.warn('could not index a segment; will retry', { path: s.path, err });
        this.o.bus.emit('storage.write_failed', { what: 'recording index', code: (err as { code?: string }).code ?? null, atMs: Date.now() });
        if (this.unindexed.length < 10_000) this.unindexed.push(s);
        this.retryTimer ??= setInterval(() => void this.retry(), 5000);
        this.retryTimer.unref();
      },
    );
  }

  private async retry(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      const pending = this.unindexed.splice(0);
      if (!pending.length) {
        clearInterval(this.retryTimer);
        this.retryTimer = undefined;
        return;
      }
      for (const p of pending) {
        try {
          await this.write(() => this.o.segments.insert(p));
          this.indexed(p);
        } catch {
          this.unindexed.push(p);
        }
      }
    } finally {
      this.retrying = false;
    }
  }

  /** Correct the times of an indexed segment (the run's clock anchor moved). Throws when the file is gone. */
  retime(rel: string, startMs: number, endMs: number, codec: string | null): void {
    const bytes = statSync(join(this.o.recordingsDir, rel)).size;
    this.write(() => this.o.segments.insert({ cameraId: this.o.cameraId, path: rel, startMs, endMs, bytes, codec })).catch((err: unknown) =>
      this.o.log.warn('could not re-time a segment', { path: rel, err }),
    );
  }

  /** Probe an unlisted file: index it at [startMs, startMs + duration] or delete it. Returns the end. */
  async salvage(staging: string, codec: string | null, startAt: (durationMs: number) => number): Promise<number | undefined> {
    const dur = await probeDuration(this.o.ffprobePath, staging);
    if (!dur) {
      unlinkSync(staging);
      this.o.log.debug('deleted empty partial segment', { file: staging });
      return undefined;
    }
    const startMs = startAt(dur * 1000);
    const endMs = startMs + dur * 1000;
    this.place(staging, startMs, endMs, codec);
    await this.settled();
    return endMs;
  }

  /** Index files left in .incoming by runs that are not active (e.g. after a crash), timed by mtime. */
  async recoverOrphans(activeTags: ReadonlySet<string>, codec: string | null = null): Promise<number> {
    if (!existsSync(this.stagingDir)) return 0;
    const files = readdirSync(this.stagingDir)
      .filter((f) => /^[a-z0-9]+-\d+\.mp4$/.test(f) && !activeTags.has(f.split('-')[0]!))
      .sort();
    let n = 0;
    for (const f of files) {
      const p = join(this.stagingDir, f);
      try {
        const mtime = statSync(p).mtimeMs;
        if ((await this.salvage(p, codec, (d) => mtime - d)) !== undefined) n++;
      } catch (e) {
        this.o.log.warn('could not recover orphan segment', { file: f, err: e });
      }
    }
    return n;
  }

  get log(): Logger {
    return this.o.log;
  }
}

interface Placed {
  rel: string;
  entry: SegmentListEntry;
}

/** Indexing state of one pipeline run. */
export class RecordingRun {
  readonly anchor = new WallClockAnchor();
  private readonly listed = new Set<string>();
  private readonly pending = new Map<string, { entry: SegmentListEntry; timer: NodeJS.Timeout }>();
  private readonly recent: Placed[] = [];
  private lastEnd: SegmentListEntry | undefined;
  private finished = false;

  constructor(
    private readonly idx: RecorderIndex,
    readonly runTag: string,
    readonly codec: string,
  ) {}

  /** ffmpeg progress: the output reached stream time `sec` at `atMs`. */
  observe(sec: number, atMs: number): void {
    const moved = this.anchor.observe(sec, atMs);
    if (moved > REANCHOR_MS) this.reanchor();
  }

  /** A finished segment was listed by ffmpeg. */
  onSegment(entry: SegmentListEntry, atMs: number): void {
    if (this.finished || !entry.file.startsWith(`${this.runTag}-`)) return;
    this.listed.add(entry.file);
    this.observe(entry.end, atMs);
    const timer = setTimeout(() => this.flushOne(entry.file), INDEX_DELAY_MS);
    this.pending.set(entry.file, { entry, timer });
  }

  private flushOne(file: string): void {
    const p = this.pending.get(file);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(file);
    const { entry } = p;
    const staging = join(this.idx.stagingDir, file);
    try {
      if (!existsSync(staging)) throw new Error('segment file missing');
      if (entry.end <= entry.start) {
        unlinkSync(staging);
        return;
      }
      const r = this.anchor.range(entry)!;
      const rel = this.idx.place(staging, r.startMs, r.endMs, this.codec);
      if (!this.lastEnd || entry.end > this.lastEnd.end) this.lastEnd = entry;
      this.recent.push({ rel, entry });
      if (this.recent.length > REANCHOR_KEEP) this.recent.shift();
    } catch (e) {
      this.idx.log.warn('could not index segment', { file, err: e });
    }
  }

  private reanchor(): void {
    for (const { rel, entry } of this.recent) {
      const r = this.anchor.range(entry)!;
      try {
        this.idx.retime(rel, r.startMs, r.endMs, this.codec);
      } catch {
        /* deleted by retention meanwhile */
      }
    }
  }

  /** After the process is gone: index what is pending and salvage unlisted files of this run. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    for (const file of [...this.pending.keys()]) this.flushOne(file);
    let files: string[] = [];
    try {
      files = readdirSync(this.idx.stagingDir)
        .filter((f) => f.startsWith(`${this.runTag}-`) && f.endsWith('.mp4') && !this.listed.has(f))
        .sort();
    } catch {
      return this.idx.settled();
    }
    let startMs: number | undefined = this.lastEnd ? this.anchor.range(this.lastEnd)!.endMs : this.anchor.ms;
    for (const f of files) {
      const staging = join(this.idx.stagingDir, f);
      try {
        const mtime = statSync(staging).mtimeMs;
        const at = startMs;
        const end = await this.idx.salvage(staging, this.codec, (d) => at ?? mtime - d);
        if (end !== undefined) startMs = end;
      } catch (e) {
        this.idx.log.warn('could not index partial segment', { file: f, err: e });
      }
    }
    await this.idx.settled();
  }
}
