/**
 * What a monitoring post does, through the real server on PostgreSQL (issue J, WATCHPOST_DATABASE_URL), as the
 * SQLite twins do it (patrol-api, alarms-handling, guard-dispatch, camera-rights): a patrol round with notes in
 * Chinese and odd Unicode, graded, in the duty log, spot-checked; alarms (written into the database as live
 * analytics stores them, support/alarms.ts) acknowledged, dispatched to a guard who answers each step, resolved;
 * the handover's open-alarm count; an operator limited to one camera group refused the other camera's alarms.
 * One camera on the GStreamer RTSP source, one that never connects; a throwaway PostgreSQL on 127.0.0.1.
 */
import sharp from 'sharp';
import { createHash } from 'node:crypto';
import { until } from '../support/until.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAlarmsPg } from '../support/alarms.ts';
import { apiClient } from '../support/api.ts';
import { startPostgres, type PgCluster } from '../support/postgres.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let pgc: PgCluster;
let dbUrl = '';
let rtsp: RtspServer;
let wp: Watchpost;
const c: Record<string, string> = {};
const call = apiClient(() => wp, { timeoutMs: 15_000 });
const as = (who: string, method: string, path: string, json?: unknown) => call(method, path, { cookie: c[who], json });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Notes a guard would type, and what a copy-paste brings along: ZWJ emoji, flags, bidi marks and overrides, combining marks. */
const NOTE_OK = '东门巡查正常 ✓ 👮‍♀️👨‍👩‍👧 🇨🇳 ‏שלום‎ ‮RTL‬ e\u0301 zero\u200bwidth';
const NOTE_BAD = '消防通道堵塞 🚒 fire exit blocked — مرحبا ‫عربي‬ \u2028第二行';

beforeAll(async () => {
  [pgc, rtsp] = await Promise.all([startPostgres(), startRtspServer({ width: 320, height: 240, fps: 10 })]);
  dbUrl = await pgc.createDatabase('wp_flows');
  const yaml = [
    'server: {host: 127.0.0.1}',
    'demo: false',
    'analytics: {enabled: false}',
    'storage: {segmentSeconds: 2}',
    'media: {rtspTimeoutSeconds: 2}',
    'patrol: {cameraDebounceSeconds: 1, liveLatencySeconds: 2}',
    'alarms: {dispatchAcceptSeconds: 600}',
    'cameras:',
    `  - {id: gate, name: "东门 Gate 🚪", url: "${rtsp.url()}"}`,
    '  - {id: bank, name: "银行 Bank", url: "rtsp://127.0.0.1:9/none"}',
  ].join('\n');
  wp = await startWatchpost({ configYaml: yaml, env: { WATCHPOST_DATABASE_URL: dbUrl } });
  c.admin = await login(wp.url, 'admin', wp.adminPassword);
  const group = await as('admin', 'POST', '/api/camera-groups', { name: '东门 only', cameras: ['gate'] });
  expect(group.status, JSON.stringify(group.body)).toBe(201);
  const users: [string, string, Json][] = [
    ['op1', 'operator', { groups: [group.body.id] }],
    ['op2', 'operator', {}],
    ['sup', 'supervisor', {}],
    ['wang', 'guard', { displayName: '王保安 👮' }],
  ];
  for (const [u, role, extra] of users) {
    const r = await as('admin', 'POST', '/api/users', { username: u, password: `${u}-night-pass-2026`, role, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    c[u] = await login(wp.url, u, `${u}-night-pass-2026`);
  }
}, 90_000);
afterAll(async () => {
  await wp?.dispose();
  await rtsp?.stop();
  await pgc?.dispose();
});

describe('patrol on PostgreSQL', () => {
  let roundId = 0;

  it('a round: stops confirmed normal and anomaly with odd notes, completed and graded, in the duty log', async () => {
    const route = await as('sup', 'POST', '/api/patrol/routes', {
      name: '夜间巡逻 🌙 Night', post: '监控室 ‮1‬', intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10,
      stops: [{ cameraId: 'gate', minDwellS: 2, checklist: ['消防通道畅通 ✓', 'no one 👤'] }, { cameraId: 'gate', minDwellS: 2 }],
    });
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    expect(route.body).toMatchObject({ id: expect.any(Number), name: '夜间巡逻 🌙 Night', post: '监控室 ‮1‬' });
    expect(route.body.stops[0].checklist).toEqual(['消防通道畅通 ✓', 'no one 👤']);
    expect((await as('op1', 'GET', '/api/patrol/due')).body.items[0]).toMatchObject({ routeId: route.body.id, state: 'due', stops: 2 });
    await until('gate online', async () => (await as('op1', 'GET', '/api/cameras/gate')).body.status === 'online');

    const started = await as('op1', 'POST', '/api/patrol/rounds', { routeId: route.body.id });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    roundId = started.body.id;
    expect(roundId).toEqual(expect.any(Number));
    expect((await as('op2', 'POST', '/api/patrol/rounds', { routeId: route.body.id })).body.error.code).toBe('round_exists');
    expect((await as('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/0/confirm`, { outcome: 'normal' })).body.error.code).toBe('dwell_not_met');
    await sleep(2100);
    const s0 = await as('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/0/confirm`, { outcome: 'normal', note: NOTE_OK, checks: [true, true] });
    expect(s0.status, JSON.stringify(s0.body)).toBe(200);
    expect(s0.body.stops[0]).toMatchObject({ outcome: 'normal', note: NOTE_OK, userId: expect.any(Number), dwellMs: expect.any(Number) });
    expect(s0.body.stops[0].dwellMs).toBeGreaterThanOrEqual(2000);
    await sleep(2100);
    const s1 = await as('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/1/confirm`, { outcome: 'anomaly', note: NOTE_BAD, dispatch: true });
    expect(s1.status, JSON.stringify(s1.body)).toBe(200);
    expect(s1.body).toMatchObject({ status: 'completed', grade: 'on_time', dueBy: expect.any(Number) });
    expect(s1.body.stops[1]).toMatchObject({ outcome: 'anomaly', note: NOTE_BAD, hasSnapshot: true, logSeq: expect.any(Number) });
    const snap = await fetch(`${wp.url}/api/patrol/rounds/${roundId}/stops/1/snapshot.jpg`, { headers: { cookie: c.op1! } });
    expect([snap.status, snap.headers.get('content-type')]).toEqual([200, 'image/jpeg']);

    // after a reload: the same round, the same notes, byte for byte
    const again = await as('sup', 'GET', `/api/patrol/rounds/${roundId}`);
    expect(again.body.stops.map((s: Json) => [s.outcome, s.note])).toEqual([['normal', NOTE_OK], ['anomaly', NOTE_BAD]]);
    const log = (await as('sup', 'GET', '/api/dutylog?limit=50')).body as Json[];
    expect(log.find((e) => e.kind === 'round_anomaly')).toMatchObject({ text: NOTE_BAD, cameraId: 'gate', seq: s1.body.stops[1].logSeq, authorName: 'op1' });
    expect(log.find((e) => e.kind === 'dispatch_request')!.text).toContain(NOTE_BAD);
    expect(log.find((e) => e.kind === 'round_completed')).toMatchObject({ data: expect.objectContaining({ roundId }) });
    const slot = (await as('sup', 'GET', '/api/patrol/compliance')).body.slots.find((s: Json) => s.roundId === roundId);
    expect(slot).toMatchObject({ grade: 'on_time', username: 'op1' });
    expect((await as('sup', 'GET', '/api/dutylog/verify')).body).toMatchObject({ ok: true, triggers: true });
  }, 60_000);

  it('a supervisor spot-checks a stop; the verdict is logged', async () => {
    expect((await as('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/0/spot-check`, { verdict: 'agree' })).status).toBe(403);
    const sc = await as('sup', 'POST', `/api/patrol/rounds/${roundId}/stops/0/spot-check`, { verdict: 'disagree', note: '画面全黑 ⬛ ‮black‬' });
    expect(sc.status, JSON.stringify(sc.body)).toBe(201);
    expect(sc.body.spotChecks[0]).toMatchObject({ verdict: 'disagree', note: '画面全黑 ⬛ ‮black‬', username: 'sup', logSeq: expect.any(Number) });
    const entry = ((await as('sup', 'GET', '/api/dutylog?limit=50')).body as Json[]).find((e) => e.seq === sc.body.spotChecks[0].logSeq);
    expect(entry).toMatchObject({ authorName: 'sup' });
    expect(entry.text).toContain('画面全黑 ⬛ ‮black‬');
    const daily = await as('sup', 'GET', '/api/reports/daily?format=csv');
    expect(daily.text).toContain('fire exit blocked');
  });
});

describe('alarms on PostgreSQL', () => {
  let gate1 = 0;
  let gate2 = 0;
  let bank1 = 0;

  it('open alarms by priority; acknowledged; the other camera\'s alarm is a 404 to an operator of one group', async () => {
    const now = Date.now();
    [gate1, gate2, bank1] = (await seedAlarmsPg(dbUrl, [
      { cameraId: 'gate', zone: '消防通道 🚪', kind: 'blocked_exit', priority: 1, startMs: now - 50_000 },
      { cameraId: 'gate', zone: '草坪', kind: 'loitering', priority: 3, startMs: now - 40_000 },
      { cameraId: 'bank', zone: 'vault', kind: 'loitering', priority: 2, startMs: now - 30_000 },
    ])) as [number, number, number];
    const open = (await as('admin', 'GET', '/api/alarms?status=open')).body.alarms as Json[];
    expect(open.map((a) => a.id)).toEqual([gate1, bank1, gate2]);
    expect(open[0]).toMatchObject({ id: gate1, cameraId: 'gate', startMs: now - 50_000, priority: 1, occurrences: 1, endMs: null });
    // op1 sees only the gate group
    expect((await as('op1', 'GET', '/api/alarms?status=all')).body.alarms.map((a: Json) => a.cameraId)).toEqual(['gate', 'gate']);
    for (const [m, p] of [['GET', `/api/alarms/${bank1}`], ['POST', `/api/alarms/${bank1}/ack`], ['POST', `/api/alarms/${bank1}/resolve`], ['GET', '/api/alarms/stats?camera=bank']]) {
      expect([m, p, (await as('op1', m!, p!, m === 'GET' ? undefined : {})).status]).toEqual([m, p, 404]);
    }
    const bulk = await as('op1', 'POST', '/api/alarms/ack', { ids: [gate1, bank1, 999_999], note: '已看到 👀 ‏ok' });
    expect(bulk.body.results.map((r: Json) => [r.id, r.ok, r.ok ? r.alarm.status : r.status])).toEqual([[gate1, true, 'acknowledged'], [bank1, false, 404], [999_999, false, 404]]);
    expect(JSON.stringify(bulk.body)).not.toContain('vault');
    expect((await as('admin', 'POST', `/api/alarms/${gate1}/ack`, {})).body.error.code).toBe('wrong_state');
    expect((await as('admin', 'GET', `/api/alarms/${bank1}`)).body.status).toBe('open');
  });

  it('dispatched to a guard, who answers on my way → arrived (a photo) → handled; resolved; all in the duty log', async () => {
    const guards = (await as('admin', 'GET', '/api/dispatches/guards')).body.guards as Json[];
    expect(guards.map((g) => [g.username, g.displayName])).toEqual([['wang', '王保安 👮']]);
    const d = await as('op1', 'POST', `/api/alarms/${gate1}/dispatch`, { guard: 'wang', note: '东门消防通道被堵，请去看看 🏃‍♂️' });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect(d.body).toMatchObject({ status: 'dispatched', guardDispatch: { guard: 'wang', guardName: '王保安 👮', state: 'sent', id: expect.any(Number), sentAt: expect.any(Number) } });
    const id = d.body.guardDispatch.id as number;
    const mine = (await as('wang', 'GET', '/api/dispatches/mine')).body.dispatches as Json[];
    expect(mine).toEqual([expect.objectContaining({ id, alarmId: gate1, cameraId: 'gate', zone: '消防通道 🚪', note: '东门消防通道被堵，请去看看 🏃‍♂️', state: 'sent' })]);
    expect((await as('wang', 'GET', `/api/alarms/${gate1}`)).status).toBe(403);
    expect((await as('wang', 'POST', `/api/dispatches/${id}/step`, { step: 'arrived' })).status).toBe(409);
    expect((await as('wang', 'POST', `/api/dispatches/${id}/step`, { step: 'on_way', note: '马上到 🚶' })).body.state).toBe('on_way');
    expect((await as('wang', 'POST', `/api/dispatches/${id}/step`, { step: 'arrived' })).body.state).toBe('arrived');
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } }).jpeg().toBuffer();
    const ph = await fetch(`${wp.url}/api/dispatches/${id}/photos`, { method: 'POST', headers: { cookie: c.wang!, 'content-type': 'image/jpeg' }, body: jpeg });
    expect(ph.status).toBe(201);
    const handled = await as('wang', 'POST', `/api/dispatches/${id}/step`, { step: 'handled', note: '杂物已清走 ✅' });
    expect(handled.body).toMatchObject({ state: 'handled', handled: { note: '杂物已清走 ✅' } });
    expect(handled.body.arrivedAfterMs).toEqual(expect.any(Number));

    const resolved = await as('op1', 'POST', `/api/alarms/${gate1}/resolve`, { outcome: 'genuine', note: '已处置 ‮ok‬' });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'genuine', outcomeNote: '已处置 ‮ok‬', score: 0.9 });
    expect(resolved.body.resolveAfterMs).toBeGreaterThan(resolved.body.ackAfterMs);
    expect(resolved.body.resolve).toMatchObject({ by: 'op1', at: expect.any(Number) });
    const alarm = (await as('admin', 'GET', `/api/alarms/${gate1}`)).body;
    expect(alarm.guardDispatch).toMatchObject({ state: 'handled', handledNote: '杂物已清走 ✅', photos: [expect.objectContaining({ n: 1, sha256: createHash('sha256').update(jpeg).digest('hex') })] });
    const photo = await fetch(`${wp.url}${alarm.guardDispatch.photos[0].url}`, { headers: { cookie: c.admin! } });
    expect(Buffer.from(await photo.arrayBuffer()).equals(jpeg)).toBe(true);

    // the duty log writes the alarm's steps as they are announced on the bus: the resolve a moment later
    const log = await until('the resolve in the duty log', async () => {
      const l = ((await as('admin', 'GET', '/api/dutylog?limit=200')).body as Json[]).filter((e) => e.data?.alarmId === gate1).reverse();
      return l.some((e) => e.kind === 'alarm_resolved') && l;
    }, { ms: 5000 });
    expect(log.map((e) => e.kind)).toEqual(['alarm_ack', 'alarm_dispatch', 'dispatch_on_way', 'dispatch_arrived', 'dispatch_handled', 'alarm_resolved']);
    expect(log[0].text).toContain('已看到 👀 ‏ok');
    expect(log.at(-1).text).toContain('已处置 ‮ok‬');
    expect((await as('admin', 'GET', '/api/dutylog/verify')).body).toMatchObject({ ok: true, triggers: true });
    const times = (await as('admin', 'GET', '/api/dispatches/times')).body;
    expect(times.days[0]).toMatchObject({ dispatches: 1, arrived: 1, handled: 1 });
    const st = (await as('admin', 'GET', '/api/alarms/stats?camera=gate&days=30')).body.zones as Json[];
    expect(st.find((z) => z.zone === '消防通道 🚪')).toMatchObject({ total: 1, genuine: 1, open: 0 });
  }, 30_000);

  it('the handover counts the open alarms (one on gate, one on bank) and the next operator acknowledges it', async () => {
    const draft = (await as('op2', 'GET', '/api/handovers/draft')).body;
    expect(draft.openItems.openAlarms).toBe(2);
    expect(draft.openItems.alarms.map((a: Json) => [a.cameraId, a.count]).sort()).toEqual([['bank', 1], ['gate', 1]]);
    expect(draft.openItems.offlineCameras.map((x: Json) => x.cameraId)).toContain('bank');
    const h = await as('op2', 'POST', '/api/handovers', { notes: '交班：银行摄像头离线 📵，已报修' });
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    expect(h.body.openItems.openAlarms).toBe(2);
    const ack = await as('sup', 'POST', `/api/handovers/${h.body.id}/ack`, { note: '收到 ✓' });
    expect(ack.body).toMatchObject({ ackUsername: 'sup', ackLogSeq: expect.any(Number) });
    const entry = ((await as('sup', 'GET', '/api/dutylog?limit=20')).body as Json[]).find((e) => e.kind === 'handover');
    expect(entry.text).toContain('2 open alarms');
  });
});

describe('odd filters and ids on PostgreSQL', () => {
  it('a NUL in a filter, an id beyond an integer key, a non-number: the answer SQLite gives (nothing found), never a 500', async () => {
    const cases: [string, number, string?][] = [
      ['/api/dutylog?camera=%00', 200, '[]'], ['/api/dutylog?category=%00', 200, '[]'],
      ['/api/alarms?camera=gate%00', 200, '{"alarms":[]}'], ['/api/alarms/stats?camera=%00', 200, '"zones":[]'], ['/api/locks?camera=%00', 200, '[]'],
      ['/api/audit?actor=admin%00', 200, '"entries":[]'], ['/api/audit?camera=%00', 200, '"entries":[]'], ['/api/audit?action=login%00', 200, '"entries":[]'], ['/api/audit?q=%00', 200, '"entries":[]'],
      ['/api/patrol/rounds?user=2147483648', 200, '[]'], ['/api/patrol/rounds?user=abc', 200, '[]'], ['/api/patrol/rounds?route=1.5', 200, '[]'],
      ['/api/dispatches/2147483648', 404], ['/api/dispatches/2147483648/photos/1', 404],
    ];
    for (const [p, status, body] of cases) {
      const r = await as('admin', 'GET', p);
      expect([p, r.status]).toEqual([p, status]);
      if (body) expect(r.text, p).toContain(body);
    }
    // a page of the audit trail "before" an id beyond bigint is the newest page
    const newest = (await as('admin', 'GET', '/api/audit?limit=3')).body.entries.map((e: Json) => e.id);
    expect((await as('admin', 'GET', '/api/audit?limit=3&before=99999999999999999999')).body.entries.map((e: Json) => e.id)).toEqual(newest);
    for (const routeId of [2147483648, 9007199254740991]) {
      const r = await as('op2', 'POST', '/api/patrol/rounds', { routeId });
      expect([routeId, r.status, r.body.error?.code]).toEqual([routeId, 404, 'not_found']);
    }
    expect((await as('wang', 'POST', '/api/dispatches/2147483648/step', { step: 'on_way' })).status).toBe(404);
    expect(wp.output()).not.toMatch(/"level":"error".*request failed/);
  });
});
