/**
 * Issue K: the console shows and reads every time in the site's zone (web/src/data/site-time.ts), not the
 * browser's. Shanghai (no DST), Berlin around both switches (a skipped and a repeated hour), half-hour offsets,
 * and typed values that are no time at all: a clear error, never a silently shifted instant. The process's own
 * zone is set to something else on purpose, so a formatter that used it would fail here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserDiffers,
  fromSiteInput,
  offsetLabel,
  parseSiteTime,
  setSiteTimeZone,
  siteClock,
  siteDateTime,
  siteDay,
  siteDayStart,
  siteTimeZone,
  SiteTimeError,
  toSiteInput,
} from '../../web/src/data/site-time.ts';

const before = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'America/New_York'; // the "browser" PC: neither Shanghai nor Berlin
});
afterAll(() => {
  if (before === undefined) delete process.env.TZ;
  else process.env.TZ = before;
});

const SH = 'Asia/Shanghai';
const BER = 'Europe/Berlin';
const utc = (s: string) => Date.parse(`${s}Z`);

describe('console site time', () => {
  it('formats in the site zone whatever the PC runs on', () => {
    const t = utc('2026-12-04T00:05:09.250');
    expect(siteDateTime(t, true, SH)).toBe('2026-12-04 08:05:09');
    expect(siteDateTime(t, false, SH)).toBe('08:05:09');
    expect(siteClock(t, false, SH)).toBe('08:05');
    expect(siteDay(utc('2026-12-03T18:30:00'), SH)).toBe('2026-12-04'); // already tomorrow at the post
    expect(toSiteInput(t, SH)).toBe('2026-12-04T08:05:09');
    expect(siteDateTime(t, true, 'America/New_York')).toBe('2026-12-03 19:05:09');
    expect(siteClock(utc('2026-12-04T00:00:00'), false, 'Asia/Kolkata')).toBe('05:30');
    expect(siteDateTime(utc('2026-12-03T16:00:00'), true, SH)).toBe('2026-12-04 00:00:00'); // midnight is 00, not 24
  });

  it('parses a typed Shanghai time as Shanghai time', () => {
    expect(parseSiteTime('2026-12-04T08:00', SH)).toBe(utc('2026-12-04T00:00:00'));
    expect(parseSiteTime('2026-12-04 08:00:30', SH)).toBe(utc('2026-12-04T00:00:30'));
    expect(parseSiteTime('2026-12-04T08:00:30.5', SH)).toBe(utc('2026-12-04T00:00:30.500'));
    expect(parseSiteTime('2026-12-04T00:30', SH)).toBe(utc('2026-12-03T16:30:00'));
    expect(parseSiteTime('2026-12-04T08:00', 'Asia/Kolkata')).toBe(utc('2026-12-04T02:30:00'));
    expect(siteDayStart(utc('2026-12-03T18:30:00'), SH)).toBe(utc('2026-12-03T16:00:00'));
  });

  it('round-trips every quarter hour across both Berlin switches', () => {
    for (const [from, to] of [['2026-03-28T12:00', '2026-03-30T00:00'], ['2026-10-24T12:00', '2026-10-26T00:00']] as const) {
      for (let t = utc(from); t < utc(to); t += 15 * 60_000) {
        const typed = toSiteInput(t, BER);
        expect(parseSiteTime(typed, BER), typed).toBe(t === utc('2026-10-25T01:00') || (t > utc('2026-10-25T01:00') && t < utc('2026-10-25T02:00')) ? t - 3600_000 : t);
      }
    }
  });

  it('Berlin spring gap: a skipped wall time moves forward by the gap', () => {
    // 2026-03-29 02:00 CET → 03:00 CEST; 01:59 is CET, 03:00 is CEST
    expect(parseSiteTime('2026-03-29T01:59', BER)).toBe(utc('2026-03-29T00:59:00'));
    expect(parseSiteTime('2026-03-29T03:00', BER)).toBe(utc('2026-03-29T01:00:00'));
    const gap = parseSiteTime('2026-03-29T02:30', BER);
    expect(gap).toBe(utc('2026-03-29T01:30:00'));
    expect(siteDateTime(gap, true, BER)).toBe('2026-03-29 03:30:00');
    expect(offsetLabel(utc('2026-03-29T00:59:00'), BER)).toBe('UTC+1');
    expect(offsetLabel(gap, BER)).toBe('UTC+2');
  });

  it('Berlin autumn overlap: a repeated wall time is the earlier (summer) one', () => {
    // 2026-10-25 03:00 CEST → 02:00 CET: 02:30 happens at 00:30Z and at 01:30Z
    expect(siteDateTime(utc('2026-10-25T00:30:00'), true, BER)).toBe('2026-10-25 02:30:00');
    expect(siteDateTime(utc('2026-10-25T01:30:00'), true, BER)).toBe('2026-10-25 02:30:00');
    expect(parseSiteTime('2026-10-25T02:30', BER)).toBe(utc('2026-10-25T00:30:00'));
    expect(parseSiteTime('2026-10-25T01:59:59', BER)).toBe(utc('2026-10-24T23:59:59'));
    expect(parseSiteTime('2026-10-25T03:00', BER)).toBe(utc('2026-10-25T02:00:00'));
  });

  it('refuses what is no time, with the input in the message', () => {
    for (const bad of ['', 'tomorrow', '2026-02-30T08:00', '2026-13-01T08:00', '2026-12-04T24:00', '2026-12-04T08:60', '2026-12-04T08:00:61', '2026-12-04', '2026-12-04T08:00+08:00']) {
      expect(() => parseSiteTime(bad, SH), bad).toThrow(SiteTimeError);
      expect(fromSiteInput(bad, SH)).toBeNaN();
    }
    expect(() => parseSiteTime('2026-02-30T08:00', SH)).toThrow(/not a date and time: "2026-02-30T08:00"/);
    expect(parseSiteTime('2028-02-29T08:00', SH)).toBe(utc('2028-02-29T00:00:00')); // a leap day is a day
  });

  it('the site zone is set once, an unknown name changes nothing', () => {
    expect(setSiteTimeZone(SH)).toBe(true);
    expect(siteTimeZone()).toBe(SH);
    expect(setSiteTimeZone('Mars/Olympus')).toBe(false);
    expect(siteTimeZone()).toBe(SH);
    expect(siteDateTime(utc('2026-12-04T00:05:09'))).toBe('2026-12-04 08:05:09');
    expect(offsetLabel(Date.now())).toBe('UTC+8');
    expect(browserDiffers(Date.now())).toBe(true); // New York PC, Shanghai site
    expect(browserDiffers(Date.now(), 'America/New_York')).toBe(false);
    expect(offsetLabel(0, 'UTC')).toBe('UTC');
    expect(offsetLabel(utc('2026-12-04T00:00:00'), 'America/St_Johns')).toBe('UTC−3:30');
  });
});
