/**
 * DetectorWorker: the Detector interface with inference off the main thread.
 *
 * Each of `workers` worker_threads (detector-thread.mjs → detector-thread.ts) holds its own sha256-checked
 * onnxruntime session; the main thread copies each frame once into a pooled SharedArrayBuffer that the worker reads in place
 * (no JSON, no second copy), the worker letterboxes, runs the model, decodes + NMS and posts back the
 * detections. detect() goes to the worker with the fewest calls in flight; a worker serialises its own.
 *
 * Failures: a load error (missing/corrupt model) rejects start() with the detector's own message. A worker
 * that dies later rejects its calls in flight ("detector worker crashed: …"), is logged once per crash and
 * restarted; at most RESTART_MAX restarts per RESTART_WINDOW_MS, beyond that the next one waits, and calls
 * meanwhile reject at once ("detector worker unavailable …") instead of hanging.
 */
import { Worker } from 'node:worker_threads';
import { createLogger } from '../util/log.ts';
import type { Detection } from './postprocess.ts';
import type { DetectOptions, Detector, DetectorOptions, DetectorStats, ImageInput, ModelManifest } from './detector.ts';
import { FrameBufferPool } from './frame-buffer-pool.ts';
import { spawnDetectorThread } from './detector-spawn.ts';
import type { ToThread, FromThread } from './detector-messages.ts';

export type { ToThread, FromThread } from './detector-messages.ts';

export interface DetectorWorkerOptions extends DetectorOptions {
  /** worker threads, each with its own session (default 1) */
  workers?: number;
}

export interface DetectorWorkerStats extends DetectorStats {
  /** workers restarted after a crash */
  restarts: number;
  /** calls rejected because a worker crashed or was down */
  failed: number;
}

export const RESTART_MAX = 5;
export const RESTART_WINDOW_MS = 60_000;
const log = createLogger('analytics');

interface Call {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

interface Slot {
  index: number;
  worker: Worker | undefined;
  state: 'starting' | 'ready' | 'down' | 'closed';
  calls: Map<number, Call>;
  /** why it is down (the crash) */
  reason?: string;
  restartAt?: number;
  timer?: NodeJS.Timeout;
  ready?: Promise<void>;
}

export class DetectorWorker implements Detector {
  readonly where = 'worker' as const;
  readonly stats: DetectorWorkerStats = { runs: 0, preMs: 0, inferMs: 0, postMs: 0, restarts: 0, failed: 0 };
  readonly classNames: readonly string[];
  readonly inputSize: number;
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private readonly restarts: number[] = [];
  private nextId = 1;
  private queued = 0;
  /** free shared frame buffers by byte size */
  private readonly buffers = new FrameBufferPool();
  private closed = false;

  private constructor(
    private readonly opts: DetectorWorkerOptions,
    readonly manifest: ModelManifest,
    threads: number,
  ) {
    this.classNames = manifest.classes;
    this.inputSize = manifest.input.shape[3] ?? 416;
    this.threads = threads;
  }

  /** Start the workers and wait until every one has loaded the model (rejects with the load error). */
  static async start(opts: DetectorWorkerOptions = {}): Promise<DetectorWorker> {
    const n = Math.max(1, Math.floor(opts.workers ?? 1));
    const first = await DetectorWorker.spawn(opts, 0);
    const dw = new DetectorWorker(opts, first.manifest, first.threads);
    dw.adopt(first.slot, first.worker);
    try {
      for (let i = 1; i < n; i++) {
        const s = await DetectorWorker.spawn(opts, i);
        dw.adopt(s.slot, s.worker);
      }
    } catch (e) {
      await dw.dispose();
      throw e;
    }
    log.info('detector workers started', { workers: n, threads: first.threads });
    return dw;
  }

  private static async spawn(opts: DetectorWorkerOptions, index: number): Promise<{ slot: Slot; worker: Worker; manifest: ModelManifest; threads: number }> {
    const t = await spawnDetectorThread(opts, index);
    return { ...t, slot: { index, worker: t.worker, state: 'ready', calls: new Map() } };
  }

  private adopt(slot: Slot, worker: Worker): void {
    this.slots[slot.index] = slot;
    this.attach(slot, worker);
  }

  private attach(slot: Slot, worker: Worker): void {
    slot.worker = worker;
    slot.state = 'ready';
    slot.reason = undefined;
    let error: string | undefined;
    worker.on('message', (m: FromThread) => this.onMessage(slot, m));
    worker.on('error', (e: Error) => {
      error ??= e.message;
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      if (this.closed || slot.state === 'closed') {
        this.failAll(slot, new Error('detector disposed'));
        return;
      }
      this.crashed(slot, error ?? `exit code ${code}`);
    });
  }

  private onMessage(slot: Slot, m: FromThread): void {
    if (m.type !== 'detected' && m.type !== 'inferred' && m.type !== 'failed') return;
    const call = slot.calls.get(m.id);
    if (!call) return;
    slot.calls.delete(m.id);
    if (slot.calls.size === 0) slot.worker?.unref();
    if (m.type === 'failed') call.reject(new Error(m.message));
    else if (m.type === 'inferred') call.resolve(new Float32Array(m.out) as never);
    else {
      this.stats.runs++;
      this.stats.preMs += m.timing.preMs;
      this.stats.inferMs += m.timing.inferMs;
      this.stats.postMs += m.timing.postMs;
      call.resolve(m.dets as never);
    }
  }

  private failAll(slot: Slot, err: Error): void {
    for (const c of slot.calls.values()) {
      this.stats.failed++;
      c.reject(err);
    }
    slot.calls.clear();
  }

  /** A worker died: reject its calls, log once, restart it (rate-capped). */
  private crashed(slot: Slot, reason: string): void {
    const inFlight = slot.calls.size;
    this.failAll(slot, new Error(`detector worker crashed (${reason}); the frame was not analysed`));
    const now = Date.now();
    while (this.restarts.length && this.restarts[0]! <= now - RESTART_WINDOW_MS) this.restarts.shift();
    const delay = this.restarts.length < RESTART_MAX ? 0 : this.restarts[0]! + RESTART_WINDOW_MS - now;
    slot.state = 'down';
    slot.reason = reason;
    slot.restartAt = now + delay;
    log.error('detector worker crashed: restarting it', { worker: slot.index, reason, inFlight, restartInMs: delay, recentRestarts: this.restarts.length });
    slot.timer = setTimeout(() => this.restart(slot), delay);
    slot.timer.unref();
  }

  private restart(slot: Slot): void {
    if (this.closed) return;
    this.restarts.push(Date.now());
    this.stats.restarts++;
    slot.state = 'starting';
    slot.ready = DetectorWorker.spawn(this.opts, slot.index).then(
      (s) => {
        if (this.closed) {
          void s.worker.terminate();
          return;
        }
        this.attach(slot, s.worker);
        log.info('detector worker restarted', { worker: slot.index });
      },
      (e: unknown) => this.crashed(slot, (e as Error).message),
    );
  }

  get pending(): number {
    return this.queued;
  }

  get parallelism(): number {
    return this.slots.length;
  }

  /** workers ready to take calls */
  get ready(): number {
    return this.slots.filter((s) => s.state === 'ready').length;
  }

  classId(name: string): number {
    const i = this.classNames.indexOf(name);
    if (i < 0) throw new Error(`unknown class "${name}"`);
    return i;
  }

  /** the ready worker with the fewest calls in flight; a starting one if none is ready */
  private pick(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.state === 'ready' && (!best || s.calls.size < best.calls.size)) best = s;
    return best ?? this.slots.find((s) => s.state === 'starting');
  }

  private async call<T>(msg: ToThread & { id: number }, transfer: ArrayBuffer[]): Promise<T> {
    if (this.closed) throw new Error('detector disposed');
    const slot = this.pick();
    if (!slot) {
      this.stats.failed++;
      const s = this.slots[0];
      const wait = s?.restartAt ? Math.max(0, Math.ceil((s.restartAt - Date.now()) / 1000)) : 0;
      throw new Error(`detector worker unavailable (crashed: ${s?.reason ?? 'unknown'}); restarting in ${wait} s`);
    }
    if (slot.state === 'starting') await slot.ready;
    const w = slot.worker;
    if (slot.state !== 'ready' || !w) {
      this.stats.failed++;
      throw new Error(`detector worker unavailable (${slot.reason ?? 'restart failed'})`);
    }
    return new Promise<T>((resolve, reject) => {
      slot.calls.set(msg.id, { resolve: resolve as (v: never) => void, reject });
      w.ref(); // a call in flight keeps the process alive; an idle detector does not
      w.postMessage(msg, transfer);
    });
  }

  async detect(img: ImageInput, opts: DetectOptions = {}): Promise<Detection[]> {
    this.queued++;
    // one copy into a pooled SharedArrayBuffer that the worker reads in place (the caller keeps its frame,
    // e.g. for the alarm snapshot); it goes back to the pool once the worker has answered
    const buf = this.buffers.take(img.data.byteLength);
    try {
      new Uint8Array(buf).set(img.data);
      const msg: ToThread = {
        type: 'detect',
        id: this.nextId++,
        data: buf,
        width: img.width,
        height: img.height,
        order: img.order ?? 'bgr',
        sourceWidth: img.sourceWidth,
        sourceHeight: img.sourceHeight,
        scoreThreshold: opts.scoreThreshold,
        classes: opts.classes ? [...opts.classes] : undefined,
      };
      return await this.call<Detection[]>(msg, []);
    } finally {
      this.queued--;
      this.buffers.give(buf);
    }
  }

  async infer(tensor: Float32Array): Promise<Float32Array> {
    const copy = new Float32Array(tensor);
    return this.call<Float32Array>({ type: 'infer', id: this.nextId++, tensor: copy.buffer }, [copy.buffer]);
  }

  /** Test hook: make worker `index` exit abruptly with `code` (as a native crash would). */
  simulateCrash(index = 0, code = 70): void {
    this.slots[index]?.worker?.postMessage({ type: 'crash', code } satisfies ToThread);
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        clearTimeout(slot.timer);
        await slot.ready?.catch(() => undefined);
        slot.state = 'closed';
        const w = slot.worker;
        if (!w) return this.failAll(slot, new Error('detector disposed'));
        w.ref();
        const exited = new Promise<void>((r) => w.once('exit', () => r()));
        w.postMessage({ type: 'close' } satisfies ToThread);
        const t = setTimeout(() => void w.terminate(), 5000);
        await exited;
        clearTimeout(t);
      }),
    );
  }
}
