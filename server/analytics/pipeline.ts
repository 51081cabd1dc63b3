/**
 * The analysis pipeline: frames → detector → tracker → zone rules → alarms.
 *
 * CameraAnalyzer is the per-camera unit (one motion detector + one tracker + one rule set, the
 * shared detector); process(frame) does one step and returns the rule events. Each detection
 * carries the motion fraction in its box and its colour histogram into the tracker: evidence
 * that a track is a real mover (the loitering rule ignores static look-alikes, evidence.ts) and
 * appearance to re-find a lost track (reassociate.ts). Live analytics uses the same class. analyzeVideo() drives it from a file
 * as fast as the detector allows (frames.ts 'block' mode), which is what `npm run analyze` and the
 * evaluation use. Live use: feed frames from a realtime FrameSource and skip a frame while
 * detector.pending > 0 (see docs/detection.md).
 */
import { createLogger } from '../util/log.ts';
import { AlarmMerge } from './alarm-merge.ts';
import { colourHistogram } from './appearance.ts';
import { SceneWatch, type SceneOptions } from './background.ts';
import type { Detector } from './detector.ts';
import { DEFAULT_ALARM_COOLDOWN_SECONDS, EpisodeJoiner } from './episodes.ts';
import { openFrames, type Frame, type FrameSourceOptions } from './frames.ts';
import { frameGreys, type FrameGreys } from './grey.ts';
import { MotionDetector } from './motion.ts';
import { ZoneRules, type Alarm, type RuleEvent, type RuleOptions } from './rules.ts';
import { TAMPER_TEXT, TAMPER_ZONE, TamperDetector, type TamperEvent, type TamperOptions, type TamperReason } from './tamper.ts';
import { Tracker, type Track, type TrackerOptions, type TrackInput } from './tracker.ts';
import type { Zone } from './zones.ts';

export const DEFAULT_ANALYSIS_FPS = 5;
/** lowest detection score kept: the tracker's second (low-score) association uses 0.1–0.3 */
export const MIN_DETECTION_SCORE = 0.1;

export interface AnalyzerOptions {
  tracker?: TrackerOptions;
  rules?: Omit<RuleOptions, 'width' | 'height'>;
  /** exit zones' clear-reference comparison (background.ts); false = COCO objects only */
  scene?: SceneOptions | false;
  /**
   * camera-tamper alarms (type camera_tamper, zone TAMPER_ZONE): on live, off by default offline (the
   * analyze CLI prints zone alarms only). The detector always runs: while the view looks tampered the
   * exit zones are not compared (a covered lens is no carton).
   */
  tamper?: TamperOptions | boolean;
}

export interface StepResult {
  events: RuleEvent[];
  tracks: Track[];
}

const log = createLogger('analytics');
const OBJECT_THRESHOLDS = { high: 0.2, newTrack: 0.25 };

export class CameraAnalyzer {
  private readonly tracker: Tracker;
  private readonly motion = new MotionDetector();
  private rules: ZoneRules | undefined;
  private classIds: Set<number> | undefined;
  private size = '';
  private lastT = Number.NEGATIVE_INFINITY;
  private scene: SceneWatch | undefined;
  readonly tamper: TamperDetector;
  private readonly tamperAlarms: boolean;
  private tamperOpen: Alarm | undefined;
  private merge = new AlarmMerge();
  /** this camera's grey images, refilled every frame (one frame of a camera is analysed at a time) */
  private greys: FrameGreys | undefined;

  constructor(
    private readonly detector: Detector,
    private readonly zones: readonly Zone[],
    private readonly opts: AnalyzerOptions = {},
  ) {
    // people only match people; all object classes match each other (a parked bike flickering
    // between "bicycle" and "motorcycle" stays one track). Parked objects score lower on
    // YOLOX-Nano (a chair 0.15–0.45), so they may start tracks from 0.25: the exit rule relies on
    // persistence, not on single-frame confidence
    this.tracker = new Tracker({
      groupOf: (c) => (c === 0 ? 0 : 1),
      thresholdsFor: (c) => (c === 0 ? undefined : OBJECT_THRESHOLDS),
      ...opts.tracker,
    });
    this.tamperAlarms = opts.tamper !== undefined && opts.tamper !== false;
    this.tamper = new TamperDetector(typeof opts.tamper === 'object' ? opts.tamper : {});
    this.scene = this.newScene();
  }

  private newScene(): SceneWatch | undefined {
    if (this.opts.scene === false) return undefined;
    return SceneWatch.for(this.zones, { exitDwellSeconds: this.opts.rules?.exitDwellSeconds, ...this.opts.scene });
  }

  /** The exit zones' reference state (learning / ready / cannot_learn, why), for the status API. */
  get sceneWatch(): SceneWatch | undefined {
    return this.scene;
  }

  private ensureRules(w: number, h: number): ZoneRules {
    if (!this.rules) {
      this.rules = new ZoneRules(this.zones, { ...this.opts.rules, width: w, height: h });
      this.size = `${w}x${h}`;
      this.classIds = new Set([...this.rules.classNames].map((n) => this.detector.classNames.indexOf(n)).filter((i) => i >= 0));
    }
    return this.rules;
  }

  /**
   * One step: detect, track, apply the zone rules. If video time goes backwards (a live stream
   * restarted) or the frame size changes, open alarms are closed and tracker and rules start over.
   */
  async process(frame: Frame, wallTime?: Date): Promise<StepResult> {
    const restart: RuleEvent[] = [];
    const size = `${frame.sourceWidth}x${frame.sourceHeight}`;
    if (this.rules && (frame.t < this.lastT || size !== this.size)) {
      log.warn('video time went backwards or frame size changed: tracks and zone state reset', { t: frame.t, lastT: this.lastT, size, was: this.size });
      restart.push(...this.finish());
      this.tracker.reset();
      this.motion.reset();
      this.rules = undefined;
      this.scene = this.newScene();
      this.tamper.relearn();
    }
    this.lastT = frame.t;
    const rules = this.ensureRules(frame.sourceWidth, frame.sourceHeight);
    // one pass over the pixels for motion, tamper and the exit zones' background model
    const greys = (this.greys = frameGreys(frame, this.greys));
    this.motion.updateGrey(greys.g4, frame.sourceWidth, frame.sourceHeight);
    const tamperEvents = this.tamper.update(greys.tiny, frame.t);
    // no zone (a camera watched for tamper only): nothing to detect
    const dets = this.zones.length ? await this.detector.detect(frame, { scoreThreshold: MIN_DETECTION_SCORE, classes: this.classIds }) : [];
    const inputs: TrackInput[] = dets.map((d) => ({ ...d, motion: this.motion.motionIn(d), appearance: colourHistogram(frame, d) }));
    const tracks = this.tracker.update(frame.t, inputs);
    const events = rules.update(frame.t, tracks, wallTime);
    // while the view looks tampered (covered, turned…) the exit zones are not compared with their reference
    if (this.scene && !this.tamper.last?.reason && this.tamper.state !== 'tampered') events.push(...this.scene.update(frame, tracks, undefined, this.motion, greys.g4));
    events.push(...this.tamperRuleEvents(tamperEvents));
    return { events: [...restart, ...this.merge.push(events)], tracks };
  }

  private tamperRuleEvents(list: TamperEvent[]): RuleEvent[] {
    if (!this.tamperAlarms) return [];
    const out: RuleEvent[] = [];
    for (const e of list) {
      if (e.kind === 'start') {
        this.tamperOpen = { id: nextTamperId++, type: 'camera_tamper', zone: TAMPER_ZONE, start: e.at, end: undefined, since: e.since, score: 1, trackIds: [] };
        out.push({ kind: 'start', alarm: { ...this.tamperOpen } });
      } else if (this.tamperOpen) {
        out.push({ kind: 'end', alarm: { ...this.tamperOpen, end: e.at } });
        this.tamperOpen = undefined;
      }
    }
    return out;
  }

  /** Why the open tamper alarm holds (view covered, turned away…), for the alarm snapshot label. */
  get tamperReason(): TamperReason | undefined {
    return this.tamperOpen ? this.tamper.openReason : undefined;
  }

  /** Alarms whose condition holds now. */
  get openAlarms(): Alarm[] {
    return this.merge.open;
  }

  /** Close open alarms at the end of the input. */
  finish(): RuleEvent[] {
    const ev = [...(this.rules?.finish() ?? []), ...(this.scene?.finish() ?? []), ...this.tamperRuleEvents(this.tamper.finish())];
    return this.merge.push(ev);
  }
}

let nextTamperId = 2_000_000_000;
export { TAMPER_TEXT };

export interface AnalyzeVideoOptions extends AnalyzerOptions {
  fps?: number;
  keyframesOnly?: boolean;
  frames?: Omit<FrameSourceOptions, 'input' | 'fps' | 'keyframesOnly'>;
  /** an alarm restarting within this long of its end in the same zone joins it (default 120, 0 = never) */
  cooldownSeconds?: number;
  /** called once per alarm when it is final (ended, and its cool-down passed or the input ended) */
  onAlarm?: (alarm: Alarm) => void;
  onProgress?: (t: number, frames: number) => void;
}

export interface AnalyzeResult {
  alarms: Alarm[];
  frames: number;
  /** video seconds covered */
  duration: number;
  wallMs: number;
}

/**
 * Run the whole pipeline over a file; alarms are reported (onAlarm) once final: restarts within the
 * cool-down are joined into one alarm (episodes.ts), so an alarm is reported up to cooldownSeconds
 * of video after it ended, or at the end of the input.
 */
export async function analyzeVideo(path: string, zones: readonly Zone[], detector: Detector, opts: AnalyzeVideoOptions = {}): Promise<AnalyzeResult> {
  const t0 = performance.now();
  const analyzer = new CameraAnalyzer(detector, zones, { ...opts, tamper: opts.tamper ?? false });
  const src = openFrames({ ...opts.frames, input: path, fps: opts.fps ?? DEFAULT_ANALYSIS_FPS, keyframesOnly: opts.keyframesOnly });
  const alarms: Alarm[] = [];
  const episodes = new EpisodeJoiner(opts.cooldownSeconds ?? DEFAULT_ALARM_COOLDOWN_SECONDS);
  const final = (list: Alarm[]) => {
    for (const a of list) {
      alarms.push(a);
      opts.onAlarm?.(a);
    }
  };
  const ended = (events: RuleEvent[], t: number) => final(episodes.push(events, t));
  let frames = 0;
  let last = 0;
  try {
    for await (const frame of src) {
      ended((await analyzer.process(frame)).events, frame.t);
      frame.release?.();
      frames++;
      last = frame.t;
      if (frames % 25 === 0) opts.onProgress?.(frame.t, frames);
    }
  } finally {
    src.close();
  }
  ended(analyzer.finish(), Number.NEGATIVE_INFINITY);
  final(episodes.finish());
  return { alarms, frames, duration: last, wallMs: performance.now() - t0 };
}
