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
import type { Frame } from './frames.ts';
import type { Alarm, RuleEvent } from './rules.ts';
import type { Track } from './tracker.ts';
import { boxOverlapFraction, normaliseBox, pointInPolygon, type Zone } from './zones.ts';

export const UNKNOWN_OBJECT = 'unknown object (appearance change)';
export type SceneState = 'learning' | 'ready' | 'cannot_learn';
export interface ZoneSceneStatus {
  zone: string;
  state: SceneState;
  reason?: string;
  /** video seconds when the reference was learned */
  learnedAt?: number;
  /** fraction of the zone that differs from the reference now */
  changed: number;
}
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
const DEF = { exitDwellSeconds: 30, learnSeconds: 4, learnTimeoutSeconds: 120, minFraction: 0.06, clearSeconds: 5, gapSeconds: 5 };
const DOWN = 4;
const Z_DIFF = 1.0; // normalised intensity difference (in zone std units)
const G_DIFF = 0.9; // normalised gradient difference
const STILL = 0.6; // frame vs short-term, normalised units
const TAU_SHORT = 2;
const TAU_LONG = 60;

export interface Grey {
  w: number;
  h: number;
  px: Float32Array;
}

/** BGR frame → grey at 1/DOWN size (box average). */
export function toGrey(f: Pick<Frame, 'data' | 'width' | 'height'>, down = DOWN): Grey {
  const w = Math.floor(f.width / down);
  const h = Math.floor(f.height / down);
  const px = new Float32Array(w * h);
  const d = f.data;
  const n = down * down;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let yy = 0; yy < down; yy++) {
        let o = ((y * down + yy) * f.width + x * down) * 3;
        for (let xx = 0; xx < down; xx++, o += 3) s += 0.114 * d[o]! + 0.587 * d[o + 1]! + 0.299 * d[o + 2]!;
      }
      px[y * w + x] = s / n;
    }
  }
  return { w, h, px };
}

/** (v − mean)/std over the listed pixels. */
function normalise(src: Float32Array, idx: Uint32Array, out: Float32Array): void {
  let s = 0;
  let s2 = 0;
  for (const i of idx) {
    const v = src[i]!;
    s += v;
    s2 += v * v;
  }
  const m = s / idx.length;
  const sd = Math.sqrt(Math.max(0, s2 / idx.length - m * m)) + 4; // +4: a flat zone is not amplified into noise
  for (const i of idx) out[i] = (src[i]! - m) / sd;
}

let nextSceneAlarmId = 1_000_000_000;

class ZoneScene {
  readonly idx: Uint32Array;
  readonly mask: Uint8Array;
  S: Float32Array | undefined;
  L: Float32Array | undefined;
  state: SceneState = 'learning';
  reason: string | undefined;
  learnedAt: number | undefined;
  stillSince: number | undefined;
  learnStart: number | undefined;
  changed = 0;
  runStart: number | undefined;
  runLast = Number.NEGATIVE_INFINITY;
  lastTrue = Number.NEGATIVE_INFINITY;
  open: SceneAlarm | undefined;
  bbox: [number, number, number, number] | undefined;

  constructor(
    readonly zone: Zone,
    readonly w: number,
    readonly h: number,
  ) {
    const list: number[] = [];
    this.mask = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (pointInPolygon((x + 0.5) / w, (y + 0.5) / h, zone.polygon)) list.push(y * w + x);
    this.idx = Uint32Array.from(list);
    for (const i of list) this.mask[i] = 1;
  }

  relearn(reason?: string): void {
    this.L = undefined;
    this.state = 'learning';
    this.reason = reason;
    this.stillSince = undefined;
    this.learnStart = undefined;
    this.runStart = undefined;
  }
}

export class SceneWatch {
  private readonly o: typeof DEF;
  private zones: ZoneScene[] = [];
  private size = '';
  private lastT: number | undefined;
  private prevOutside: Float32Array | undefined;
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
    if (!this.zones.length) return this.exitZones.map((z) => ({ zone: z.name, state: 'learning' as const, reason: 'no video analysed yet', changed: 0 }));
    return this.zones.map((z) => ({
      zone: z.zone.name,
      state: z.state,
      ...(z.reason ? { reason: z.reason } : {}),
      ...(z.learnedAt !== undefined ? { learnedAt: z.learnedAt } : {}),
      changed: Math.round(z.changed * 1000) / 1000,
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

  /** The zone's reference ('reference') or current look ('current') as grey pixels, if known. */
  image(zone: string, which: 'reference' | 'current' = 'reference'): Grey | undefined {
    const z = this.zones.find((s) => s.zone.name === zone);
    const px = which === 'reference' ? z?.L : z?.S;
    if (!z || !px) return undefined;
    const out = new Float32Array(this.last?.px ?? px);
    for (const i of z.idx) out[i] = px[i]!;
    return { w: z.w, h: z.h, px: out };
  }

  /** One frame. `tracks` are the tracker's output; openZones: zones that already hold a blocked_exit alarm. */
  update(frame: Frame, tracks: readonly Track[], openZones: ReadonlySet<string> = new Set()): RuleEvent[] {
    const t0 = performance.now();
    const g = toGrey(frame);
    const size = `${g.w}x${g.h}`;
    const events: RuleEvent[] = [];
    if (size !== this.size) {
      events.push(...this.finish());
      this.zones = this.exitZones.map((z) => new ZoneScene(z, g.w, g.h));
      this.size = size;
      this.lastT = undefined;
      this.prevOutside = undefined;
    }
    const dt = this.lastT === undefined ? 1 : Math.min(5, Math.max(0.05, frame.t - this.lastT));
    this.lastT = frame.t;
    this.last = g;
    const sw = frame.sourceWidth || frame.width;
    const sh = frame.sourceHeight || frame.height;
    const boxes = tracks.filter((tr) => tr.lastSeen === frame.t || frame.t - tr.lastSeen < 1).map((tr) => ({ person: tr.className === 'person', b: normaliseBox(tr.box, sw, sh) }));
    const sceneWide = this.sceneWideChange(g);
    for (const z of this.zones) {
      if (sceneWide && z.state === 'ready') z.relearn('the whole picture changed (lights or day/night switch): learning again');
      events.push(...this.zoneStep(z, g, frame.t, dt, boxes, openZones.has(z.zone.name)));
    }
    this.stats.frames++;
    this.stats.ms += performance.now() - t0;
    return events;
  }

  /** Most of the picture outside the exit zones changed within a frame or two (normalised): lights, IR switch. */
  private sceneWideChange(g: Grey): boolean {
    const prev = this.prevOutside;
    const cur = new Float32Array(g.px.length);
    const all = Uint32Array.from({ length: g.px.length }, (_, i) => i);
    normalise(g.px, all, cur);
    this.prevOutside = prev ? prev.map((v, i) => v + (cur[i]! - v) * 0.5) : cur;
    if (!prev) return false;
    let n = 0;
    let c = 0;
    for (let i = 0; i < cur.length; i += 3) {
      if (this.zones.some((z) => z.mask[i])) continue;
      n++;
      if (Math.abs(cur[i]! - prev[i]!) > Z_DIFF) c++;
    }
    return n > 50 && c / n > 0.5;
  }

  private zoneStep(z: ZoneScene, g: Grey, t: number, dt: number, boxes: { person: boolean; b: { x1: number; y1: number; x2: number; y2: number } }[], cocoOpen: boolean): RuleEvent[] {
    const a = 1 - Math.exp(-dt / TAU_SHORT);
    if (!z.S) z.S = new Float32Array(g.px);
    const zs = new Float32Array(g.px.length);
    const zf = new Float32Array(g.px.length);
    normalise(z.S, z.idx, zs);
    normalise(g.px, z.idx, zf);
    // motion: the frame differs from the short-term background
    let moving = 0;
    for (const i of z.idx) if (Math.abs(zf[i]! - zs[i]!) > STILL) moving++;
    const motion = moving / z.idx.length;
    for (const i of z.idx) z.S[i] = z.S[i]! + (g.px[i]! - z.S[i]!) * a;
    const inZone = boxes.filter((b) => boxOverlapFraction(b.b, z.zone.polygon) > 0.05);
    const clear = inZone.length === 0 && motion < 0.02;
    if (!z.L) {
      z.learnStart ??= t;
      z.stillSince = clear ? (z.stillSince ?? t) : undefined;
      if (z.stillSince !== undefined && t - z.stillSince >= this.o.learnSeconds) {
        z.L = new Float32Array(z.S);
        z.state = 'ready';
        z.reason = undefined;
        z.learnedAt = t;
      } else if (t - z.learnStart >= this.o.learnTimeoutSeconds) {
        z.state = 'cannot_learn';
        z.reason = `the picture in the zone was never still for ${this.o.learnSeconds} s (people or motion all the time); still trying`;
      }
      return this.episode(z, t, false, cocoOpen);
    }
    // compare the (static) short-term background with the clear reference, both normalised
    const zl = new Float32Array(g.px.length);
    normalise(z.L, z.idx, zl);
    const people = inZone.filter((b) => b.person).map((b) => b.b);
    let changed = 0;
    let x1 = 1, y1 = 1, x2 = 0, y2 = 0;
    const w = g.w;
    for (const i of z.idx) {
      const x = (i % w) + 0.5;
      const y = Math.floor(i / w) + 0.5;
      const nx = x / w;
      const ny = y / g.h;
      if (people.some((p) => nx >= p.x1 - 0.01 && nx <= p.x2 + 0.01 && ny >= p.y1 - 0.01 && ny <= p.y2 + 0.02)) continue;
      const dz = Math.abs(zs[i]! - zl[i]!);
      const gx = i % w > 0 ? zs[i]! - zs[i - 1]! - (zl[i]! - zl[i - 1]!) : 0;
      const gy = i >= w ? zs[i]! - zs[i - w]! - (zl[i]! - zl[i - w]!) : 0;
      const diff = dz > Z_DIFF || Math.abs(gx) + Math.abs(gy) > G_DIFF * 2;
      const still = Math.abs(zf[i]! - zs[i]!) < STILL;
      if (diff && still) {
        changed++;
        x1 = Math.min(x1, nx);
        y1 = Math.min(y1, ny);
        x2 = Math.max(x2, nx);
        y2 = Math.max(y2, ny);
      } else if (!diff && inZone.length === 0) {
        // selective update of the clear reference: only unchanged pixels, only while the zone is clear
        const b = 1 - Math.exp(-dt / TAU_LONG);
        z.L[i] = z.L[i]! + (z.S[i]! - z.L[i]!) * b;
      }
    }
    z.changed = changed / z.idx.length;
    z.bbox = changed ? [x1, y1, x2, y2] : undefined;
    return this.episode(z, t, z.changed >= this.o.minFraction, cocoOpen);
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
