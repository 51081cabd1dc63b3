/**
 * One ffmpeg child process. stdin ignored; stdout carries `-progress` key=value blocks; stderr is kept in a
 * redacted ring buffer; fd 3 carries the segment muxer's CSV list; fd 4, when asked for, the LL-HLS
 * fragmented MP4 (cut into init + fragments by Fmp4BoxReader, always read so ffmpeg never blocks). HLS progress is seen by watching the live
 * directory for playlist rewrites. stop() = SIGTERM (ffmpeg finishes and lists the current segment), then
 * SIGKILL after the grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Logger } from '../util/log.ts';
import { classifyExit, isNoise, redactLine, type Classified } from './classify.ts';
import { SegmentListReader, type SegmentListEntry } from './segment-list.ts';
import { Fmp4BoxReader, type Fragment, type InitSegment } from './llhls/fmp4-boxes.ts';

export type PipelineKind = 'main' | 'record' | 'live';

export interface Progress {
  /** frames written so far */
  frame: number;
  /** stream time of the output, seconds (undefined while ffmpeg reports N/A) */
  outTimeSec?: number;
}

export interface PipelineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stop() was called: not a failure */
  requested: boolean;
  /** why it exited (meaningful when not requested) */
  classified: Classified;
  /** last stderr lines, redacted */
  stderr: string[];
}

export interface PipelineHandlers {
  onProgress?(p: Progress, atMs: number): void;
  onSegment?(e: SegmentListEntry, atMs: number): void;
  onHls?(atMs: number): void;
  /** LL-HLS fMP4 on fd 4 (only with PipelineOptions.fmp4) */
  onInit?(i: InitSegment): void;
  onFragment?(f: Fragment): void;
  /** Called once, after the process exited and all its output was read. */
  onExit(e: PipelineExit): void;
}

export interface PipelineOptions {
  kind: PipelineKind;
  ffmpegPath: string;
  args: string[];
  /** live directory to watch for index.m3u8 rewrites (kinds main and live) */
  hlsDir?: string;
  isFile: boolean;
  /** the args write fragmented MP4 to fd 4 (pipe:4) */
  fmp4?: boolean;
  /** strings to redact from stderr (the password) */
  secrets?: readonly string[];
  log: Logger;
  handlers: PipelineHandlers;
  now?: () => number;
}

const RING_SIZE = 50;
export const KILL_GRACE_MS = 3000;

function lines(stream: Readable, onLine: (l: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    buf += d;
    const parts = buf.split(/\r?\n|\r/);
    buf = parts.pop() ?? '';
    for (const p of parts) onLine(p);
  });
  stream.on('end', () => {
    if (buf) onLine(buf);
    buf = '';
  });
}

export class Pipeline {
  private child: ChildProcess | undefined;
  private watcher: FSWatcher | undefined;
  private readonly ring: string[] = [];
  private requested = false;
  private finished = false;
  private closed: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly o: PipelineOptions) {
    this.now = o.now ?? Date.now;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return !!this.child && !this.finished;
  }
  /** Last stderr lines (redacted). */
  get stderrTail(): string[] {
    return [...this.ring];
  }

  start(): void {
    if (this.child) throw new Error('pipeline already started');
    const { handlers, log } = this.o;
    const stdio: 'pipe'[] = this.o.fmp4 ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'];
    const child = spawn(this.o.ffmpegPath, this.o.args, { stdio: ['ignore', ...stdio] });
    this.child = child;
    let resolveClosed!: () => void;
    this.closed = new Promise((r) => (resolveClosed = r));

    if (this.o.hlsDir) {
      try {
        this.watcher = watch(this.o.hlsDir, (_ev, name) => {
          if (name === 'index.m3u8') handlers.onHls?.(this.now());
        });
        this.watcher.on('error', () => this.watcher?.close());
      } catch (e) {
        log.warn('cannot watch live directory', { err: e });
      }
    }

    let block: Record<string, string> = {};
    lines(child.stdout!, (l) => {
      const eq = l.indexOf('=');
      if (eq <= 0) return;
      const key = l.slice(0, eq).trim();
      block[key] = l.slice(eq + 1).trim();
      if (key !== 'progress') return;
      const us = Number(block.out_time_us);
      const p: Progress = { frame: Number(block.frame) || 0 };
      if (block.out_time_us !== 'N/A' && Number.isFinite(us) && us >= 0) p.outTimeSec = us / 1e6;
      block = {};
      handlers.onProgress?.(p, this.now());
    });

    lines(child.stderr!, (raw) => {
      const l = redactLine(raw, this.o.secrets);
      if (!l.trim()) return;
      this.ring.push(l);
      if (this.ring.length > RING_SIZE) this.ring.shift();
      if (!isNoise(l)) log.debug('ffmpeg', { kind: this.o.kind, line: l });
    });

    const list = new SegmentListReader();
    const fd3 = child.stdio[3] as Readable | null;
    if (fd3) {
      fd3.setEncoding('utf8');
      fd3.on('data', (d: string) => {
        for (const e of list.push(d)) handlers.onSegment?.(e, this.now());
      });
      fd3.on('end', () => {
        for (const e of list.end()) handlers.onSegment?.(e, this.now());
      });
      fd3.on('error', () => undefined);
    }

    const fd4 = this.o.fmp4 ? (child.stdio[4] as Readable | null) : null;
    if (fd4) {
      const boxes = new Fmp4BoxReader({
        onInit: (i) => handlers.onInit?.(i),
        onFragment: (f) => handlers.onFragment?.(f),
        onError: (message) => log.warn('LL-HLS stream unreadable, waiting for the next init segment', { kind: this.o.kind, message }),
      });
      fd4.on('data', (d: Buffer) => boxes.push(d));
      fd4.on('error', () => undefined);
    }

    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (this.finished) return;
      this.finished = true;
      this.watcher?.close();
      const stderr = [...this.ring];
      const classified: Classified = spawnError
        ? { reason: 'error', detail: `cannot run ffmpeg: ${spawnError.message}` }
        : classifyExit({ stderr, code, signal, isFile: this.o.isFile });
      resolveClosed();
      handlers.onExit({ code, signal, requested: this.requested, classified, stderr });
    };
    child.on('error', (e) => {
      if (child.pid === undefined) finish(null, null, e);
    });
    child.on('close', (code, signal) => finish(code, signal));
  }

  /** Ask ffmpeg to finish (SIGTERM), SIGKILL after graceMs. Resolves once it is gone. */
  async stop(graceMs = KILL_GRACE_MS): Promise<void> {
    const child = this.child;
    if (!child || this.finished) return;
    this.requested = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, graceMs);
    await this.closed;
    clearTimeout(timer);
  }
}
