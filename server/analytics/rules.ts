/**
 * Alarm rules as pure state machines driven by (time, tracks). No model, no clock of their own.
 *
 * loitering (zone kind 'loitering'): one person track whose bottom-centre stays inside the zone
 * for ≥ dwellSeconds (default 60). Leaving the zone or not being detected for up to gapSeconds
 * keeps the dwell; if the tracker hands the same person a new id (lost, then found within
 * gapSeconds near the same spot) the dwell carries over. People walking through never reach it.
 * Only a plausible person counts (evidence.ts: median score, moved since first seen or appeared
 * with motion — a sign post or a mannequin scoring as a person never alarms); "moved" is latched
 * per stay (a person who walked in and stands still keeps counting), the score is judged now.
 *
 * blocked_exit (zone kind 'exit'): an obstruction — a track of an obstruction class (below) with
 * ≥ minOverlap of its box inside the zone, stationary (its feet moved < stationaryFraction of its
 * box size during the last stationarySeconds) and not carried (a bag mostly inside a person's box
 * is carried) — present for ≥ dwellSeconds (default 30), tolerating gaps ≤ gapSeconds. People are
 * never obstructions, so walking through does nothing.
 *
 * Episodes: the alarm starts when the condition is first met (start = that time), stays one alarm
 * while the condition holds, and ends once it has been false for clearSeconds (hysteresis); its end
 * is the last time the condition held. update() returns start/end events.
 */
import { isMover, scoresWell, type PlausibilityOptions } from './evidence.ts';
import type { Box } from './postprocess.ts';
import type { Track } from './tracker.ts';
import { boxOverlapFraction, normaliseBox, pointInPolygon, zoneActiveAt, type Zone } from './zones.ts';

export type AlarmType = 'loitering' | 'blocked_exit' | 'camera_tamper';

export interface Alarm {
  id: number;
  type: AlarmType;
  zone: string;
  /** video seconds when the alarm was raised (condition met) */
  start: number;
  /** last time the condition held; undefined while the alarm is open */
  end: number | undefined;
  /** when the person entered / the obstruction appeared */
  since: number;
  /** highest detection score among the tracks that held the condition */
  score: number;
  trackIds: number[];
  /** times the condition restarted within the cool-down and joined this alarm (episodes.ts); 1 = once */
  occurrences?: number;
}

export interface RuleEvent {
  kind: 'start' | 'end';
  alarm: Alarm;
}

/** COCO classes that block a passage. Bags count only when left (stationary, not carried). */
export const OBSTRUCTION_CLASSES = [
  'bicycle', 'car', 'motorcycle', 'bus', 'truck', 'bench', 'backpack', 'handbag', 'suitcase',
  'chair', 'couch', 'potted plant', 'bed', 'dining table', 'refrigerator', 'tv', 'oven', 'toilet',
] as const;
const CARRIED = new Set(['backpack', 'handbag', 'suitcase', 'umbrella']);

export interface RuleOptions {
  /** source frame size in pixels (track boxes are normalised with it) */
  width: number;
  height: number;
  loiterDwellSeconds?: number;
  exitDwellSeconds?: number;
  /** hysteresis: condition false this long ends the alarm (default 5) */
  clearSeconds?: number;
  /** detection/zone gaps tolerated while accumulating dwell (default 5) */
  gapSeconds?: number;
  minOverlap?: number;
  stationarySeconds?: number;
  stationaryFraction?: number;
  /** loitering: thresholds of the plausibility check (evidence.ts); false = every person track counts */
  plausibility?: PlausibilityOptions | false;
}

const DEF = { loiterDwellSeconds: 60, exitDwellSeconds: 30, clearSeconds: 5, gapSeconds: 5, minOverlap: 0.3, stationarySeconds: 10, stationaryFraction: 0.5, plausibility: {} };

interface Stay {
  enter: number;
  lastIn: number;
  x: number;
  y: number;
  /** a track that showed it is not a fixture has held this stay (latched) */
  mover: boolean;
  /** the current track's median score is person-like */
  scoresWell: boolean;
}

interface ZoneState {
  zone: Zone;
  classes: Set<string>;
  dwell: number;
  stays: Map<number, Stay>; // loitering: per track id
  runStart: number | undefined; // exit: start of the current obstruction run
  runLast: number;
  open: Alarm | undefined;
  lastTrue: number;
}

let nextAlarmId = 1;

export class ZoneRules {
  private readonly o: Required<RuleOptions>;
  private readonly states: ZoneState[];

  constructor(zones: readonly Zone[], opts: RuleOptions) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.o = { ...DEF, ...defined } as Required<RuleOptions>;
    this.states = zones.map((zone) => ({
      zone,
      classes: new Set(zone.classes ?? (zone.kind === 'loitering' ? ['person'] : OBSTRUCTION_CLASSES)),
      dwell: zone.dwellSeconds ?? (zone.kind === 'loitering' ? this.o.loiterDwellSeconds : this.o.exitDwellSeconds),
      stays: new Map(),
      runStart: undefined,
      runLast: Number.NEGATIVE_INFINITY,
      open: undefined,
      lastTrue: Number.NEGATIVE_INFINITY,
    }));
  }

  /** Every class name any zone looks at (to filter detections). */
  get classNames(): Set<string> {
    const s = new Set<string>(['person']);
    for (const st of this.states) for (const c of st.classes) s.add(c);
    return s;
  }

  get openAlarms(): Alarm[] {
    return this.states.flatMap((s) => (s.open ? [s.open] : []));
  }

  /** Feed the tracker's output at video time t; wallTime enables activeHours. */
  update(t: number, tracks: readonly Track[], wallTime?: Date): RuleEvent[] {
    const events: RuleEvent[] = [];
    for (const st of this.states) {
      const active = !wallTime || zoneActiveAt(st.zone, wallTime);
      const hit = active ? (st.zone.kind === 'loitering' ? this.loiter(st, t, tracks) : this.blocked(st, t, tracks)) : undefined;
      if (!active) {
        st.stays.clear();
        st.runStart = undefined;
      }
      this.step(st, t, hit, events);
    }
    return events;
  }

  /** Close every open alarm (end of input). */
  finish(): RuleEvent[] {
    const events: RuleEvent[] = [];
    for (const st of this.states) {
      if (!st.open) continue;
      st.open.end = st.lastTrue;
      events.push({ kind: 'end', alarm: snapshot(st.open) });
      st.open = undefined;
    }
    return events;
  }

  private step(st: ZoneState, t: number, hit: { score: number; ids: number[]; since: number } | undefined, out: RuleEvent[]): void {
    if (hit) {
      st.lastTrue = t;
      if (!st.open) {
        const type: AlarmType = st.zone.kind === 'loitering' ? 'loitering' : 'blocked_exit';
        st.open = { id: nextAlarmId++, type, zone: st.zone.name, start: t, end: undefined, since: hit.since, score: hit.score, trackIds: [...hit.ids] };
        out.push({ kind: 'start', alarm: snapshot(st.open) });
      } else {
        st.open.score = Math.max(st.open.score, hit.score);
        for (const id of hit.ids) if (!st.open.trackIds.includes(id)) st.open.trackIds.push(id);
      }
    } else if (st.open && t - st.lastTrue >= this.o.clearSeconds) {
      st.open.end = st.lastTrue;
      out.push({ kind: 'end', alarm: snapshot(st.open) });
      st.open = undefined;
    }
  }

  private norm(b: Box): Box {
    return normaliseBox(b, this.o.width, this.o.height);
  }

  private loiter(st: ZoneState, t: number, tracks: readonly Track[]) {
    const poly = st.zone.polygon;
    for (const tr of tracks) {
      if (tr.lastSeen !== t || !st.classes.has(tr.className)) continue;
      const b = this.norm(tr.box);
      const x = (b.x1 + b.x2) / 2;
      const y = b.y2;
      if (!pointInPolygon(x, y, poly)) continue;
      let stay = st.stays.get(tr.id);
      if (!stay) {
        // the same person under a new id (track born after the old one was last seen, at the
        // spot where it was lost)? then the stay carries over
        const near = Math.max(0.03, (b.y2 - b.y1) * 0.3);
        for (const [id, s] of st.stays) {
          const old = tracks.find((o) => o.id === id);
          if (tr.firstSeen >= s.lastIn && (!old || old.lastSeen < t) && Math.hypot(s.x - x, s.y - y) <= near) {
            st.stays.delete(id);
            stay = s;
            break;
          }
        }
        stay ??= { enter: t, lastIn: t, x, y, mover: false, scoresWell: false };
        st.stays.set(tr.id, stay);
      }
      stay.lastIn = t;
      stay.x = x;
      stay.y = y;
      const p = this.o.plausibility;
      stay.mover ||= p === false || !tr.evidence || isMover(tr.evidence, p);
      stay.scoresWell = p === false || !tr.evidence || scoresWell(tr.evidence, p);
    }
    let best: { score: number; ids: number[]; since: number } | undefined;
    for (const [id, s] of st.stays) {
      if (t - s.lastIn > this.o.gapSeconds) {
        st.stays.delete(id);
        continue;
      }
      if (s.lastIn !== t || t - s.enter < st.dwell || !s.mover || !s.scoresWell) continue;
      const score = tracks.find((tr) => tr.id === id)?.score ?? 0;
      if (!best) best = { score, ids: [id], since: s.enter };
      else {
        best.ids.push(id);
        best.score = Math.max(best.score, score);
        best.since = Math.min(best.since, s.enter);
      }
    }
    return best;
  }

  private blocked(st: ZoneState, t: number, tracks: readonly Track[]) {
    const o = this.o;
    const people = tracks.filter((tr) => tr.className === 'person' && tr.lastSeen === t).map((tr) => this.norm(tr.box));
    const ids: number[] = [];
    let score = 0;
    for (const tr of tracks) {
      if (tr.lastSeen !== t || !st.classes.has(tr.className) || tr.className === 'person') continue;
      const b = this.norm(tr.box);
      if (boxOverlapFraction(b, st.zone.polygon) < o.minOverlap) continue;
      if (CARRIED.has(tr.className) && people.some((p) => boxOverlapFraction(b, boxPoly(p)) >= 0.5)) continue;
      if (!stationary(tr, t, o.stationarySeconds, o.stationaryFraction)) continue;
      ids.push(tr.id);
      score = Math.max(score, tr.score);
    }
    const now = ids.length > 0;
    if (now) {
      if (st.runStart === undefined || t - st.runLast > o.gapSeconds) st.runStart = t;
      st.runLast = t;
    } else if (st.runStart !== undefined && t - st.runLast > o.gapSeconds) st.runStart = undefined;
    if (!now || st.runStart === undefined || t - st.runStart < st.dwell) return undefined;
    return { score, ids, since: st.runStart };
  }
}

/** Events carry copies: the open alarm keeps changing (score, track ids, end). */
function snapshot(a: Alarm): Alarm {
  return { ...a, trackIds: [...a.trackIds] };
}

function boxPoly(b: Box): [number, number][] {
  return [[b.x1, b.y1], [b.x2, b.y1], [b.x2, b.y2], [b.x1, b.y2]];
}

/** Did the track's bottom-centre stay within fraction·(box size) of where it is now, lately? */
export function stationary(tr: Track, t: number, seconds: number, fraction: number): boolean {
  const last = tr.history[tr.history.length - 1];
  if (!last) return true;
  const size = Math.max(tr.box.x2 - tr.box.x1, tr.box.y2 - tr.box.y1);
  const lim = fraction * size;
  for (let i = tr.history.length - 1; i >= 0; i--) {
    const p = tr.history[i]!;
    if (t - p.t > seconds) break;
    if (Math.hypot(p.x - last.x, p.y - last.y) > lim) return false;
  }
  return true;
}
