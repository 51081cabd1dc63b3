/**
 * One canonical form for text that enters a hash-chained record (duty log, audit trail).
 *
 * SQLite stores a lone UTF-16 surrogate as U+FFFD, while JSON.stringify writes it as the escape
 * `\udc00`: a hash taken over the string before storage can never match the stored row. So every
 * string is made well-formed (lone surrogates → U+FFFD) once, at the boundary, and the hash is taken
 * over that form — which is byte for byte what SQLite keeps. Well-formed text is left as it is, so
 * chains written before this change verify unchanged.
 *
 * Where a person typed the text (an authenticated request body), a lone surrogate is refused with
 * `400 invalid_text` instead (see refuseLoneSurrogates); unauthenticated input such as a failed-login
 * user name is always stored, sanitised.
 */
import type { RequestHandler } from 'express';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const HAS_LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasLoneSurrogate(s: string): boolean {
  return HAS_LONE_SURROGATE.test(s);
}

/** The string with every lone surrogate replaced by U+FFFD. */
export function wellFormed(s: string): string {
  return hasLoneSurrogate(s) ? s.replace(LONE_SURROGATE, '\ufffd') : s;
}

/** Same for a string that may be null. */
export function wellFormedOrNull(s: string | null): string | null {
  return s == null ? s : wellFormed(s);
}

/** A deep copy of a JSON value with every string (keys too) well-formed. */
export function wellFormedDeep<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => wellFormedDeep(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[wellFormed(k)] = wellFormedDeep(v);
  return out as T;
}

/** The path of the first string (or key) in a JSON value that has a lone surrogate, if any. */
export function findLoneSurrogate(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return hasLoneSurrogate(value) ? path || '(body)' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = path ? `${path}.${k}` : k;
    if (hasLoneSurrogate(k)) return p;
    const found = findLoneSurrogate(v, p);
    if (found) return found;
  }
  return undefined;
}

/** The path of the first string (or key) in a JSON value that holds U+0000 (NUL), if any. */
export function findNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(body)' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = path ? `${path}.${k}` : k;
    if (k.includes('\u0000')) return p;
    const found = findNul(v, p);
    if (found) return found;
  }
  return undefined;
}

/**
 * Express middleware (after express.json): a body with a lone surrogate, or a NUL character (U+0000: PostgreSQL
 * text cannot hold it, so it is refused on both engines alike, docs/cluster.md), anywhere is a 400 invalid_text.
 */
export const refuseLoneSurrogates: RequestHandler = (req, res, next) => {
  const at = findLoneSurrogate(req.body as unknown);
  if (at !== undefined) {
    res.status(400).json({
      error: { code: 'invalid_text', message: `${at}: text contains an unpaired UTF-16 surrogate (not valid Unicode); nothing was stored`, params: { field: at } },
    });
    return;
  }
  const nul = findNul(req.body as unknown);
  if (nul === undefined) return next();
  res.status(400).json({ error: { code: 'invalid_text', message: `${nul}: text contains a NUL character (U+0000), which cannot be stored; nothing was stored`, params: { field: nul } } });
};
