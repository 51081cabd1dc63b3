/**
 * Detection zones: polygons in normalised image coordinates (0..1, x right, y down).
 *
 * kind 'loitering': a person whose feet (box bottom-centre) stay inside ≥ dwellSeconds (default 60).
 * kind 'exit': a fire passage/exit that must stay clear; an obstruction overlapping it for
 * ≥ dwellSeconds (default 30) raises "blocked_exit".
 * classes: COCO class names the zone cares about (defaults in rules.ts); activeHours: local
 * time-of-day window ("22:00"–"06:00" wraps midnight), only applied when the caller passes a wall
 * clock (live); offline analysis of a file has none and treats zones as always active.
 *
 * parseZones()/parseZonesFile() throw ZoneValidationError whose message names the offending path,
 * ready for an HTTP 400 (see server/util/errors.ts badRequest()).
 */
import { z } from 'zod';
import type { Box } from './postprocess.ts';
import type { Zone as WireZone } from '../../shared/wire/zones.ts';

export type Point = [number, number];

const point = z.tuple([z.number(), z.number()]).refine(([x, y]) => x >= 0 && x <= 1 && y >= 0 && y <= 1, {
  message: 'point must be inside 0..1 (normalised image coordinates)',
});
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM (00:00–23:59)');

export const zoneSchema = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(80),
    kind: z.enum(['loitering', 'exit']),
    polygon: z.array(point).min(3, 'polygon needs at least 3 points'),
    dwellSeconds: z.number().positive().max(86_400).optional(),
    classes: z.array(z.string().min(1)).min(1).optional(),
    activeHours: z.object({ from: hhmm, to: hhmm }).strict().optional(),
    /** areas where no object counts for this zone (same normalised polygons); optional */
    masks: z.array(z.array(point).min(3, 'mask needs at least 3 points')).max(16).optional(),
    /** alarm priority: 1 high, 2 normal, 3 low (default: exit 1, loitering 2; issue H point 4) */
    priority: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'priority must be 1 (high), 2 (normal) or 3 (low)' }).optional(),
  })
  .strict()
  .superRefine((zone, ctx) => {
    // zod runs this even when .min(3) above failed: a polygon of < 3 points is already reported there, once
    const problem = polygonProblem(zone.polygon);
    if (problem && zone.polygon.length >= 3) ctx.addIssue({ code: 'custom', path: ['polygon'], message: problem });
    zone.masks?.forEach((m, i) => {
      const p = polygonProblem(m);
      if (p && m.length >= 3) ctx.addIssue({ code: 'custom', path: ['masks', i], message: p.replace('polygon', 'mask') });
    });
    if (!problem && zone.masks?.length && maskCoversZone(zone.polygon, zone.masks)) {
      ctx.addIssue({ code: 'custom', path: ['masks'], message: 'masks cover the whole zone: nothing in it could ever count' });
    }
  });

/** Whether the masks leave no part of the polygon uncovered (checked on a 40×40 grid of sample points). */
export function maskCoversZone(poly: readonly Point[], masks: readonly (readonly Point[])[]): boolean {
  const xs = poly.map((p) => p[0]);
  const ys = poly.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const n = 40;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = x0 + ((i + 0.5) / n) * (x1 - x0);
      const y = y0 + ((j + 0.5) / n) * (y1 - y0);
      if (pointInPolygon(x, y, poly) && !masks.some((m) => pointInPolygon(x, y, m))) return false;
    }
  }
  return true;
}

/** Whether a point (normalised) lies in one of the zone's masks. */
export function inMask(zone: Pick<Zone, 'masks'>, x: number, y: number): boolean {
  return zone.masks?.some((m) => pointInPolygon(x, y, m)) ?? false;
}

export type Zone = z.infer<typeof zoneSchema>;

/** The schema's type is the wire type of shared/wire/zones.ts: a compile error here when the two drift apart. */
type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type MustBeTrue<T extends true> = T;
export type ZoneSchemaIsWireZone = MustBeTrue<SameType<Zone, WireZone>>;

export const zonesFileSchema = z
  .object({ zones: z.array(zoneSchema) })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.zones.forEach((zn, i) => {
      if (seen.has(zn.name)) ctx.addIssue({ code: 'custom', path: ['zones', i, 'name'], message: `duplicate zone name "${zn.name}"` });
      seen.add(zn.name);
    });
  });

export class ZoneValidationError extends Error {
  constructor(
    message: string,
    /** the problems, for the API's error.fields (server/http/error-fields.ts) */
    readonly issues?: z.ZodError,
  ) {
    super(message);
    this.name = 'ZoneValidationError';
  }
}

function explain(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const path = i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)';
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

export function parseZone(input: unknown): Zone {
  const r = zoneSchema.safeParse(input);
  if (!r.success) throw new ZoneValidationError(`invalid zone: ${explain(r.error)}`, r.error);
  return r.data;
}

export function parseZonesFile(input: unknown): Zone[] {
  const r = zonesFileSchema.safeParse(input);
  if (!r.success) throw new ZoneValidationError(`invalid zones: ${explain(r.error)}`, r.error);
  return r.data.zones;
}

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function onSegment(p: Point, q: Point, r: Point): boolean {
  return Math.min(p[0], r[0]) <= q[0] && q[0] <= Math.max(p[0], r[0]) && Math.min(p[1], r[1]) <= q[1] && q[1] <= Math.max(p[1], r[1]);
}

/** Do segments p1p2 and p3p4 touch or cross (collinear overlap included)? */
export function segmentsIntersect(p1: Point, p2: Point, p3: Point, p4: Point): boolean {
  const d1 = cross(p3, p4, p1);
  const d2 = cross(p3, p4, p2);
  const d3 = cross(p1, p2, p3);
  const d4 = cross(p1, p2, p4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  if (d1 === 0 && onSegment(p3, p1, p4)) return true;
  if (d2 === 0 && onSegment(p3, p2, p4)) return true;
  if (d3 === 0 && onSegment(p1, p3, p2)) return true;
  if (d4 === 0 && onSegment(p1, p4, p2)) return true;
  return false;
}

export function polygonArea(poly: readonly Point[]): number {
  let a = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) a += poly[j]![0] * poly[i]![1] - poly[i]![0] * poly[j]![1];
  return Math.abs(a) / 2;
}

/** Why a polygon is unusable, or undefined if it is fine (simple, non-degenerate). */
export function polygonProblem(poly: readonly Point[]): string | undefined {
  const n = poly.length;
  if (n < 3) return 'polygon needs at least 3 points';
  for (let i = 0; i < n; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % n]!;
    if (a[0] === b[0] && a[1] === b[1]) return `points ${i} and ${(i + 1) % n} are the same`;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // adjacent edges share a vertex
      if (segmentsIntersect(poly[i]!, poly[(i + 1) % n]!, poly[j]!, poly[(j + 1) % n]!)) {
        return `polygon edges ${i}–${(i + 1) % n} and ${j}–${(j + 1) % n} cross (self-intersecting)`;
      }
    }
  }
  if (polygonArea(poly) < 1e-6) return 'polygon has no area';
  return undefined;
}

/** Even-odd ray casting; points exactly on an edge may go either way. */
export function pointInPolygon(x: number, y: number, poly: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Sutherland–Hodgman ping-pong buffers (x, y pairs) for clippedArea: it runs per track, zone and frame. */
let clipA = new Float64Array(64);
let clipB = new Float64Array(64);

function insideEdge(e: number, x: number, y: number, r: Box): boolean {
  return e === 0 ? x >= r.x1 : e === 1 ? x <= r.x2 : e === 2 ? y >= r.y1 : y <= r.y2;
}

/**
 * The area of the polygon clipped to the axis-aligned rectangle (Sutherland–Hodgman against its four
 * edges in turn), in flat scratch buffers: the version with a closure and an array per point made most of
 * the analytics' per-frame garbage after the pixel loops. Valid for concave polygons.
 */
function clippedArea(poly: readonly Point[], r: Box): number {
  if (clipA.length < 2 * poly.length) clipA = new Float64Array(4 * poly.length);
  let src = clipA;
  let dst = clipB;
  let n = poly.length;
  for (let i = 0; i < n; i++) {
    src[2 * i] = poly[i]![0];
    src[2 * i + 1] = poly[i]![1];
  }
  for (let e = 0; e < 4 && n > 0; e++) {
    // a pass adds at most one crossing per edge: ≤ 2n points
    if (dst.length < 4 * n) {
      dst = new Float64Array(8 * n);
      if (src === clipA) clipB = dst;
      else clipA = dst;
    }
    let m = 0;
    for (let i = 0; i < n; i++) {
      const j = (i + n - 1) % n;
      const cx = src[2 * i]!, cy = src[2 * i + 1]!;
      const px = src[2 * j]!, py = src[2 * j + 1]!;
      const cin = insideEdge(e, cx, cy, r);
      const pin = insideEdge(e, px, py, r);
      if (cin !== pin) {
        // the crossing of prev → cur with the edge
        if (e < 2) {
          const X = e === 0 ? r.x1 : r.x2;
          dst[m++] = X;
          dst[m++] = py + ((cy - py) * (X - px)) / (cx - px);
        } else {
          const Y = e === 2 ? r.y1 : r.y2;
          dst[m++] = px + ((cx - px) * (Y - py)) / (cy - py);
          dst[m++] = Y;
        }
      }
      if (cin) {
        dst[m++] = cx;
        dst[m++] = cy;
      }
    }
    const t = src;
    src = dst;
    dst = t;
    n = m / 2;
  }
  if (n < 3) return 0;
  let a = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) a += src[2 * j]! * src[2 * i + 1]! - src[2 * i]! * src[2 * j + 1]!;
  return Math.abs(a) / 2;
}

/** Fraction (0..1) of the box's area that lies inside the polygon; box in the polygon's units. */
export function boxOverlapFraction(box: Box, poly: readonly Point[]): number {
  const area = (box.x2 - box.x1) * (box.y2 - box.y1);
  if (!(area > 0)) return 0;
  return Math.min(1, clippedArea(poly, box) / area);
}

/** Box in pixels → box in normalised 0..1 coordinates of a width×height image. */
export function normaliseBox(b: Box, width: number, height: number): Box {
  return { x1: b.x1 / width, y1: b.y1 / height, x2: b.x2 / width, y2: b.y2 / height };
}

/** Is the wall-clock time inside the zone's activeHours (always true without activeHours)? */
export function zoneActiveAt(zone: Pick<Zone, 'activeHours'>, when: Date): boolean {
  if (!zone.activeHours) return true;
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const from = toMin(zone.activeHours.from);
  const to = toMin(zone.activeHours.to);
  const now = when.getHours() * 60 + when.getMinutes();
  if (from === to) return true;
  return from < to ? now >= from && now < to : now >= from || now < to;
}
