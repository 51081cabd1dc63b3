/**
 * Obstructions of any kind in `exit` zones: a persistent change against the zone's learned "clear" look.
 *
 * Per frame: a grey image at 1/4 of the analysed size (104×78 for 416×312). Per exit zone:
 *  - short-term background S: EMA of the frames (τ ≈ 2 s) — what the zone looks like now, noise averaged out;
 *  - long-term background L ("clear" reference): learned once the zone has been clear (no tracks in it) and
 *    still (the frame ≈ S) for `learnSeconds`; afterwards updated (τ ≈ 60 s) only while the zone is clear and
 *    only where it shows no change, so a carton is never absorbed (re-learn on request resets it);
 *  - both are compared *normalised*: z = (I − mean)/std over the zone (gain, offset: auto-exposure, slow light
 *    ramps, day/night grey switch) plus a gradient-structure term on the normalised images;
 *  - a pixel counts as changed when S differs from L, S is static (the frame ≈ S) and it is not under a
 *    person's box (people passing or standing never obstruct). A change over ≥ `minFraction` of the zone,
 *    held for the dwell time (gaps ≤ 5 s), raises `blocked_exit` with detail "unknown object".
 *  - A change across most of the picture *outside* the zones at the same time (lights switched, IR mode)
 *    is a scene-wide event: the zones re-learn instead of alarming.
 * Not ready (learning, or cannot learn: picture never still) → never alarms; status() says why.
 */
import { isMover } from './evidence.ts';
import type { Frame } from './frames.ts';
import type { MotionDetector } from './motion.ts';
import type { Alarm, RuleEvent } from './rules.ts';
import { Z_DIFF, ZoneScene, type SceneBox, type SceneState } from './background-zone.ts';
import { normalise, toGrey, type Grey } from './scene-image.ts';
import type { Track } from './tracker.ts';
import { normaliseBox, type Zone } from './zones.ts';

export type { SceneState };

export const UNKNOWN_OBJECT = 'unknown object (appearance change)';
/** A zone's scene status on the wire: shared/wire/analytics.ts. */
export type { ZoneSceneStatus } from '../../shared/wire/analytics.ts';
import type { ZoneSceneStatus } from '../../shared/wire/analytics.ts';
export interface SceneAlarm extends Alarm {
  detail: string;
}
export interface SceneOptions {
  exitDwellSeconds?: number;
  learnSeconds?: number;
  learnTimeoutSeconds?: number;
  minFraction?: number;
  clearSeconds?: number;
  gapSeconds?: number;
}
const DEF = { exitDwellSeconds: 30, learnSeconds: 2, learnTimeoutSeconds: 120, minFraction: 0.06, clearSeconds: 5, gapSeconds: 5 };
let nextSceneAlarmId = 1_000_000_000;

export class SceneWatch {
  private readonly o: typeof DEF;
  private zones: ZoneScene[] = [];
  private size = '';
  private lastT: number | undefined;
  private prevOutside: Float32Array | undefined;
  private wide: { all: Uint32Array; outside: Uint32Array; cur: Float32Array } | undefined;
  /** the latest grey image (for the reference/current JPEG) */
  last: Grey | undefined;
  readonly stats = { frames: 0, ms: 0 };

  constructor(
    private readonly exitZones: readonly Zone[],
    opts: SceneOptions = {},
  ) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.o = { ...DEF, ...defined };
  }

  static for(zones: readonly Zone[], opts?: SceneOptions): SceneWatch | undefined {
    const exits = zones.filter((z) => z.kind === 'exit');
    return exits.length ? new SceneWatch(exits, opts) : undefined;
  }

  status(): ZoneSceneStatus[] {
    if (!this.zones.length) return this.exitZones.map((z) => ({ zone: z.name, state: 'learning' as const, reason: 'no video analysed yet', changed: 0, learned: 0 }));
    return this.zones.map((z) => ({
      zone: z.zone.name,
      state: z.state,
      ...(z.reason ? { reason: z.reason } : {}),
      ...(z.learnedAt !== undefined ? { learnedAt: z.learnedAt } : {}),
      changed: Math.round(z.changed * 1000) / 1000,
      learned: Math.round((z.learnedCount / Math.max(1, z.idx.length)) * 1000) / 1000,
    }));
  }

  /** Forget a zone's reference (all zones without a name); it is learned again once the zone is clear and still. */
  relearn(zone?: string): boolean {
    let hit = false;
    for (const z of this.zones) {
      if (zone && z.zone.name !== zone) continue;
      z.relearn();
      hit = true;
    }
    return hit || (zone !== undefined && this.exitZones.some((z) => z.name === zone));
  }

  /**
   * The zone's reference ('reference': learned pixels; the rest of the picture and unlearned pixels
   * dimmed to half) or current look ('current'), as grey pixels; undefined before the first frame or,
   * for the reference, while nothing is learned.
   */
  image(zone: string, which: 'reference' | 'current' = 'reference'): Grey | undefined {
    const z = this.zones.find((s) => s.zone.name === zone);
    if (!z || !z.S || (which === 'reference' && !z.learnedCount)) return undefined;
    const out = new Float32Array(this.last?.px ?? z.S);
    if (which === 'current') {
      for (const i of z.idx) out[i] = z.S[i]!;
      return { w: z.w, h: z.h, px: out };
    }
    for (let i = 0; i < out.length; i++) out[i] = z.mask[i] && z.learned[i] ? z.L[i]! : out[i]! * 0.5;
    return { w: z.w, h: z.h, px: out };
  }

  /** One frame. `tracks` are the tracker's output; openZones: zones that already hold a blocked_exit alarm; `grey`: toGrey(frame) if made already. */
  update(frame: Frame, tracks: readonly Track[], openZones: ReadonlySet<string> = new Set(), motion?: MotionDetector, grey?: Grey): RuleEvent[] {
    const t0 = performance.now();
    // the frame's 1/4-size grey, when the caller already made it (grey.ts)
    const g = grey ?? toGrey(frame);
    const size = `${g.w}x${g.h}`;
    const events: RuleEvent[] = [];
    if (size !== this.size) {
      events.push(...this.finish());
      this.zones = this.exitZones.map((z) => new ZoneScene(z, g.w, g.h));
      this.size = size;
      this.lastT = undefined;
      this.prevOutside = undefined;
      this.wide = undefined;
    }
    const dt = this.lastT === undefined ? 1 : Math.min(5, Math.max(0.05, frame.t - this.lastT));
    this.lastT = frame.t;
    this.last = g;
    const sw = frame.sourceWidth || frame.width;
    const sh = frame.sourceHeight || frame.height;
    // a person-like fixture (a sign post scoring as a person, never moved since first seen: evidence.ts)
    // hides nothing: its spot is learned like the rest of the lane
    const fixture = (tr: Track) => tr.className === 'person' && tr.evidence !== undefined && !isMover(tr.evidence) && frame.t - tr.firstSeen >= 3;
    const boxes: SceneBox[] = tracks
      .filter((tr) => (tr.lastSeen === frame.t || frame.t - tr.lastSeen < 1) && !fixture(tr))
      .map((tr) => ({ person: tr.className === 'person', b: normaliseBox(tr.box, sw, sh) }));
    const sceneWide = this.sceneWideChange(g);
    for (const z of this.zones) {
      if (sceneWide && z.state === 'ready') z.relearn('the whole picture changed (lights or day/night switch): learning again');
      const now = z.step(g, frame.t, dt, boxes, this.o, motion);
      events.push(...this.episode(z, frame.t, now, openZones.has(z.zone.name)));
    }
    this.stats.frames++;
    this.stats.ms += performance.now() - t0;
    return events;
  }

  /** Most of the picture outside the exit zones changed within a frame or two (normalised): lights, IR switch. */
  private sceneWideChange(g: Grey): boolean {
    const n = g.px.length;
    if (this.wide?.cur.length !== n) {
      // per size: every pixel (to normalise over) and every third pixel outside the exit zones (to compare)
      const outside: number[] = [];
      for (let i = 0; i < n; i += 3) if (!this.zones.some((z) => z.mask[i])) outside.push(i);
      this.wide = { all: Uint32Array.from({ length: n }, (_, i) => i), outside: Uint32Array.from(outside), cur: new Float32Array(n) };
      this.prevOutside = undefined;
    }
    const { all, outside, cur } = this.wide;
    normalise(g.px, all, cur);
    const prev = this.prevOutside;
    if (!prev) {
      this.prevOutside = Float32Array.from(cur);
      return false;
    }
    let c = 0;
    for (let k = 0; k < outside.length; k++) if (Math.abs(cur[outside[k]!]! - prev[outside[k]!]!) > Z_DIFF) c++;
    for (let i = 0; i < n; i++) prev[i] = prev[i]! + (cur[i]! - prev[i]!) * 0.5;
    return outside.length > 50 && c / outside.length > 0.5;
  }

  private episode(z: ZoneScene, t: number, now: boolean, cocoOpen: boolean): RuleEvent[] {
    const o = this.o;
    const dwell = z.zone.dwellSeconds ?? o.exitDwellSeconds;
    if (now) {
      if (z.runStart === undefined || t - z.runLast > o.gapSeconds) z.runStart = t;
      z.runLast = t;
    } else if (z.runStart !== undefined && t - z.runLast > o.gapSeconds) z.runStart = undefined;
    const hit = now && z.runStart !== undefined && t - z.runStart >= dwell;
    const out: RuleEvent[] = [];
    if (hit) {
      z.lastTrue = t;
      // a COCO obstruction already holds this zone's alarm: one alarm, not two
      if (!z.open && !cocoOpen) {
        z.open = { id: nextSceneAlarmId++, type: 'blocked_exit', zone: z.zone.name, start: t, end: undefined, since: z.runStart!, score: Math.min(1, z.changed * 2), trackIds: [], detail: UNKNOWN_OBJECT };
        out.push({ kind: 'start', alarm: { ...z.open } });
      } else if (z.open) z.open.score = Math.max(z.open.score, Math.min(1, z.changed * 2));
    } else if (z.open && t - z.lastTrue >= o.clearSeconds) {
      z.open.end = z.lastTrue;
      out.push({ kind: 'end', alarm: { ...z.open } });
      z.open = undefined;
    }
    return out;
  }

  /** The changed area of a zone (normalised box), for the alarm snapshot. */
  changedBox(zone: string): [number, number, number, number] | undefined {
    return this.zones.find((z) => z.zone.name === zone)?.bbox;
  }

  finish(): RuleEvent[] {
    const out: RuleEvent[] = [];
    for (const z of this.zones) {
      if (!z.open) continue;
      z.open.end = z.lastTrue;
      out.push({ kind: 'end', alarm: { ...z.open } });
      z.open = undefined;
    }
    return out;
  }
}
