/**
 * The site's clock in the console (issue K): every time the console shows or reads is the wall clock of the site
 * (config `site.timeZone`, learnt from the session answer at boot), not of the browser's PC — a post in 上海 whose
 * wall PC runs on UTC still sees and types Shanghai hours. No DOM, no other imports: unit-tested under Node.
 *
 * Parsing a typed local date-time is DST-correct: the offset is looked up for the candidate instants and re-checked.
 * A time that a DST switch skips (Berlin 02:30 on the last Sunday of March) moves forward by the gap (03:30 CEST); a
 * time it repeats (02:30 on the last Sunday of October) is the earlier one (CEST) — Temporal's "compatible".
 */

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
let zone = browserZone();
const listeners = new Set<(tz: string) => void>();

/** Is `tz` an IANA time zone name this browser knows? */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Use `tz` from now on (an unknown name keeps the current zone and returns false). */
export function setSiteTimeZone(tz: string): boolean {
  if (!isTimeZone(tz)) return false;
  if (tz === zone) return true;
  zone = tz;
  for (const fn of listeners) fn(tz);
  return true;
}

export const siteTimeZone = (): string => zone;

export function onSiteTimeZoneChange(fn: (tz: string) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A wall-clock reading: month 1–12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(tz, f);
  }
  return f;
}

/** The wall clock in `tz` at instant `ms`. */
export function wallTime(ms: number, tz = zone): WallTime {
  const n: Record<string, number> = {};
  for (const p of formatFor(tz).formatToParts(ms)) if (p.type !== 'literal') n[p.type] = Number(p.value);
  return { year: n.year!, month: n.month!, day: n.day!, hour: n.hour! % 24, minute: n.minute!, second: n.second! };
}

const wallAsUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** The UTC offset of `tz` at instant `ms`, in ms (Shanghai: +8 h). */
export function offsetMs(ms: number, tz = zone): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallAsUtc(wallTime(whole, tz)) - whole;
}

/** "UTC+8", "UTC+5:30", "UTC−3", "UTC" for zero. */
export function offsetLabel(ms: number, tz = zone): string {
  const off = Math.round(offsetMs(ms, tz) / 60_000);
  if (off === 0) return 'UTC';
  const h = Math.trunc(Math.abs(off) / 60);
  const m = Math.abs(off) % 60;
  return `UTC${off < 0 ? '−' : '+'}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

/** Does the browser's PC show a different wall clock than the site (now)? */
export function browserDiffers(ms = Date.now(), tz = zone): boolean {
  return offsetMs(ms, tz) !== offsetMs(ms, browserZone());
}

const p2 = (n: number) => String(n).padStart(2, '0');
const p4 = (n: number) => String(n).padStart(4, '0');

/** "2026-12-04" in the site's zone. */
export function siteDay(ms: number, tz = zone): string {
  const w = wallTime(ms, tz);
  return `${p4(w.year)}-${p2(w.month)}-${p2(w.day)}`;
}

/** "08:05" or "08:05:09" in the site's zone. */
export function siteClock(ms: number, seconds = true, tz = zone): string {
  const w = wallTime(ms, tz);
  return `${p2(w.hour)}:${p2(w.minute)}${seconds ? `:${p2(w.second)}` : ''}`;
}

/** "2026-12-04 08:05:09" (24 h, fixed width — readable on a wall), or the time alone. */
export function siteDateTime(ms: number, withDate = true, tz = zone): string {
  return withDate ? `${siteDay(ms, tz)} ${siteClock(ms, true, tz)}` : siteClock(ms, true, tz);
}

/** Value of an <input type="datetime-local" step="1">: "2026-12-04T08:05:09" in the site's zone. */
export function toSiteInput(ms: number, tz = zone): string {
  return `${siteDay(ms, tz)}T${siteClock(ms, true, tz)}`;
}

/** A typed date-time that is no time at all ("2026-02-30 08:00", "tomorrow"). */
export class SiteTimeError extends Error {
  constructor(readonly input: string) {
    super(`not a date and time: "${input}" (expected YYYY-MM-DDTHH:mm or YYYY-MM-DD HH:mm:ss)`);
    this.name = 'SiteTimeError';
  }
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const DAY = 86_400_000;

/**
 * A local date-time of the site ("2026-12-04T08:00", seconds and milliseconds optional) → the instant, in ms.
 * Throws SiteTimeError when it is not a valid date and time. DST: see the file's comment.
 */
export function parseSiteTime(value: string, tz = zone): number {
  const m = LOCAL.exec(value.trim());
  if (!m) throw new SiteTimeError(value);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const milli = Number((m[7] ?? '0').padEnd(3, '0'));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(wall);
  // Date.UTC rolls 02-30 over to 03-02 and 24:00 to the next day: those are typing errors, not times
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || back.getUTCHours() !== hour || back.getUTCMinutes() !== minute || second > 59) {
    throw new SiteTimeError(value);
  }
  // a day either side has at most one switch between them: the offset before and the offset after
  const before = offsetMs(wall - DAY, tz);
  const after = offsetMs(wall + DAY, tz);
  const fits = (t: number) => wallAsUtc(wallTime(t, tz)) === wall;
  const candidates = [wall - before, wall - after].filter(fits).sort((a, b) => a - b);
  // none fits: the switch skips this wall time; with the offset before it, it lands as far past the switch
  const t = candidates[0] ?? wall - before;
  return t + milli;
}

/** parseSiteTime, or NaN for an empty or invalid value (forms whose inputs are `required` and browser-checked). */
export function fromSiteInput(value: string, tz = zone): number {
  if (!value) return NaN;
  try {
    return parseSiteTime(value, tz);
  } catch {
    return NaN;
  }
}

/** Start of the site's day that contains `ms`. */
export function siteDayStart(ms: number, tz = zone): number {
  return parseSiteTime(`${siteDay(ms, tz)}T00:00:00`, tz);
}
