/**
 * YOLOX-Nano object detector on onnxruntime-node (CPU).
 *
 * One InferenceSession per process, shared by every caller (getDetector() memoises it). The model is
 * loaded only after its sha256 matches models/yolox_nano.json; a missing or corrupt file is a plain
 * Error that says what to do.
 *
 * Where it runs: `Detector.load()` is the in-process detector (class InProcessDetector). onnxruntime-node's
 * run() executes synchronously on the calling JS thread (the async API only defers it with setImmediate),
 * so in-process it blocks the event loop ~17–21 ms a frame. The server and the CLIs use getDetector(),
 * which by default returns a DetectorWorker (detector-worker.ts): the same interface (the `Detector`
 * type below), with the session in worker_threads, so the main thread only copies frames over.
 *
 * Threads: intraOpNumThreads defaults to 1: run() keeps its JS thread busy for the whole inference anyway; a second intra-op thread bought ~0 % on this 2-core box shared with ffmpeg
 * (bench/detect.ts measures both), and ORT pool threads spin-wait between ops, burning the core
 * that ffmpeg decoders need. Scale out with one detector per worker/process instead (the bench's
 * "2 × 1 thread" row). Spinning is disabled when more than one thread is asked for.
 *
 * detect() calls are serialised (one tensor buffer, reused): callers that must not queue (live
 * cameras) check `pending` and drop the frame instead.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { createLogger } from '../util/log.ts';
import { DetectorWorker } from './detector-worker.ts';
import { postprocess, type Detection } from './postprocess.ts';
import { allocTensor, letterbox, type PixelOrder } from './preprocess.ts';

export type { Detection } from './postprocess.ts';

export const DEFAULT_MANIFEST = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/yolox_nano.json');

/** A decoded image: packed 3-byte pixels. Frames from frames.ts fit this shape. */
export interface ImageInput {
  data: Uint8Array;
  width: number;
  height: number;
  /** default 'bgr' */
  order?: PixelOrder;
  /** size of the original video when `data` was downscaled (boxes are returned in these pixels) */
  sourceWidth?: number;
  sourceHeight?: number;
}

export interface ModelManifest {
  file: string;
  sha256: string;
  input: { name: string; shape: number[] };
  output: { name: string; strides: number[]; nmsIou: number };
  classes: string[];
}

export interface DetectorOptions {
  /** path of the manifest JSON; the model file is resolved next to it */
  manifestPath?: string;
  intraOpNumThreads?: number;
  /** default score threshold for detect() */
  scoreThreshold?: number;
  nmsIou?: number;
}

export interface DetectOptions {
  scoreThreshold?: number;
  /** keep only these class ids */
  classes?: ReadonlySet<number>;
}

export interface DetectorStats {
  runs: number;
  preMs: number;
  inferMs: number;
  postMs: number;
}

/**
 * What callers (CameraAnalyzer, the live scheduler, analyze, eval, bench) use: implemented in process
 * (InProcessDetector, `Detector.load()`) and off the main thread (DetectorWorker). The name `Detector` is
 * both this type and the in-process class's value, so `det: Detector = await Detector.load()` keeps working.
 */
export interface Detector {
  readonly classNames: readonly string[];
  readonly inputSize: number;
  readonly manifest: ModelManifest;
  /** onnxruntime intra-op threads per session */
  readonly threads: number;
  readonly stats: DetectorStats;
  /** detect() calls waiting or running; a live caller should skip frames while this is ≥ parallelism. */
  readonly pending: number;
  /** frames that are analysed at the same time (number of workers; 1 in process) */
  readonly parallelism: number;
  /** where session.run() executes */
  readonly where: 'main-thread' | 'worker';
  classId(name: string): number;
  detect(img: ImageInput, opts?: DetectOptions): Promise<Detection[]>;
  /** Bare session.run on an already letterboxed [1,3,S,S] tensor (for the benchmark). */
  infer(tensor: Float32Array): Promise<Float32Array>;
  dispose(): Promise<void>;
}

const log = createLogger('analytics');

function readManifest(path: string): ModelManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`model manifest missing at ${path}: run npm run assets`);
  }
  const m = JSON.parse(text) as ModelManifest;
  if (!m.file || !/^[0-9a-f]{64}$/.test(m.sha256) || !Array.isArray(m.classes) || !m.input?.shape) {
    throw new Error(`model manifest at ${path} is incomplete (file, sha256, input.shape, classes)`);
  }
  return m;
}

/** Read the model bytes and check them against the manifest's sha256. */
export function loadVerifiedModel(manifestPath = DEFAULT_MANIFEST): { manifest: ModelManifest; bytes: Buffer; path: string } {
  const manifest = readManifest(manifestPath);
  const path = resolve(dirname(manifestPath), manifest.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new Error(`model missing at ${path}: run npm run assets`);
  }
  const got = createHash('sha256').update(bytes).digest('hex');
  if (got !== manifest.sha256) {
    throw new Error(`model at ${path}: sha256 mismatch (expected ${manifest.sha256}, got ${got}): run npm run assets`);
  }
  return { manifest, bytes, path };
}

export class InProcessDetector implements Detector {
  readonly parallelism = 1;
  readonly where = 'main-thread' as const;
  readonly classNames: readonly string[];
  readonly inputSize: number;
  readonly stats: DetectorStats = { runs: 0, preMs: 0, inferMs: 0, postMs: 0 };
  private readonly tensor: Float32Array;
  private chain: Promise<unknown> = Promise.resolve();
  private queued = 0;

  private constructor(
    readonly session: ort.InferenceSession,
    readonly manifest: ModelManifest,
    readonly threads: number,
    private readonly defaults: { scoreThreshold: number; nmsIou: number },
  ) {
    this.classNames = manifest.classes;
    this.inputSize = manifest.input.shape[3] ?? 416;
    this.tensor = allocTensor(this.inputSize);
  }

  static async load(opts: DetectorOptions = {}): Promise<InProcessDetector> {
    const { manifest, bytes, path } = loadVerifiedModel(opts.manifestPath ?? DEFAULT_MANIFEST);
    const threads = Math.max(1, Math.floor(opts.intraOpNumThreads ?? 1));
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    };
    if (threads > 1) options.extra = { session: { intra_op: { allow_spinning: '0' } } };
    const session = await ort.InferenceSession.create(bytes, options);
    log.info('detector loaded', { model: path, threads, classes: manifest.classes.length });
    return new InProcessDetector(session, manifest, threads, {
      scoreThreshold: opts.scoreThreshold ?? 0.3,
      nmsIou: opts.nmsIou ?? manifest.output.nmsIou ?? 0.45,
    });
  }

  /** detect() calls waiting or running; a live caller should skip frames while this is > 0. */
  get pending(): number {
    return this.queued;
  }

  /** Class id for a COCO name (throws on unknown names). */
  classId(name: string): number {
    const i = this.classNames.indexOf(name);
    if (i < 0) throw new Error(`unknown class "${name}"`);
    return i;
  }

  /** Bare session.run on an already letterboxed tensor (for the benchmark). */
  async infer(tensor: Float32Array): Promise<Float32Array> {
    const s = this.inputSize;
    const feeds = { [this.manifest.input.name]: new ort.Tensor('float32', tensor, [1, 3, s, s]) };
    const out = await this.session.run(feeds);
    const t = out[this.manifest.output.name ?? 'output'] ?? Object.values(out)[0];
    if (!t) throw new Error('model produced no output');
    return t.data as Float32Array;
  }

  /** Detect objects; boxes in source pixels (frame pixels scaled by sourceWidth/width). */
  detect(img: ImageInput, opts: DetectOptions = {}): Promise<Detection[]> {
    this.queued++;
    const run = this.chain.then(() => this.detectNow(img, opts));
    this.chain = run.catch(() => undefined);
    return run.finally(() => {
      this.queued--;
    });
  }

  private async detectNow(img: ImageInput, opts: DetectOptions): Promise<Detection[]> {
    const t0 = performance.now();
    const lb = letterbox(img.data, img.width, img.height, this.tensor, { size: this.inputSize, order: img.order ?? 'bgr' });
    const t1 = performance.now();
    const out = await this.infer(this.tensor);
    const t2 = performance.now();
    const dets = postprocess(out, {
      scale: lb.scale,
      width: img.width,
      height: img.height,
      classNames: this.classNames,
      scoreThreshold: opts.scoreThreshold ?? this.defaults.scoreThreshold,
      nmsIou: this.defaults.nmsIou,
      classes: opts.classes,
      inputSize: this.inputSize,
      strides: this.manifest.output.strides,
    });
    const sx = (img.sourceWidth ?? img.width) / img.width;
    const sy = (img.sourceHeight ?? img.height) / img.height;
    if (sx !== 1 || sy !== 1) {
      for (const d of dets) {
        d.x1 *= sx;
        d.x2 *= sx;
        d.y1 *= sy;
        d.y2 *= sy;
      }
    }
    const t3 = performance.now();
    this.stats.runs++;
    this.stats.preMs += t1 - t0;
    this.stats.inferMs += t2 - t1;
    this.stats.postMs += t3 - t2;
    return dets;
  }

  async dispose(): Promise<void> {
    await this.chain;
    await this.session.release();
  }
}

/** `Detector.load()`: the in-process detector (value side of the `Detector` name). */
export const Detector = InProcessDetector;

export interface SharedDetectorOptions extends DetectorOptions {
  /** worker threads running a session each; 0 = in process on the main thread. Default 1. */
  workers?: number;
}

const shared = new Map<string, Promise<Detector>>();

/**
 * The process-wide detector for this manifest: loaded once, the first caller's options win (a
 * failed load is not cached, the next call retries). By default off the main thread (one worker);
 * `workers: 0` keeps it in process.
 */
export function getDetector(opts: SharedDetectorOptions = {}): Promise<Detector> {
  const key = resolve(opts.manifestPath ?? DEFAULT_MANIFEST);
  let p = shared.get(key);
  if (!p) {
    const workers = Math.max(0, Math.floor(opts.workers ?? 1));
    p = workers === 0 ? InProcessDetector.load(opts) : DetectorWorker.start({ ...opts, workers });
    shared.set(key, p);
    p.catch(() => shared.delete(key));
  }
  return p;
}
