/**
 * The equipment check (server/equipment/report.ts), the handover's open-alarm counts (server/patrol/alarms.ts)
 * and the camera guard's record lookups (server/access/guard.ts) on one engine: every table they read through the
 * SQL layer — segments, camera events, the duty log, the audit trail, alarms, recording gaps — written by the
 * server's own classes, the same exact answers on SQLite and PostgreSQL. Hostile cases: odd Unicode in a camera
 * id and an offline reason, entries of a camera that is an NFC spelling of another, two recorded gaps of one
 * range, record ids with NUL, emoji, beyond 2^31 (PostgreSQL's `integer` keys) and beyond 2^53.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect, test } from 'vitest';
import { cameraGuard } from '../../../server/access/guard.ts';
import { RightsService } from '../../../server/access/rights.ts';
import { AlarmRepo, type NewAlarm } from '../../../server/alarms/repo.ts';
import { AuditLog } from '../../../server/audit/log.ts';
import { DutyLog, SYSTEM_AUTHOR } from '../../../server/dutylog/log.ts';
import { equipmentReport, recordRestart } from '../../../server/equipment/report.ts';
import { ExportRepo } from '../../../server/evidence/jobs.ts';
import { errorHandler } from '../../../server/http/errors.ts';
import { openAlarmCounts } from '../../../server/patrol/alarms.ts';
import { ManualClock } from '../../../server/patrol/clock.ts';
import { RouteRepo } from '../../../server/patrol/routes-repo.ts';
import { CameraGroupRepo } from '../../../server/store/camera-groups.ts';
import { SegmentRepo } from '../../../server/store/segments.ts';
import type { SqlDb } from '../../../server/store/sql/db.ts';
import type { User } from '../../../server/store/users.ts';
import type { TestEngine } from '../sql-engines.ts';
import { ODD } from './patrol.ts';

const T = Date.UTC(2026, 11, 4, 8);
const MIN = 60_000;
const ODD_CAM = 'cam-🎥‍🔥-מצלמה\u202E-e\u0301 "東門"';
const NFC_CAM = 'cam-🎥‍🔥-מצלמה\u202E-é "東門"'; // another camera: the precomposed spelling
const ODD_REASON = `rtsp timeout ⏱ ${ODD}`;

const alarm = (cameraId: string, kind: NewAlarm['kind'], startMs: number): NewAlarm => ({
  cameraId, zone: 'z', kind, sinceMs: startMs, startMs, recordingMs: startMs, score: 0.5, trackIds: [], priority: 2,
});

/** 10 s segments of `cameraId` over [fromMin, toMin) minutes after T */
async function record(segments: SegmentRepo, cameraId: string, fromMin: number, toMin: number) {
  for (let t = T + fromMin * MIN; t < T + toMin * MIN; t += 10_000) {
    await segments.insert({ cameraId, path: `${cameraId}/${t}.mp4`, startMs: t, endMs: t + 10_000, bytes: 1, codec: 'h264' });
  }
}

/** The duty log as the camera watch writes it (server/dutylog/camera-watch.ts), at the clock's time. */
async function offline(log: DutyLog, clock: ManualClock, cameraId: string, kind: 'camera_offline' | 'camera_online', atMin: number, data: Record<string, unknown>) {
  clock.set(T + atMin * MIN + 2000); // written after the debounce
  await log.append({ category: 'equipment_fault', kind, text: `${cameraId}: ${kind}`, cameraId, author: SYSTEM_AUTHOR, data });
}

/** A real HTTP server (127.0.0.1) with the guard in front of a handler that answers 200 to what gets through. */
async function guarded(s: SqlDb, user: User, src: Parameters<typeof cameraGuard>[2] = {}) {
  const app = express();
  app.use((req, _res, next) => {
    req.user = user;
    next();
  });
  app.use(cameraGuard(new RightsService(await CameraGroupRepo.open(s)), s, src));
  app.use((_req, res) => void res.json({ through: true }));
  app.use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    status: async (path: string) => (await fetch(base + path)).status,
    close: () =>
      new Promise((r) => {
        server.close(r);
        server.closeAllConnections(); // fetch's idle keep-alive sockets
      }),
  };
}

export function equipmentSuite(e: TestEngine): void {
  test('the equipment report from the segment index and camera events: coverage, gaps, restarts; a camera never recorded', async () => {
    const s = await e.open();
    const segments = new SegmentRepo(s);
    // one hour: 0–20 min recorded, 20–30 min missing, 30–60 min recorded (10 s segments)
    await record(segments, ODD_CAM, 0, 20);
    await record(segments, ODD_CAM, 30, 60);
    await recordRestart(s, ODD_CAM, T + 1800_000, 'rtsp timeout');
    await recordRestart(s, ODD_CAM, T + 7200_000, null); // after the window: not counted
    await recordRestart(s, 'yard', T + 60_000, null);
    const rep = await equipmentReport({
      sql: s, date: '2026-12-04', from: T, to: T + 3600_000, now: T + 7200_000,
      cameras: [{ id: ODD_CAM, name: ODD, clockOffsetMs: 12 }, { id: 'never', name: 'never', clockOffsetMs: null }],
    });
    const [cam, never] = rep.cameras;
    expect(cam).toMatchObject({ id: ODD_CAM, name: ODD, completeness: 0.8333, onlineMinutes: 60, offlineEpisodes: 0, clockOffsetMs: 12, restarts: 1, tamperAlarms: 0, flagged: true });
    expect(cam!.gaps).toEqual([{ start: T + 1200_000, end: T + 1800_000, reason: 'no recording' }]);
    expect(never).toMatchObject({ completeness: 0, restarts: 0, flagged: true, gaps: [{ start: T, end: T + 3600_000, reason: 'never recorded' }] });
  });

  test('every gap reason from its own table: audit start/stop, duty-log offline/online, recorded gaps; tamper alarms counted — exactly', async () => {
    const s = await e.open();
    const segments = new SegmentRepo(s);
    for (const [a, b] of [[0, 5], [10, 15], [20, 25], [30, 35], [40, 50]] as const) await record(segments, ODD_CAM, a, b);
    await record(segments, NFC_CAM, 0, 60); // the other spelling recorded all along: none of it is ODD_CAM's
    // the audit trail: down 5–10 min; a stop at 55 min with no start after it is no interval; a day-old pair before
    const audit = new AuditLog(s);
    for (const [action, atMin] of [['system.stop', -2000], ['system.start', -1990], ['system.stop', 5], ['system.start', 10], ['system.stop', 55]] as const) {
      expect(await audit.record({ action, time: T + atMin * MIN })).toMatchObject({ action });
    }
    // the duty log: offline from before the window to 1 min; 15–20 min (a second "offline" keeps the first reason);
    // 35–40 min with no reason and no `since` (the entry's own time); one after the window; another camera's
    const clock = new ManualClock(T - 20 * MIN);
    const log = new DutyLog(s, clock);
    await offline(log, clock, 'yard', 'camera_offline', -20, { reason: 'power', since: T - 20 * MIN });
    await offline(log, clock, NFC_CAM, 'camera_offline', -20, { reason: 'power', since: T - 20 * MIN });
    await offline(log, clock, ODD_CAM, 'camera_offline', -20, { reason: 'power', since: T - 20 * MIN });
    await offline(log, clock, ODD_CAM, 'camera_online', 1, { reason: null, since: T + 1 * MIN });
    await offline(log, clock, ODD_CAM, 'camera_offline', 15, { reason: ODD_REASON, since: T + 15 * MIN });
    await offline(log, clock, ODD_CAM, 'camera_offline', 16, { reason: 'again', since: T + 16 * MIN });
    await offline(log, clock, ODD_CAM, 'camera_online', 20, { reason: null, since: T + 20 * MIN });
    await offline(log, clock, ODD_CAM, 'camera_offline', 35, { reason: null });
    await offline(log, clock, ODD_CAM, 'camera_online', 40, {});
    await offline(log, clock, ODD_CAM, 'camera_offline', 70, { reason: 'later', since: T + 70 * MIN });
    await log.append({ category: 'other', kind: 'manual', text: 'not an equipment entry', cameraId: ODD_CAM, author: { id: 1, name: 'op' } });
    // recorded gaps: two of one range (the first recorded names it), one before the window, another camera's
    const gap = (cameraId: string, a: number, b: number, reason: string) =>
      s.db.insertInto('recording_gaps').values({ camera_id: cameraId, start_ms: T + a * MIN, end_ms: T + b * MIN, reason, path: null, detected_at: T }).execute();
    await gap(ODD_CAM, 25, 30, 'missing');
    await gap(ODD_CAM, 25, 30, 'deleted by hand');
    await gap(ODD_CAM, -30, -10, 'old');
    await gap(NFC_CAM, 50, 60, 'missing');
    const alarms = AlarmRepo.of(s);
    for (const [cameraId, kind, atMin] of [[ODD_CAM, 'camera_tamper', 3], [ODD_CAM, 'camera_tamper', -1], [ODD_CAM, 'loitering', 4], [NFC_CAM, 'camera_tamper', 5], ['yard', 'camera_tamper', 59]] as const) {
      await alarms.insert(alarm(cameraId, kind, T + atMin * MIN));
    }
    await recordRestart(s, ODD_CAM, T + 20 * MIN, 'rtsp timeout');

    const rep = await equipmentReport({
      sql: s, date: '2026-12-04', from: T, to: T + 60 * MIN, now: T + 120 * MIN,
      cameras: [{ id: ODD_CAM, name: ODD, clockOffsetMs: -40 }, { id: 'yard', name: '院子 Yard', clockOffsetMs: null }],
    });
    const g = (a: number, b: number, reason: string) => ({ start: T + a * MIN, end: T + b * MIN, reason });
    expect(rep).toEqual({
      date: '2026-12-04', from: T, to: T + 60 * MIN, threshold: 0.99,
      cameras: [
        {
          id: ODD_CAM, name: ODD, clockOffsetMs: -40, restarts: 1, tamperAlarms: 1, flagged: true,
          completeness: 0.5, // 30 of 60 minutes
          onlineMinutes: 49, // offline 0–1, 15–20, 35–40
          offlineEpisodes: 2,
          gaps: [g(5, 10, 'server not running'), g(15, 20, `camera offline: ${ODD_REASON}`), g(25, 30, 'missing'), g(35, 40, 'camera offline: offline'), g(50, 60, 'no recording')],
        },
        // never recorded, offline since before the window: the server's downtime overlaps its one gap first
        { id: 'yard', name: '院子 Yard', clockOffsetMs: null, restarts: 0, tamperAlarms: 1, flagged: true, completeness: 0, onlineMinutes: 0, offlineEpisodes: 0, gaps: [g(0, 60, 'server not running')] },
      ],
    });
  });

  test('open alarms per camera for the handover when the alarm source does not count: the table, each named camera at least 1', async () => {
    const s = await e.open();
    const alarms = AlarmRepo.of(s);
    const ids: number[] = [];
    for (const c of [ODD_CAM, ODD_CAM, ODD_CAM, NFC_CAM, 'gate']) ids.push(await alarms.insert(alarm(c, 'loitering', T)));
    expect(await alarms.step(ids[1]!, ['open'], 'acknowledged', { ack_ms: T + 1, ack_by: 'op' })).toBe(true);
    expect(await alarms.step(ids[2]!, ['open'], 'resolved', { resolve_ms: T + 2, resolve_by: 'op' })).toBe(true);
    expect(await alarms.step(ids[4]!, ['open'], 'resolved', { resolve_ms: T + 2, resolve_by: 'op' })).toBe(true);
    const counts = await openAlarmCounts({ openAlarmCameraIds: () => new Set([ODD_CAM, 'gate']) }, s);
    expect(counts).toEqual(new Map([[ODD_CAM, 2], ['gate', 1]]));
    // a source that counts is asked instead
    expect(await openAlarmCounts({ openAlarmCameraIds: () => new Set(), openAlarmCounts: async () => new Map([['x', 7]]) }, s)).toEqual(new Map([['x', 7]]));
  });

  test('the camera guard resolves alarms, duty-log entries, recordings, exports and patrol routes to their cameras; odd ids are looked up without error', async () => {
    const s = await e.open();
    const alarms = AlarmRepo.of(s);
    const mine = await alarms.insert(alarm(ODD_CAM, 'loitering', T));
    const theirs = await alarms.insert(alarm(NFC_CAM, 'loitering', T));
    const log = new DutyLog(s, new ManualClock(T));
    const myEntry = await log.append({ category: 'other', kind: 'manual', text: ODD, cameraId: ODD_CAM, author: { id: 1, name: 'op' } });
    const theirEntry = await log.append({ category: 'other', kind: 'manual', text: ODD, cameraId: NFC_CAM, author: { id: 1, name: 'op' } });
    const noCamera = await log.append({ category: 'other', kind: 'manual', text: 'no camera', author: { id: 1, name: 'op' } });
    const segments = new SegmentRepo(s);
    const mySeg = (await segments.insert({ cameraId: ODD_CAM, path: 'a.mp4', startMs: T, endMs: T + 10_000, bytes: 1, codec: 'h264' })).id;
    const theirSeg = (await segments.insert({ cameraId: NFC_CAM, path: 'b.mp4', startMs: T, endMs: T + 10_000, bytes: 1, codec: 'h264' })).id;
    const jobs = new ExportRepo(s);
    const job = (id: string, cameraIds: string[]) => jobs.insert({ id, cameraIds, fromMs: T, toMs: T + 60_000, caseRef: null, reason: 'r', userId: 1, username: 'inv', role: 'investigator' });
    await job('exp-mine', [ODD_CAM]);
    await job('exp-both', [ODD_CAM, NFC_CAM]);
    const routes = new RouteRepo(s, new ManualClock(T));
    const route = (cams: string[]) =>
      routes.create({ name: `r ${cams.length}`, post: '', intervalMin: 60, activeFrom: '08:00', activeTo: '20:00', graceMin: 10, enabled: true, stops: cams.map((cameraId) => ({ cameraId, preset: null, minDwellS: 10, checklist: [] })) });
    const myRoute = await route([ODD_CAM]);
    const bothRoute = await route([ODD_CAM, NFC_CAM]);

    const user = { id: 2, username: 'op', role: 'operator', disabled: false, cameras: [ODD_CAM], groups: [] } satisfies User;
    const enc = encodeURIComponent;
    const expectations: [string, number][] = [
      [`/api/alarms/${mine}`, 200], [`/api/alarms/${theirs}`, 404], [`/api/alarms/${mine}/acknowledge`, 200],
      [`/api/dutylog/${myEntry.seq}`, 200], [`/api/dutylog/${theirEntry.seq}`, 404], [`/api/dutylog/${noCamera.seq}`, 200],
      [`/api/recordings/${mySeg}/segment`, 200], [`/api/recordings/${theirSeg}/segment`, 404],
      ['/api/exports/exp-mine', 200], ['/api/exports/exp-both', 404],
      [`/api/patrol/routes/${myRoute.id}`, 200], [`/api/patrol/routes/${bothRoute.id}`, 404],
      [`/api/cameras/${enc(ODD_CAM)}`, 200], [`/api/cameras/${enc(NFC_CAM)}`, 404],
      // ids naming no row: through (the route itself answers 404), never a database error
      ['/api/alarms/2147483648', 200], ['/api/alarms/9007199254740993', 200], ['/api/alarms/99999999999999999999', 200], ['/api/alarms/0007', 200],
      ['/api/dutylog/99999999999999999999', 200], ['/api/recordings/9007199254740993/segment', 200], ['/api/locks/9007199254740993', 200],
      // beyond PostgreSQL's `integer` keys (patrol routes and rounds, dispatches): no row, not an out-of-range error
      ['/api/patrol/routes/2147483648', 200], ['/api/patrol/rounds/2147483648', 200], ['/api/dispatches/2147483648', 200], ['/api/patrol/rounds/1', 200],
      ['/api/exports/exp-%00', 200], [`/api/exports/${enc('👩🏽‍🚒\u202E')}`, 200], ['/api/exports/%E0%A4', 200], [`/api/exports/${'x'.repeat(300)}`, 200],
    ];
    // the alarm table read by the guard itself, and through the alarm service's look-up (as the server wires it)
    for (const src of [{}, { alarmCamera: (n: number) => alarms.cameraOf(n) }]) {
      const http = await guarded(s, user, src);
      try {
        const got: [string, number][] = [];
        for (const [path] of expectations) got.push([path, await http.status(path)]);
        expect(got).toEqual(expectations);
      } finally {
        await http.close();
      }
    }
  });
}
