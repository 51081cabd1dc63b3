/**
 * One scheduler shares the single detector among all analysed cameras: round-robin over cameras that have
 * a frame waiting, one frame at a time (detect() is serialised anyway). Each camera has a bounded queue of
 * QUEUE_MAX frames: a new frame beyond it pushes out the oldest (counted as dropped), and a frame that waited
 * longer than STALE_MS is dropped instead of analysed, so a slow detector means fewer analysed frames, never
 * a growing backlog or growing latency.
 *
 * Inference runs in the detector's worker thread(s) (DetectorWorker): while a frame is being inferred the
 * main thread is free for HTTP/SSE. With `concurrency` > 1 (one per worker) up to that many frames of
 * different cameras are in flight at once; one camera's frames stay in order (its tracker is stateful).
 */
import type { Frame } from '../frames.ts';
import type { CameraAnalyzer, StepResult } from '../pipeline.ts';
import type { Logger } from '../../util/log.ts';

export const QUEUE_MAX = 2;
export const STALE_MS = 3000;
const WINDOW_MS = 10_000;

export interface Lane {
  cameraId: string;
  analyzer: CameraAnalyzer;
  queue: Frame[];
  /** frames dropped here (queue overflow or stale) */
  dropped: number;
  analysed: number;
  /** Date.now() of recent analysed frames (for the rate) */
  recent: number[];
  lastFrameAt: number | null;
  lastError: string | undefined;
}

export type StepHandler = (lane: Lane, frame: Frame, step: StepResult) => Promise<void> | void;

export class Scheduler {
  private readonly lanes = new Map<string, Lane>();
  private order: string[] = [];
  private rr = 0;
  private wake: (() => void) | undefined;
  private running = false;
  private loopDone: Promise<void> | undefined;
  /** cameras with a frame in flight */
  private readonly busy = new Set<string>();
  private readonly jobs = new Set<Promise<void>>();

  constructor(
    private readonly onStep: StepHandler,
    private readonly log: Logger,
    /** frames analysed at the same time (the detector's parallelism) */
    private readonly concurrency = 1,
  ) {}

  add(cameraId: string, analyzer: CameraAnalyzer): Lane {
    const old = this.lanes.get(cameraId);
    if (old) {
      old.analyzer = analyzer;
      for (const f of old.queue.splice(0)) f.release?.();
      return old;
    }
    const lane: Lane = { cameraId, analyzer, queue: [], dropped: 0, analysed: 0, recent: [], lastFrameAt: null, lastError: undefined };
    this.lanes.set(cameraId, lane);
    this.order = [...this.lanes.keys()];
    return lane;
  }

  remove(cameraId: string): Lane | undefined {
    const lane = this.lanes.get(cameraId);
    this.lanes.delete(cameraId);
    this.order = [...this.lanes.keys()];
    return lane;
  }

  lane(cameraId: string): Lane | undefined {
    return this.lanes.get(cameraId);
  }

  /** A decoded frame arrives from a tap. */
  offer(cameraId: string, frame: Frame): void {
    const lane = this.lanes.get(cameraId);
    if (!lane) return;
    lane.queue.push(frame);
    if (lane.queue.length > QUEUE_MAX) {
      lane.queue.shift()!.release?.();
      lane.dropped++;
    }
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Analysed frames per second over the last 10 s. */
  fps(lane: Lane, now = Date.now()): number {
    while (lane.recent.length && lane.recent[0]! < now - WINDOW_MS) lane.recent.shift();
    const first = lane.recent[0];
    if (first === undefined) return 0;
    const span = Math.min(WINDOW_MS, now - first) / 1000;
    return span > 0.5 ? Math.round((lane.recent.length / span) * 100) / 100 : 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loopDone;
    await Promise.all(this.jobs);
  }

  private next(): { lane: Lane; frame: Frame } | undefined {
    const n = this.order.length;
    for (let i = 0; i < n; i++) {
      const id = this.order[(this.rr + i) % n]!;
      if (this.busy.has(id)) continue;
      const lane = this.lanes.get(id);
      const frame = lane?.queue.shift();
      if (lane && frame) {
        this.rr = (this.rr + i + 1) % n;
        return { lane, frame };
      }
    }
    return undefined;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const job = this.jobs.size < this.concurrency ? this.next() : undefined;
      if (!job) {
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      const { lane, frame } = job;
      if (Date.now() - frame.receivedAt > STALE_MS) {
        lane.dropped++;
        frame.release?.();
        continue;
      }
      this.busy.add(lane.cameraId);
      const p = this.step(lane, frame).finally(() => {
        this.busy.delete(lane.cameraId);
        this.jobs.delete(p);
        this.poke();
      });
      this.jobs.add(p);
    }
  }

  private async step(lane: Lane, frame: Frame): Promise<void> {
    try {
      const analyzer = lane.analyzer;
      const step = await analyzer.process(frame, new Date(frame.receivedAt));
      lane.analysed++;
      lane.recent.push(Date.now());
      lane.lastFrameAt = Date.now();
      lane.lastError = undefined;
      // the lane may have been replaced (zones changed) while detecting: events of the old analyzer
      // were closed by its finish()
      if (this.lanes.get(lane.cameraId)?.analyzer === analyzer) await this.onStep(lane, frame, step);
    } catch (e) {
      lane.lastError = (e as Error).message;
      this.log.warn('analysis step failed', { camera: lane.cameraId, err: e });
    } finally {
      // analysed and handled (the alarm snapshot is drawn inside onStep): its buffer can take the next frame
      frame.release?.();
    }
  }
}
