/**
 * PTZ presets as patrol stops (issue L point 1) against the real server and virtual ONVIF cameras on loopback
 * (no discovery, no multicast: onboarded by XAddr). A dome whose GotoPreset takes 1.5 s (GetStatus says MOVING
 * meanwhile), a dome that does not answer GetStatus (settle time), a dome whose motor faults on GotoPreset.
 * Covers: the goto reaching the camera, the dwell starting only at arrival, the stop recording preset + arrivedMs,
 * a failed move → not verifiable with the reason, two rounds on one dome → the second waits, `ptz.goto` audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { VirtualOnvifCamera } from '../support/virtual-onvif/camera.ts';

const MOVE_MS = 1500;
const PW = 'cam-pw';
const PRESETS = [{ token: 'p1', name: 'Gate' }, { token: 'p2', name: 'Car park' }];

let rtsp: RtspServer;
let wp: Watchpost;
let dome: VirtualOnvifCamera;
let mute: VirtualOnvifCamera;
let jam: VirtualOnvifCamera;
const cookies: Record<string, string> = {};
const figures: Record<string, number> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
async function api(who: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { cookie: cookies[who]! };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${wp.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000, every = 100): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}`);
}
const allDay = { intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10 };
const round = async (who: string, id: number): Promise<Json> => (await api(who, 'GET', `/api/patrol/rounds/${id}`)).body;
const arrived = (who: string, id: number, idx: number) =>
  waitFor(`round ${id} stop ${idx} at its preset`, async () => {
    const r = await round(who, id);
    const s = r.stops[idx];
    return s.ptzState === 'arrived' || s.ptzState === 'failed' ? r : undefined;
  });

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['dome', 'mute', 'jam'] });
  const cam = (name: string, mount: string, extra: Partial<ConstructorParameters<typeof VirtualOnvifCamera>[0]>) =>
    new VirtualOnvifCamera({ name, mainUri: rtsp.url(mount), password: PW, ptz: true, presets: PRESETS, snapshotAuth: 'digest', ...extra }).start();
  dome = await cam('Dome', 'dome', { moveMs: MOVE_MS });
  mute = await cam('Mute dome', 'mute', { ptzStatus: false });
  jam = await cam('Jammed dome', 'jam', { faults: { GotoPreset: 'PTZ motor jammed' } });
  wp = await startWatchpost({ configYaml: ['storage: {segmentSeconds: 2}', 'patrol: {liveLatencySeconds: 2}', 'cameras: []'].join('\n') });
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  for (const [id, c] of [['dome', dome], ['mute', mute], ['jam', jam]] as const) {
    const r = await api('admin', 'POST', '/api/onvif/cameras', { xaddr: c.xaddr, id, name: c.opts.name, username: 'admin', password: PW });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  for (const u of ['op1', 'op2', 'op3', 'sup']) {
    const r = await api('admin', 'POST', '/api/users', { username: u, password: `${u}-password`, role: u === 'sup' ? 'supervisor' : 'operator' });
    expect(r.status).toBe(201);
    cookies[u] = await login(wp.url, u, `${u}-password`);
  }
  await waitFor('cameras online', async () => {
    const list = (await api('admin', 'GET', '/api/cameras')).body as Json[];
    return list.filter((c) => c.status === 'online').length === 3 || undefined;
  }, 60_000, 500);
}, 120_000);

afterAll(async () => {
  await wp?.dispose();
  await Promise.all([dome?.stop(), mute?.stop(), jam?.stop()]);
  await rtsp?.stop();
  if (Object.keys(figures).length) console.info('PTZ patrol figures (ms):', JSON.stringify(figures));
});

describe('PTZ presets as patrol stops', () => {
  let routeA: number;
  let routeB: number;
  let roundA: number;

  it('routes take {cameraId, preset}; the camera offers its presets to the editor', async () => {
    const presets = await api('sup', 'GET', '/api/onvif/cameras/dome/presets');
    expect(presets.body.presets).toEqual([{ token: 'p1', name: 'Gate' }, { token: 'p2', name: 'Car park' }]);
    const a = await api('sup', 'POST', '/api/patrol/routes', {
      name: 'Dome tour', ...allDay, stops: [{ cameraId: 'dome', preset: 'p1', minDwellS: 1 }, { cameraId: 'dome', preset: 'p2', minDwellS: 1 }],
    });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body.stops.map((s: Json) => [s.cameraId, s.preset])).toEqual([['dome', 'p1'], ['dome', 'p2']]);
    routeA = a.body.id;
    const b = await api('sup', 'POST', '/api/patrol/routes', { name: 'Car park check', ...allDay, stops: [{ cameraId: 'dome', preset: 'p2', minDwellS: 1 }] });
    routeB = b.body.id;
    expect(b.status).toBe(201);
  });

  it('a round over a preset stop: GotoPreset reaches the camera, the dwell starts at arrival, the stop records it', async () => {
    const before = dome.state.gotos.length;
    const started = await api('op1', 'POST', '/api/patrol/rounds', { routeId: routeA });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    roundA = started.body.id;
    const s0 = started.body.stops[0];
    expect(s0).toMatchObject({ preset: 'p1', ptzState: 'moving', viewStartedMs: null, arrivedMs: null });
    await waitFor('GotoPreset at the camera', async () => dome.state.gotos.length > before || undefined, 5000, 20);
    const goto = dome.state.gotos[before]!;
    expect(goto.preset).toBe('p1');
    // while it moves: no outcome but "not verifiable" is accepted
    const early = await api('op1', 'POST', `/api/patrol/rounds/${roundA}/stops/0/confirm`, { outcome: 'normal' });
    expect([early.status, early.body.error.code]).toEqual([409, 'ptz_moving']);
    const r = await arrived('op1', roundA, 0);
    const s = r.stops[0];
    expect(s.ptzState).toBe('arrived');
    expect(s.ptzError).toBeNull();
    expect(s.arrivedMs).toBeGreaterThanOrEqual(goto.at + MOVE_MS);
    expect(s.arrivedMs - s.gotoMs).toBeGreaterThanOrEqual(MOVE_MS);
    expect(s.viewStartedMs).toBe(s.arrivedMs); // the dwell starts at arrival
    expect(dome.state.movingAnswers).toBeGreaterThan(0);
    figures['goto→arrived (1.5 s move)'] = s.arrivedMs - s.gotoMs;
    // the dwell counts from arrival, not from the start of the round
    const tooSoon = await api('op1', 'POST', `/api/patrol/rounds/${roundA}/stops/0/confirm`, { outcome: 'normal' });
    if (Date.now() < s.arrivedMs + 1000) expect(tooSoon.body.error?.code).toBe('dwell_not_met');
    await sleep(Math.max(0, s.arrivedMs + 1100 - Date.now()));
    const ok = await api('op1', 'POST', `/api/patrol/rounds/${roundA}/stops/0/confirm`, { outcome: 'normal' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const done = ok.body.stops[0];
    expect(done).toMatchObject({ outcome: 'normal', preset: 'p1', arrivedMs: s.arrivedMs });
    // the recorded range (what the spot-check replays) starts at arrival, minus the live latency
    expect(done.recFromMs).toBe(s.arrivedMs - 2000);
    // the supervisor's spot-check replays that range and says which preset it was
    const spot = await api('sup', 'POST', `/api/patrol/rounds/${roundA}/stops/0/spot-check`, { verdict: 'agree', note: '' });
    expect(spot.status, JSON.stringify(spot.body)).toBe(201);
    const entry = ((await api('sup', 'GET', '/api/dutylog?limit=5')).body as Json[]).find((e) => e.kind === 'spot_check');
    expect(entry.data).toMatchObject({ recFromMs: s.arrivedMs - 2000, recToMs: done.recToMs, preset: 'p1', arrivedMs: s.arrivedMs });
    // the next stop moves the same dome to p2 straight away (the round keeps its own dome)
    expect(ok.body.stops[1]).toMatchObject({ preset: 'p2', ptzState: 'moving', viewStartedMs: null });
  });

  it('two rounds that want the same dome: the second waits for the camera, then moves it', async () => {
    const b = await api('op2', 'POST', '/api/patrol/rounds', { routeId: routeB });
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    expect(b.body.stops[0]).toMatchObject({ preset: 'p2', ptzState: 'waiting', viewStartedMs: null });
    const confirmB = await api('op2', 'POST', `/api/patrol/rounds/${b.body.id}/stops/0/confirm`, { outcome: 'normal' });
    expect([confirmB.status, confirmB.body.error.code]).toEqual([409, 'ptz_moving']);
    expect(confirmB.body.error.message).toMatch(/waiting for camera/);
    // round A's second stop gets there and is confirmed; only then does B's move start
    const a = await arrived('op1', roundA, 1);
    expect(a.stops[1].ptzState).toBe('arrived');
    await sleep(1500);
    expect((await round('op2', b.body.id)).stops[0].ptzState).toBe('waiting'); // still: A is on the dome
    const doneA = await api('op1', 'POST', `/api/patrol/rounds/${roundA}/stops/1/confirm`, { outcome: 'normal' });
    expect(doneA.status, JSON.stringify(doneA.body)).toBe(200);
    expect(doneA.body.status).toBe('completed');
    const releasedAt = doneA.body.stops[1].viewEndedMs as number;
    const rb = await arrived('op2', b.body.id, 0);
    const sb = rb.stops[0];
    expect(sb.ptzState).toBe('arrived');
    expect(sb.gotoMs).toBeGreaterThanOrEqual(releasedAt);
    expect(sb.arrivedMs - sb.gotoMs).toBeGreaterThanOrEqual(MOVE_MS);
    expect(dome.state.gotos.filter((g) => g.at >= releasedAt).map((g) => g.preset)).toEqual(['p2']); // one move, B's
    figures['B waited for A'] = sb.gotoMs - b.body.startedMs;
    await sleep(1100);
    expect((await api('op2', 'POST', `/api/patrol/rounds/${b.body.id}/stops/0/confirm`, { outcome: 'normal' })).status).toBe(200);
  });

  it('a camera that does not report MoveStatus: the dwell starts after the settle time (3 s)', async () => {
    const route = await api('sup', 'POST', '/api/patrol/routes', { name: 'Mute tour', ...allDay, stops: [{ cameraId: 'mute', preset: 'p2', minDwellS: 1 }] });
    const r = await api('op3', 'POST', '/api/patrol/rounds', { routeId: route.body.id });
    expect(r.status).toBe(201);
    const s = (await arrived('op3', r.body.id, 0)).stops[0];
    expect(s.ptzState).toBe('arrived');
    expect(mute.state.gotos.map((g) => g.preset)).toEqual(['p2']);
    expect(s.arrivedMs - s.gotoMs).toBeGreaterThanOrEqual(3000);
    figures['goto→arrived (settle, no GetStatus)'] = s.arrivedMs - s.gotoMs;
    await sleep(1100);
    expect((await api('op3', 'POST', `/api/patrol/rounds/${r.body.id}/stops/0/confirm`, { outcome: 'normal' })).status).toBe(200);
  });

  it('a camera that fails to move: the stop is not verifiable, with the reason', async () => {
    const route = await api('sup', 'POST', '/api/patrol/routes', { name: 'Jam tour', ...allDay, stops: [{ cameraId: 'jam', preset: 'p1', minDwellS: 1 }] });
    const r = await api('op3', 'POST', '/api/patrol/rounds', { routeId: route.body.id });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const s = (await arrived('op3', r.body.id, 0)).stops[0];
    expect(s.ptzState).toBe('failed');
    expect(s.ptzError).toMatch(/PTZ motor jammed/);
    expect(s.arrivedMs).toBeNull();
    const c = await api('op3', 'POST', `/api/patrol/rounds/${r.body.id}/stops/0/confirm`, { outcome: 'normal' });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.stops[0].outcome).toBe('not_verifiable');
    expect(c.body.stops[0].note).toMatch(/did not move to preset "p1": .*PTZ motor jammed/);
    const log = (await api('sup', 'GET', `/api/dutylog?limit=5`)).body;
    const closed = (Array.isArray(log) ? log : log.entries).find((e: Json) => e.kind === 'round_completed' && e.data.roundId === r.body.id);
    expect(closed.data.stops[0]).toMatchObject({ preset: 'p1', outcome: 'not_verifiable', ptzError: expect.stringMatching(/jammed/) });
  });

  it('a restart in the middle of a move: the round in progress drives its preset stop again', async () => {
    const route = await api('sup', 'POST', '/api/patrol/routes', { name: 'Restart tour', ...allDay, stops: [{ cameraId: 'dome', preset: 'p1', minDwellS: 1 }] });
    const before = dome.state.gotos.length;
    const r = await api('op1', 'POST', '/api/patrol/rounds', { routeId: route.body.id });
    expect(r.body.stops[0].ptzState).toBe('moving');
    await waitFor('the first GotoPreset', async () => dome.state.gotos.length === before + 1 || undefined, 5000, 20);
    await wp.restart();
    for (const u of ['op1', 'sup', 'admin']) cookies[u] = await login(wp.url, u, u === 'admin' ? wp.adminPassword : `${u}-password`);
    const s = (await arrived('op1', r.body.id, 0)).stops[0];
    expect(s.ptzState).toBe('arrived');
    expect(dome.state.gotos.length).toBe(before + 2); // moved again after the restart
    expect(s.arrivedMs).toBeGreaterThanOrEqual(dome.state.gotos.at(-1)!.at + MOVE_MS);
  }, 60_000);

  it('every move made by a round is audited as ptz.goto {round, stop, preset}', async () => {
    const a = (await api('admin', 'GET', '/api/audit?action=ptz.goto&limit=50')).body;
    const entries = (Array.isArray(a) ? a : a.entries) as Json[];
    const ofA = entries.filter((e) => e.detail.round === roundA).map((e) => [e.actor, e.cameraId, e.detail.stop, e.detail.preset]);
    expect(ofA.sort()).toEqual([['op1', 'dome', 0, 'p1'], ['op1', 'dome', 1, 'p2']]);
    expect(entries.some((e) => e.cameraId === 'jam' && e.detail.preset === 'p1' && e.actor === 'op3')).toBe(true);
  });
});
