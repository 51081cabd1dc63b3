/**
 * Issue K: "CSV reports in UTC" → times in the site's time zone. The process runs in the site's zone
 * (applySiteTimeZone, at start-up), so local days are the site's, and CSV times read as the post's wall clock
 * with their UTC offset.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applySiteTimeZone, siteIso } from '../../server/util/site-time.ts';
import { dayKey } from '../../server/patrol/compliance.ts';
import { auditCsvRow, CSV_HEADER } from '../../server/audit/csv.ts';
import { csvCell, csvLine } from '../../server/util/csv.ts';
import { bundleReadme } from '../../server/evidence/manifest.ts';

const before = process.env.TZ;
afterEach(() => {
  if (before === undefined) delete process.env.TZ;
  else process.env.TZ = before;
});

// 2026-12-03T18:30:05Z
const T = Date.UTC(2026, 11, 3, 18, 30, 5);

describe('site time', () => {
  it('writes local time with the offset of the site, not UTC', () => {
    applySiteTimeZone('Asia/Shanghai');
    expect(siteIso(T)).toBe('2026-12-04T02:30:05.000+08:00');
    expect(dayKey(T)).toBe('2026-12-04'); // the post's day, already tomorrow
    applySiteTimeZone('UTC');
    expect(siteIso(T)).toBe('2026-12-03T18:30:05.000+00:00');
    expect(dayKey(T)).toBe('2026-12-03');
    applySiteTimeZone('Asia/Kolkata');
    expect(siteIso(T)).toBe('2026-12-04T00:00:05.000+05:30');
  });

  it('follows daylight saving time and negative offsets', () => {
    applySiteTimeZone('America/New_York');
    expect(siteIso(Date.UTC(2026, 6, 1, 12, 0, 0))).toBe('2026-07-01T08:00:00.000-04:00');
    expect(siteIso(Date.UTC(2026, 0, 1, 12, 0, 0))).toBe('2026-01-01T07:00:00.000-05:00');
    // the same instant, whatever the zone: parsing the written text gives it back
    expect(Date.parse(siteIso(T))).toBe(T);
  });

  it('refuses an unknown zone name and leaves the clock as it was', () => {
    applySiteTimeZone('Asia/Shanghai');
    expect(() => applySiteTimeZone('Mars/Olympus')).toThrow(RangeError);
    expect(siteIso(T)).toBe('2026-12-04T02:30:05.000+08:00');
    expect(siteIso(null)).toBe('');
  });

  it('the audit CSV carries site times and still neutralises formulas', () => {
    applySiteTimeZone('Asia/Shanghai');
    expect(CSV_HEADER).toContain('time');
    expect(CSV_HEADER).not.toContain('time_utc');
    const row = auditCsvRow({ id: 7, time: T, actor: '=HYPERLINK("x")', role: 'operator', ip: '127.0.0.1', action: 'recording.view', cameraId: 'gate', target: null, footageMs: T - 3_600_000, detail: {}, hash: 'ab' } as never);
    expect(row).toContain(',2026-12-04T02:30:05.000+08:00,');
    expect(row).toContain(',2026-12-04T01:30:05.000+08:00,');
    expect(row).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(csvLine(['a', 1, null, { k: '中文' }])).toBe('a,1,,"{""k"":""中文""}"');
    expect(csvCell('-1')).toBe("'-1");
  });

  it('the evidence README gives its times in site time, in both languages', () => {
    applySiteTimeZone('Asia/Shanghai');
    const item = { file: 'gate.mp4', camera: { id: 'gate', name: '东门' }, actual: { start: new Date(T).toISOString(), end: new Date(T + 8000).toISOString(), startMs: T, endMs: T + 8000 } };
    const readme = bundleReadme({ exportId: 'exp-1', createdAt: new Date(T + 60_000).toISOString(), software: { name: 'Watchpost', version: '0.1.0' }, items: [item] as never }, 'sha256:00');
    expect(readme).toContain('Created 2026-12-04T02:31:05.000+08:00');
    expect(readme).toContain('gate.mp4  camera "东门" (gate), 2026-12-04T02:30:05.000+08:00 to 2026-12-04T02:30:13.000+08:00');
    expect(readme).toContain('于 2026-12-04T02:31:05.000+08:00 生成');
    expect(readme).toContain('2026-12-04T02:30:05.000+08:00 至 2026-12-04T02:30:13.000+08:00');
    expect(readme).not.toMatch(/18:30|Z\b/);
  });
});
