/** Parsing and checking of footage time ranges (exports, locks, timeline, playback): clear 4xx errors. */
import { AppError, badRequest } from '../util/errors.ts';

/** Times outside [1970-01-01, 9999-12-31] are refused (`time_out_of_range`): they cannot be footage times. */
export const MIN_TIME_MS = 0;
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function inRange(ms: number, name: string): number {
  if (!Number.isFinite(ms) || ms < MIN_TIME_MS || ms > MAX_TIME_MS) {
    throw badRequest(`${name}: out of range (expected a time between 1970-01-01 and 9999-12-31)`, 'time_out_of_range', { field: name });
  }
  return ms;
}

/** Epoch ms or an ISO 8601 date-time (with zone) → ms; undefined when absent. */
export function parseTime(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return inRange(Math.round(v), name);
    throw badRequest(`${name}: out of range (not a finite number)`, 'time_out_of_range', { field: name });
  } else if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d{1,15}$/.test(s)) return inRange(Number(s), name);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
      const ms = Date.parse(s);
      if (Number.isFinite(ms)) return inRange(ms, name);
    }
  }
  throw badRequest(`${name}: expected epoch milliseconds or an ISO 8601 time with a zone, e.g. 2025-01-31T08:00:00Z`, 'invalid_time', { field: name });
}

export function requireTime(v: unknown, name: string): number {
  const t = parseTime(v, name);
  if (t === undefined) throw badRequest(`${name} is required`, 'invalid_time', { what: 'required', field: name });
  return t;
}

const fmt = (ms: number) => new Date(ms).toISOString();

export interface RangeRules {
  now: number;
  maxMs: number;
  /** allow the end to be in the future by this much (client clocks) */
  slackMs?: number;
}

/** from < to, not in the future, not longer than maxMs. */
export function checkRange(fromMs: number, toMs: number, r: RangeRules): void {
  if (toMs <= fromMs) {
    throw badRequest(`the end (${fmt(toMs)}) is not after the start (${fmt(fromMs)})`, 'invalid_range', { fromMs, toMs });
  }
  const slack = r.slackMs ?? 2000;
  if (fromMs > r.now + slack) {
    throw badRequest(`the range starts in the future (${fmt(fromMs)}; now is ${fmt(r.now)})`, 'range_in_future', { what: 'start', fromMs, toMs, nowMs: r.now });
  }
  if (toMs > r.now + slack) {
    throw badRequest(`the range ends in the future (${fmt(toMs)}; now is ${fmt(r.now)}): footage exists only up to now`, 'range_in_future', { what: 'end', fromMs, toMs, nowMs: r.now });
  }
  if (toMs - fromMs > r.maxMs) {
    throw badRequest(`the range is ${Math.round((toMs - fromMs) / 60_000)} min long; at most ${Math.round(r.maxMs / 60_000)} min`, 'range_too_long', { min: Math.round((toMs - fromMs) / 60_000), max: Math.round(r.maxMs / 60_000) });
  }
}

export const noFootage = (cameraId: string, fromMs: number, toMs: number) =>
  new AppError(422, 'no_footage', `camera "${cameraId}" has no recordings between ${fmt(fromMs)} and ${fmt(toMs)}`, {}, { params: { camera: cameraId, fromMs, toMs } });
