/**
 * Issue K, patrol: a route can require every checklist item ticked before a stop is confirmed "normal", against
 * the real server and one 320x240 RTSP camera. "normal" with an item not ticked is a 400 `checklist_incomplete`
 * naming the items; with all ticked it is accepted; an anomaly is always accepted; a route without the option
 * (the default, as every route before migration 13) behaves as before. A round keeps the setting it started with.
 * A closed round comes back with its grade and on-time deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let rtsp: RtspServer;
let wp: Watchpost;
const call = apiClient(() => wp);
const cookies: Record<string, string> = {};
const as = (who: string, method: string, path: string, json?: unknown) => call(method, path, { cookie: cookies[who], json });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const allDay = { intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10 };
const stop = (checklist: string[]) => ({ cameraId: 'gate', minDwellS: 1, checklist });

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10 });
  wp = await startWatchpost({
    configYaml: [
      'storage: {segmentSeconds: 2}',
      'patrol: {cameraDebounceSeconds: 1, liveLatencySeconds: 2}',
      'cameras:',
      `  - {id: gate, name: "东门 Gate", url: "${rtsp.url()}"}`,
    ].join('\n'),
  });
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  for (const [u, role] of [['op1', 'operator'], ['op2', 'operator'], ['sup', 'supervisor']]) {
    expect((await as('admin', 'POST', '/api/users', { username: u, password: `${u}-password`, role })).status).toBe(201);
    cookies[u!] = await login(wp.url, u, `${u}-password`);
  }
  const end = Date.now() + 30_000;
  while ((await as('admin', 'GET', '/api/cameras/gate')).body.status !== 'online') {
    if (Date.now() > end) throw new Error('camera gate did not come online');
    await sleep(300);
  }
});

afterAll(async () => {
  await wp?.dispose();
  await rtsp?.stop();
});

describe('required checklist before "normal"', () => {
  let strict: number;
  let plain: number;

  it('is a route option, off by default', async () => {
    const a = await as('sup', 'POST', '/api/patrol/routes', { name: 'Strict', ...allDay, requireChecklist: true, stops: [stop(['fire exit clear', 'no persons']), stop(['gate closed'])] });
    expect(a.status).toBe(201);
    expect(a.body.requireChecklist).toBe(true);
    strict = a.body.id;
    const b = await as('sup', 'POST', '/api/patrol/routes', { name: 'Plain', ...allDay, stops: [stop(['fire exit clear', 'no persons'])] });
    expect(b.status).toBe(201);
    expect(b.body.requireChecklist).toBe(false);
    plain = b.body.id;
    expect((await as('sup', 'GET', `/api/patrol/routes/${plain}`)).body.requireChecklist).toBe(false);
    expect((await as('sup', 'POST', '/api/patrol/routes', { name: 'X', ...allDay, requireChecklist: 'yes', stops: [stop([])] })).status).toBe(400);
  });

  it('"normal" needs every item ticked (400 checklist_incomplete); all ticked is accepted; an anomaly always is', async () => {
    const r = await as('op1', 'POST', '/api/patrol/rounds', { routeId: strict });
    expect(r.status).toBe(201);
    expect(r.body.requireChecklist).toBe(true);
    const id = r.body.id as number;
    // a supervisor turning the option off meanwhile does not change the round in progress
    const route = (await as('sup', 'GET', `/api/patrol/routes/${strict}`)).body;
    const { id: _id, createdMs: _c, updatedMs: _u, ...input } = route;
    expect((await as('sup', 'PUT', `/api/patrol/routes/${strict}`, { ...input, requireChecklist: false })).body.requireChecklist).toBe(false);
    await sleep(1200);

    const none = await as('op1', 'POST', `/api/patrol/rounds/${id}/stops/0/confirm`, { outcome: 'normal' });
    expect(none.status).toBe(400);
    expect(none.body.error).toMatchObject({ code: 'checklist_incomplete', missing: [0, 1] });
    expect(none.body.error.message).toMatch(/not ticked: 1, 2/);
    const half = await as('op1', 'POST', `/api/patrol/rounds/${id}/stops/0/confirm`, { outcome: 'normal', checks: [true, false] });
    expect(half.status).toBe(400);
    expect(half.body.error).toMatchObject({ code: 'checklist_incomplete', missing: [1] });
    expect((await as('op1', 'GET', `/api/patrol/rounds/${id}`)).body.stops[0].outcome).toBeNull();

    const all = await as('op1', 'POST', `/api/patrol/rounds/${id}/stops/0/confirm`, { outcome: 'normal', checks: [true, true] });
    expect(all.status).toBe(200);
    expect(all.body.stops[0]).toMatchObject({ outcome: 'normal', checks: [true, true] });
    expect(all.body.currentIdx).toBe(1);

    await sleep(1200);
    const anomaly = await as('op1', 'POST', `/api/patrol/rounds/${id}/stops/1/confirm`, { outcome: 'anomaly', note: 'gate open', checks: [false] });
    expect(anomaly.status).toBe(200);
    expect(anomaly.body.stops[1]).toMatchObject({ outcome: 'anomaly', checks: [false] });
    // the round is over: the answer carries its grade and the on-time deadline
    expect(anomaly.body).toMatchObject({ status: 'completed', grade: 'on_time', dueBy: expect.any(Number) });
    expect(anomaly.body.dueBy).toBeGreaterThanOrEqual(anomaly.body.startedMs);
    expect((await as('sup', 'GET', `/api/patrol/rounds/${id}`)).body).toMatchObject({ grade: 'on_time', dueBy: anomaly.body.dueBy });
  });

  it('a route without the option accepts "normal" with items not ticked, as before', async () => {
    const r = await as('op2', 'POST', '/api/patrol/rounds', { routeId: plain });
    expect(r.status).toBe(201);
    expect(r.body.requireChecklist).toBe(false);
    await sleep(1200);
    const ok = await as('op2', 'POST', `/api/patrol/rounds/${r.body.id}/stops/0/confirm`, { outcome: 'normal', checks: [false, false] });
    expect(ok.status).toBe(200);
    expect(ok.body.stops[0].outcome).toBe('normal');
    expect(ok.body.grade).toBe('on_time');
  });
});
