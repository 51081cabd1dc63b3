/**
 * Issue H point 4, handling that fits a busy post: outcomes on resolve (and their duty-log entries, with the
 * acknowledge entry), bulk acknowledge, priority per zone, per-zone false-alarm rate, snapshot labels in the
 * site's time zone that do not overlap. Real SQLite (in memory), real duty log, real sharp.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { annotateFrame, formatSiteTime, HEADER_PX, labelWidth, placeLabels, type Rect } from '../../server/alarms/annotate.ts';
import { ZoneRepo } from '../../server/alarms/zone-repo.ts';
import { AlarmService } from '../../server/alarms/service.ts';
import type { AlarmView } from '../../server/alarms/types.ts';
import type { Track } from '../../server/analytics/tracker.ts';
import { parseZonesFile } from '../../server/analytics/zones.ts';
import { ConfigError, parseConfig } from '../../server/config/load.ts';
import { watchAlarms } from '../../server/dutylog/alarm-watch.ts';
import { DutyLog } from '../../server/dutylog/log.ts';
import { dutyEntries } from '../support/duty.ts';
import { EventBus } from '../../server/events/bus.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { memorySql } from '../support/sql-memory.ts';

const DAY = 86_400_000;

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'wp-alarms-h4-'));
  const sql = await memorySql();
  const db = sql.sqlite;
  const zones = await ZoneRepo.open(sql);
  const bus = new EventBus();
  let now = 40 * DAY;
  const updates: AlarmView[] = [];
  bus.on('alarm.updated', (a) => updates.push(a));
  const alarms = await AlarmService.open({ sql, zones, bus, dataDir: dir, now: () => now });
  const duty = new DutyLog(sql, new ManualClock(40 * DAY));
  const stopWatch = watchAlarms(bus, duty);
  return {
    alarms,
    db,
    bus,
    duty,
    updates,
    zones,
    tick: (ms: number) => (now += ms),
    done: async () => {
      stopWatch();
      rmSync(dir, { recursive: true, force: true });
      await sql.close();
    },
  };
}

let t0 = 40 * DAY - 2 * 3_600_000;
/** One alarm, ended a second later; the next one starts past the cool-down (so it is a new alarm, not joined). */
const raise = async (s: Awaited<ReturnType<typeof setup>>, o: Partial<{ cameraId: string; zone: string; kind: AlarmView['kind']; startMs: number }> = {}) => {
  const startMs = o.startMs ?? (t0 += 300_000);
  const a = await s.alarms.raise({ cameraId: o.cameraId ?? 'c1', zone: o.zone ?? 'lawn', kind: o.kind ?? 'loitering', sinceMs: startMs - 10_000, startMs, score: 0.8, trackIds: [1] });
  await s.alarms.ended(a.id, startMs + 1000, 0.8, [1]);
  return s.alarms.require(a.id);
};
const square: [number, number][] = [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]];

describe('alarm handling (issue H point 4)', () => {
  it('resolves with an outcome and a note; without one it is stored as not given; the duty log names it and has the acknowledge', async () => {
    const s = await setup();
    const a = await raise(s);
    const b = await raise(s);
    await s.alarms.acknowledge(a.id, 'op1', 'looking');
    await s.alarms.acknowledge(b.id, 'op1');
    const ra = await s.alarms.resolve(a.id, 'op2', 'cat on the lawn', 'false_alarm');
    expect(ra).toMatchObject({ status: 'resolved', outcome: 'false_alarm', outcomeNote: 'cat on the lawn', resolve: { by: 'op2', note: 'cat on the lawn' } });
    expect(await s.alarms.get(a.id)).toMatchObject({ outcome: 'false_alarm' }); // stored
    expect(await s.alarms.resolve(b.id, 'op2')).toMatchObject({ status: 'resolved', outcome: null, outcomeNote: null });

    const entries = (await dutyEntries(s.duty)).sort((x, y) => x.seq - y.seq);
    expect(entries.map((e) => [e.kind, e.authorName, e.data.alarmId])).toEqual([
      ['alarm', 'system', a.id],
      ['alarm', 'system', b.id],
      ['alarm_ack', 'op1', a.id],
      ['alarm_ack', 'op1', b.id],
      ['alarm_resolved', 'op2', a.id],
      ['alarm_resolved', 'op2', b.id],
    ]);
    expect(entries[2]!.text).toMatch(/acknowledged — looking$/);
    expect(entries[4]!.text).toContain('resolved as false alarm / 误报 — cat on the lawn');
    expect(entries[4]!.data.outcome).toBe('false_alarm');
    expect(entries[5]!.text).toContain('outcome not given');
    expect((await s.duty.verify()).ok).toBe(true);
    await s.done();
  });

  it('bulk acknowledge: a result per id, the open ones go through, the rest say why', async () => {
    const s = await setup();
    const a = await raise(s);
    const b = await raise(s, { zone: 'gate' });
    const done = await raise(s, { zone: 'yard' });
    await s.alarms.acknowledge(done.id, 'op0');
    const hidden = await raise(s, { cameraId: 'bank' });
    const r = await s.alarms.acknowledgeMany([a.id, b.id, done.id, 9999, hidden.id, a.id], 'op1', 'busy night', (cam) => cam !== 'bank');
    expect(r.map((x) => [x.id, x.ok, x.ok ? x.alarm.status : x.status])).toEqual([
      [a.id, true, 'acknowledged'],
      [b.id, true, 'acknowledged'],
      [done.id, false, 409],
      [9999, false, 404],
      [hidden.id, false, 404], // a camera the user may not see: as if it did not exist
    ]);
    expect(await s.alarms.get(a.id)).toMatchObject({ status: 'acknowledged', ack: { by: 'op1', note: 'busy night' } });
    expect((await s.alarms.get(hidden.id))?.status).toBe('open');
    expect((await s.duty.list({})).filter((e) => e.kind === 'alarm_ack').map((e) => e.data.alarmId).sort()).toEqual([a.id, b.id, done.id].sort());
    await s.done();
  });

  it('takes the zone priority (default exit above loitering) and lists open alarms by priority, then newest first', async () => {
    const s = await setup();
    await s.zones.set('c1', parseZonesFile({ zones: [
      { name: 'lawn', kind: 'loitering', polygon: square },
      { name: 'vault', kind: 'loitering', polygon: square, priority: 1 },
      { name: 'lane', kind: 'exit', polygon: square },
      { name: 'shed', kind: 'exit', polygon: square, priority: 3 },
    ] }), 'admin');
    const lawn = await raise(s, { zone: 'lawn' });
    const lane = await raise(s, { zone: 'lane', kind: 'blocked_exit' });
    const vault = await raise(s, { zone: 'vault' });
    const shed = await raise(s, { zone: 'shed', kind: 'blocked_exit' });
    const lawn2 = await raise(s, { zone: 'lawn' });
    const other = await raise(s, { cameraId: 'c2', zone: 'x', kind: 'blocked_exit' }); // no zones stored: default by kind
    expect([lawn, lane, vault, shed, other].map((a) => a.priority)).toEqual([2, 1, 1, 3, 1]);
    await s.alarms.acknowledge(lane.id, 'op');
    await s.alarms.resolve(lane.id, 'op', undefined, 'genuine');
    expect((await s.alarms.list('all')).map((a) => a.id)).toEqual([other.id, vault.id, lawn2.id, lawn.id, shed.id, lane.id]);
    expect(() => parseZonesFile({ zones: [{ name: 'z', kind: 'exit', polygon: square, priority: 0 }] })).toThrow(/priority must be 1 \(high\), 2 \(normal\) or 3 \(low\)/);
    await s.done();
  });

  it('per camera + zone false-alarm rate over the last days (tests and unclassified do not count)', async () => {
    const s = await setup();
    const resolve = async (a: AlarmView, outcome: 'genuine' | 'false_alarm' | 'test' | null) => {
      await s.alarms.acknowledge(a.id, 'op');
      await s.alarms.resolve(a.id, 'op', undefined, outcome);
    };
    await resolve(await raise(s), 'false_alarm');
    await resolve(await raise(s), 'false_alarm');
    await resolve(await raise(s), 'false_alarm');
    await resolve(await raise(s), 'genuine');
    await resolve(await raise(s), 'test');
    await resolve(await raise(s), null);
    await raise(s); // still open
    await resolve(await raise(s, { zone: 'gate' }), 'test');
    await resolve(await raise(s, { zone: 'yard' }), null); // only unclassified: zeros, not nulls
    await resolve(await raise(s, { cameraId: 'c2', zone: 'lawn' }), 'genuine');
    await resolve(await raise(s, { startMs: 40 * DAY - 31 * DAY }), 'genuine'); // older than 30 days
    const st = await s.alarms.stats({ days: 30 });
    expect(st).toEqual([
      { cameraId: 'c1', zone: 'gate', total: 1, genuine: 0, false_alarm: 0, test: 1, unclassified: 0, open: 0, falseAlarmRate: null },
      { cameraId: 'c1', zone: 'lawn', total: 7, genuine: 1, false_alarm: 3, test: 1, unclassified: 1, open: 1, falseAlarmRate: 0.75 },
      { cameraId: 'c1', zone: 'yard', total: 1, genuine: 0, false_alarm: 0, test: 0, unclassified: 1, open: 0, falseAlarmRate: null },
      { cameraId: 'c2', zone: 'lawn', total: 1, genuine: 1, false_alarm: 0, test: 0, unclassified: 0, open: 0, falseAlarmRate: 0 },
    ]);
    expect((await s.alarms.stats({ days: 40, cameraId: 'c1' })).find((z) => z.zone === 'lawn')).toMatchObject({ total: 8, genuine: 2, falseAlarmRate: 0.6 });
    await s.done();
  });
});

describe('alarm snapshot labels (issue H point 4)', () => {
  it('stamps the time in the site time zone with its offset; site.timeZone is checked strictly', async () => {
    const ms = Date.UTC(2026, 11, 2, 14, 45, 50);
    expect(formatSiteTime(ms, 'Asia/Shanghai')).toBe('2026-12-02 22:45:50 GMT+8');
    expect(formatSiteTime(ms, 'UTC')).toBe('2026-12-02 14:45:50 GMT+0');
    expect(parseConfig('site: {timeZone: Asia/Shanghai}', 'w.yml').site.timeZone).toBe('Asia/Shanghai');
    expect(parseConfig('', 'w.yml').site.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    let problems: string[] = [];
    try {
      parseConfig('site: {timeZone: Asia/Shanghia}', 'w.yml');
    } catch (e) {
      if (e instanceof ConfigError) problems = e.problems;
    }
    expect(problems.join('\n')).toMatch(/site\.timeZone.*IANA time zone/);
  });

  const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

  it('places the labels of many crowded boxes so that none covers another or the header', async () => {
    const W = 832;
    const H = 624;
    // six people standing close together, two boxes at the very top, one at the right edge
    const boxes = [
      ...Array.from({ length: 6 }, (_, i) => ({ x: 300 + i * 20, y: 200 + (i % 2) * 6, w: 60, h: 160, text: `person #${i + 1} 0.8${i}` })),
      { x: 10, y: 0, w: 100, h: 80, text: 'chair #20 0.41' },
      { x: 40, y: 5, w: 100, h: 80, text: 'suitcase #21 0.33' },
      { x: 800, y: 300, w: 32, h: 60, text: 'backpack #22 0.55' },
    ];
    const rects = placeLabels(boxes, W, H);
    expect(rects).toHaveLength(boxes.length);
    rects.forEach((r, i) => {
      expect(r.y).toBeGreaterThanOrEqual(HEADER_PX);
      expect(r.y + r.h).toBeLessThanOrEqual(H);
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.x + r.w).toBeLessThanOrEqual(W);
      expect(r.w).toBe(labelWidth(boxes[i]!.text));
      for (const q of rects.slice(i + 1)) expect(overlap(r, q)).toBe(false);
    });
    // a lone box keeps its label right above it
    expect(placeLabels([{ x: 100, y: 300, w: 50, h: 100, text: 'person #1 0.90' }], W, H)[0]).toMatchObject({ x: 100, y: 300 - 20 });
  });

  it('renders a snapshot with the crowded labels (sharp accepts the overlay)', async () => {
    const width = 416;
    const height = 312;
    const frame = { data: Buffer.alloc(width * height * 3, 90), width, height, sourceWidth: width, sourceHeight: height };
    const track = (id: number, x: number): Track =>
      ({ id, classId: 0, className: 'person', box: { x1: x, y1: 100, x2: x + 30, y2: 200 }, score: 0.8, firstSeen: 0, lastSeen: 1, hits: 5, confirmed: true, vx: 0, vy: 0, history: [] }) as Track;
    const jpeg = await annotateFrame(frame, {
      polygon: square,
      zoneName: 'lawn',
      label: 'loitering',
      atMs: Date.UTC(2026, 11, 2, 14, 45, 50),
      timeZone: 'Asia/Shanghai',
      tracks: [track(1, 100), track(2, 110), track(3, 120)],
      alarmTrackIds: new Set([2]),
    });
    const meta = await sharp(jpeg).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 832, height: 624 });
  });
});
