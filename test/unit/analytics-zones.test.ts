import { describe, expect, it } from 'vitest';
import {
  boxOverlapFraction,
  parseZone,
  parseZonesFile,
  pointInPolygon,
  polygonProblem,
  zoneActiveAt,
  ZoneValidationError,
  type Point,
} from '../../server/analytics/zones.ts';

const square: Point[] = [[0.2, 0.2], [0.6, 0.2], [0.6, 0.6], [0.2, 0.6]];
const L: Point[] = [[0, 0], [0.5, 0], [0.5, 0.5], [1, 0.5], [1, 1], [0, 1]];

describe('zone validation', () => {
  it('accepts a valid zone with optional fields', () => {
    const z = parseZone({ name: ' door ', kind: 'exit', polygon: square, dwellSeconds: 30, classes: ['car'], activeHours: { from: '22:00', to: '06:00' } });
    expect(z.name).toBe('door');
    expect(parseZonesFile({ zones: [{ name: 'a', kind: 'loitering', polygon: L }] })).toHaveLength(1);
  });

  it.each([
    [{ name: 'a', kind: 'exit', polygon: [[0, 0], [1, 1]] }, /polygon: polygon needs at least 3 points/],
    [{ name: 'a', kind: 'exit', polygon: [[0, 0], [1.2, 0], [1, 1]] }, /polygon\[1\]: point must be inside 0\.\.1/],
    [{ name: 'a', kind: 'exit', polygon: [[0, 0], [1, 1], [1, 0], [0, 1]] }, /polygon: polygon edges 0–1 and 2–3 cross/],
    [{ name: 'a', kind: 'exit', polygon: [[0, 0], [Number.NaN, 0], [1, 1]] }, /polygon\[1\]\[0\]/],
    [{ name: 'a', kind: 'exit', polygon: [[0, 0], [Number.POSITIVE_INFINITY, 0], [1, 1]] }, /polygon\[1\]\[0\]/],
    [{ name: 'a', kind: 'exit', polygon: [[0, 0], [0.5, 0.5], [1, 1]] }, /no area|cross/],
    [{ name: 'a', kind: 'exit', polygon: [[0, 0], [0, 0], [1, 1]] }, /points 0 and 1 are the same/],
    [{ name: '', kind: 'exit', polygon: square }, /name: name must not be empty/],
    [{ name: 'a', kind: 'fence', polygon: square }, /kind/],
    [{ name: 'a', kind: 'exit', polygon: square, dwellSeconds: -1 }, /dwellSeconds/],
    [{ name: 'a', kind: 'exit', polygon: square, colour: 'red' }, /colour/],
    [{ name: 'a', kind: 'exit', polygon: square, activeHours: { from: '25:00', to: '06:00' } }, /activeHours\.from: time must be HH:MM/],
  ])('rejects %j', (input, message) => {
    expect(() => parseZone(input)).toThrow(ZoneValidationError);
    expect(() => parseZone(input)).toThrow(message);
  });

  it('rejects duplicate names and a missing zones array with the path', () => {
    const z = { name: 'a', kind: 'exit', polygon: square };
    expect(() => parseZonesFile({ zones: [z, z] })).toThrow(/zones\[1\]\.name: duplicate zone name "a"/);
    expect(() => parseZonesFile({})).toThrow(/zones/);
  });

  it('polygonProblem passes simple concave polygons', () => {
    expect(polygonProblem(L)).toBeUndefined();
    expect(polygonProblem([[0, 0], [1, 0], [0, 1]])).toBeUndefined();
  });
});

describe('geometry', () => {
  it('point in polygon, concave', () => {
    expect(pointInPolygon(0.4, 0.4, square)).toBe(true);
    expect(pointInPolygon(0.7, 0.4, square)).toBe(false);
    expect(pointInPolygon(0.25, 0.25, L)).toBe(true);
    expect(pointInPolygon(0.75, 0.25, L)).toBe(false); // the notch
    expect(pointInPolygon(0.75, 0.75, L)).toBe(true);
  });

  it('box overlap fraction', () => {
    expect(boxOverlapFraction({ x1: 0.3, y1: 0.3, x2: 0.4, y2: 0.4 }, square)).toBeCloseTo(1, 6);
    expect(boxOverlapFraction({ x1: 0.5, y1: 0.3, x2: 0.7, y2: 0.4 }, square)).toBeCloseTo(0.5, 6);
    expect(boxOverlapFraction({ x1: 0.7, y1: 0.7, x2: 0.9, y2: 0.9 }, square)).toBe(0);
    expect(boxOverlapFraction({ x1: 0.25, y1: 0.25, x2: 0.75, y2: 0.75 }, L)).toBeCloseTo(0.75, 6);
    expect(boxOverlapFraction({ x1: 0.3, y1: 0.3, x2: 0.3, y2: 0.4 }, square)).toBe(0);
  });

  it('active hours wrap midnight', () => {
    const z = { activeHours: { from: '22:00', to: '06:00' } };
    expect(zoneActiveAt(z, new Date(2025, 0, 1, 23, 30))).toBe(true);
    expect(zoneActiveAt(z, new Date(2025, 0, 1, 5, 59))).toBe(true);
    expect(zoneActiveAt(z, new Date(2025, 0, 1, 12, 0))).toBe(false);
    expect(zoneActiveAt({ activeHours: { from: '08:00', to: '18:00' } }, new Date(2025, 0, 1, 12, 0))).toBe(true);
    expect(zoneActiveAt({}, new Date())).toBe(true);
  });
});

describe('zone masks (issue 11)', async () => {
  const { parseZonesFile, ZoneValidationError, inMask } = await import('../../server/analytics/zones.ts');
  const poly: [number, number][] = [[0.2, 0.2], [0.6, 0.2], [0.6, 0.6], [0.2, 0.6]];
  it('accepts a partial mask and old files without masks', () => {
    const [z] = parseZonesFile({ zones: [{ name: 'a', kind: 'loitering', polygon: poly, masks: [[[0.2, 0.2], [0.3, 0.2], [0.3, 0.3]]] }] });
    expect(inMask(z!, 0.22, 0.21)).toBe(true);
    expect(inMask(z!, 0.5, 0.5)).toBe(false);
    expect(parseZonesFile({ zones: [{ name: 'b', kind: 'exit', polygon: poly }] })[0]!.masks).toBeUndefined();
  });
  it('rejects a mask that covers the whole zone', () => {
    const all: [number, number][] = [[0.1, 0.1], [0.7, 0.1], [0.7, 0.7], [0.1, 0.7]];
    expect(() => parseZonesFile({ zones: [{ name: 'a', kind: 'loitering', polygon: poly, masks: [all] }] })).toThrow(ZoneValidationError);
    expect(() => parseZonesFile({ zones: [{ name: 'a', kind: 'loitering', polygon: poly, masks: [all] }] })).toThrow(/masks cover the whole zone/);
  });
});
