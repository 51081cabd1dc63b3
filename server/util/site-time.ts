/**
 * The site's clock. At start-up the process's time zone is set to the site's (`site.timeZone`), so every local
 * day and hour the server computes — patrol days and shifts, recording folders, report ranges — is the site's,
 * whatever time zone the machine itself is set to. Times written for people (CSV reports) are local to the site
 * with their UTC offset, so they read as the wall clock of the post and stay unambiguous.
 */

/** Make `tz` (an IANA name, checked by the config) the process's local time zone. */
export function applySiteTimeZone(tz: string): void {
  new Intl.DateTimeFormat('en', { timeZone: tz }); // throws RangeError on a bad name
  process.env.TZ = tz; // Node resets its time-zone cache when TZ is assigned
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** "2026-12-04T02:32:01.250+08:00": local (site) time, to the millisecond, with its UTC offset; '' for null. */
export function siteIso(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const zone = `${off < 0 ? '-' : '+'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${zone}`;
}
