/**
 * Manual PTZ from the single view (issue K) against the real server and virtual ONVIF cameras on loopback:
 * POST /api/onvif/cameras/:id/ptz/move → the dome receives ContinuousMove with those velocities; a held button's
 * repeats send nothing more; /ptz/stop → Stop; no stop from the client → the server stops the dome within the
 * dead-man timeout; bad input → 400 naming the field, nothing at the camera; a camera without PTZ → 409 no_ptz;
 * a patrol round on the dome → 409 ptz_patrol; another user's gesture → 409 ptz_in_use; roles and per-camera
 * rights; one `ptz.move` audit entry per gesture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { VirtualOnvifCamera } from '../support/virtual-onvif/camera.ts';

const PW = 'cam-pw';
let rtsp: RtspServer;
let wp: Watchpost;
let dome: VirtualOnvifCamera;
let fixed: VirtualOnvifCamera;
const cookies: Record<string, string> = {};
const figures: Record<string, number> = {};
const call = apiClient(() => wp, { timeoutMs: 15_000 });
const as = (who: string, method: string, path: string, json?: unknown) => call(method, path, { cookie: cookies[who], json: json ?? (method === 'GET' ? undefined : {}) });
const move = (who: string, json: unknown, cam = 'dome') => as(who, 'POST', `/api/onvif/cameras/${cam}/ptz/move`, json);
const stop = (who: string, cam = 'dome') => as(who, 'POST', `/api/onvif/cameras/${cam}/ptz/stop`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, fn: () => T | undefined | false, ms = 5000, every = 20): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, mounts: ['dome', 'fixed'] });
  dome = await new VirtualOnvifCamera({ name: 'Dome', mainUri: rtsp.url('dome'), password: PW, ptz: true, presets: [{ token: 'p1', name: 'Gate' }] }).start();
  fixed = await new VirtualOnvifCamera({ name: 'Fixed', mainUri: rtsp.url('fixed'), password: PW }).start();
  wp = await startWatchpost({ configYaml: ['storage: {segmentSeconds: 2}', 'cameras:', '  - {id: plain, name: Plain, url: "rtsp://127.0.0.1:9/none"}'].join('\n') });
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  for (const [id, c] of [['dome', dome], ['fixed', fixed]] as const) {
    const r = await as('admin', 'POST', '/api/onvif/cameras', { xaddr: c.xaddr, id, name: c.opts.name, username: 'admin', password: PW });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const users: [string, string, string[] | null][] = [
    ['op1', 'operator', null], ['op2', 'operator', null], ['sup', 'supervisor', null], ['inv', 'investigator', null], ['wall', 'wall', null],
    ['opfixed', 'operator', ['fixed']],
  ];
  for (const [u, role, cameras] of users) {
    const r = await as('admin', 'POST', '/api/users', { username: u, password: `${u}-password-2026`, role, cameras });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    cookies[u] = await login(wp.url, u, `${u}-password-2026`);
  }
}, 120_000);

afterAll(async () => {
  await wp?.dispose();
  await Promise.all([dome?.stop(), fixed?.stop()]);
  await rtsp?.stop();
  if (Object.keys(figures).length) console.info('manual PTZ figures (ms):', JSON.stringify(figures));
});

describe('manual PTZ on a dome', () => {
  it('a move reaches the dome as ContinuousMove with its velocities; repeats send nothing more; stop → Stop', async () => {
    const t0 = Date.now();
    const r = await move('op1', { pan: 0.5, tilt: -0.25 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ stopAfterMs: 1500, started: true });
    figures['move request → answered (ContinuousMove sent)'] = Date.now() - t0;
    expect(dome.state.moves.map(({ pan, tilt, zoom }) => ({ pan, tilt, zoom }))).toEqual([{ pan: 0.5, tilt: -0.25, zoom: 0 }]);
    expect(dome.isTurning()).toBe(true);
    // the button is held for 2 s: the browser repeats every 500 ms
    for (let i = 0; i < 4; i++) {
      await sleep(500);
      expect((await move('op1', { pan: 0.5, tilt: -0.25 })).body).toEqual({ stopAfterMs: 1500, started: false });
    }
    expect(dome.state.moves).toHaveLength(1);
    expect(dome.state.stops).toHaveLength(0); // 2 s held: the dead-man did not cut in
    const s = await stop('op1');
    expect(s.status, JSON.stringify(s.body)).toBe(204);
    expect(dome.state.stops).toHaveLength(1);
    expect(dome.state.stops[0]).toMatchObject({ panTilt: true, zoom: true });
    expect(dome.isTurning()).toBe(false);
  });

  it('a change of direction and a zoom go to the dome at once', async () => {
    const n = dome.state.moves.length;
    await move('op1', { pan: 1 });
    await move('op1', { pan: 1, tilt: 1 });
    await move('op1', { zoom: -0.5 });
    expect(dome.state.moves.slice(n).map(({ pan, tilt, zoom }) => [pan, tilt, zoom])).toEqual([[1, 0, 0], [1, 1, 0], [0, 0, -0.5]]);
    await stop('op1');
  });

  it('no stop from the client (the link is gone): the server stops the dome within the 1.5 s timeout', async () => {
    const stops = dome.state.stops.length;
    await move('op1', { pan: -0.8 });
    const lastMove = dome.state.moves.at(-1)!.at;
    const got = await waitFor('the dead-man Stop', () => dome.state.stops[stops], 5000);
    const after = got.at - lastMove;
    figures['last move → dead-man Stop at the dome'] = after;
    expect(after).toBeGreaterThanOrEqual(1400);
    expect(after).toBeLessThan(2500);
    expect(dome.isTurning()).toBe(false);
    expect(dome.state.stops).toHaveLength(stops + 1); // one Stop, not one per tick
    // the dome is free again: a new gesture starts
    expect((await move('op2', { tilt: 0.3 })).body.started).toBe(true);
    await stop('op2');
  });

  it('bad input → 400 naming the field; nothing reaches the camera', async () => {
    const n = dome.state.moves.length;
    const cases: [unknown, RegExp][] = [
      [{ pan: 1.5 }, /^pan: must be a number from -1 to 1$/],
      [{ pan: 0.2, tilt: -3 }, /^tilt: must be a number from -1 to 1$/],
      [{ pan: '0.5' }, /^pan: must be a number from -1 to 1$/],
      [{ zoom: null }, /^zoom: must be a number from -1 to 1$/],
      [{ pan: 0.5, speed: 1 }, /^unknown field speed$/],
      [{}, /^a move needs pan, tilt or zoom other than 0/],
    ];
    for (const [json, msg] of cases) {
      const r = await move('op1', json);
      expect([r.status, r.body.error.code], JSON.stringify(json)).toEqual([400, 'invalid_request']);
      expect(r.body.error.message).toMatch(msg);
    }
    const raw = await call('POST', '/api/onvif/cameras/dome/ptz/move', { cookie: cookies.op1, body: '{"pan": 1e999}', headers: { 'content-type': 'application/json' } });
    expect(raw.status).toBe(400);
    const stopBody = await as('op1', 'POST', '/api/onvif/cameras/dome/ptz/stop', { pan: 0 });
    expect([stopBody.status, stopBody.body.error.message]).toEqual([400, 'unknown field pan']);
    expect(dome.state.moves).toHaveLength(n);
  });

  it('a camera without PTZ: 409 no_ptz (ONVIF without PTZ, and a plain RTSP camera); unknown camera 404', async () => {
    for (const cam of ['fixed', 'plain']) {
      const r = await move('op1', { pan: 1 }, cam);
      expect([r.status, r.body.error.code], cam).toEqual([409, 'no_ptz']);
      expect((await stop('op1', cam)).body.error.code).toBe('no_ptz');
    }
    expect((await move('op1', { pan: 1 }, 'nosuch')).status).toBe(404);
    expect(fixed.state.moves).toEqual([]);
  });

  it('rights: operators, supervisors and admins who see the camera; investigator and wall 403 (audited ptz.denied), hidden camera 404, no session 401', async () => {
    const n = dome.state.moves.length;
    expect((await move('inv', { pan: 1 })).status).toBe(403);
    expect((await move('wall', { pan: 1 })).status).toBe(403);
    expect((await stop('inv')).status).toBe(403);
    expect((await as('inv', 'POST', '/api/onvif/cameras/dome/presets/p1/goto')).status).toBe(403);
    const denied = ((await as('admin', 'GET', '/api/audit?action=ptz.denied&limit=50')).body.entries as { actor: string; role: string; cameraId: string; detail: Record<string, unknown> }[])
      .map((e) => `${e.actor} ${e.role} ${e.cameraId} ${String(e.detail.path)}`)
      .reverse();
    const api = '/api/onvif/cameras/dome';
    expect(denied).toEqual([`inv investigator dome ${api}/ptz/move`, `wall wall dome ${api}/ptz/move`, `inv investigator dome ${api}/ptz/stop`, `inv investigator dome ${api}/presets/p1/goto`]);
    expect((await move('opfixed', { pan: 1 })).status).toBe(404); // may not see the dome: it does not exist for them
    expect((await stop('opfixed')).status).toBe(404);
    expect((await call('POST', '/api/onvif/cameras/dome/ptz/move', { json: { pan: 1 } })).status).toBe(401);
    expect(dome.state.moves).toHaveLength(n);
    for (const who of ['sup', 'admin']) {
      expect((await move(who, { pan: 0.1 })).status, who).toBe(200);
      expect((await stop(who)).status).toBe(204);
    }
  });

  it("another user's gesture: 409 ptz_in_use naming them; a stop from anyone who may operate it stops the dome", async () => {
    await move('op1', { pan: 0.4 });
    const r = await move('op2', { pan: -0.4 });
    expect([r.status, r.body.error.code, r.body.error.message, r.body.error.params]).toEqual([409, 'ptz_in_use', 'op1 is moving this camera', { name: 'op1' }]);
    expect((await as('op2', 'POST', '/api/onvif/cameras/dome/presets/p1/goto')).body.error.code).toBe('ptz_in_use');
    expect(dome.state.moves.at(-1)!.pan).toBe(0.4);
    expect((await stop('op2')).status).toBe(204);
    expect(dome.isTurning()).toBe(false);
  });

  it('a patrol round on the dome: manual moves and presets are refused 409 ptz_patrol; a round waits for a gesture', async () => {
    const route = await as('sup', 'POST', '/api/patrol/routes', {
      name: 'Dome tour', intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10, stops: [{ cameraId: 'dome', preset: 'p1', minDwellS: 1 }],
    });
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    // a gesture first: the round that starts meanwhile waits for the camera
    await move('op1', { pan: 0.6 });
    const round = await as('op2', 'POST', '/api/patrol/rounds', { routeId: route.body.id });
    expect(round.status, JSON.stringify(round.body)).toBe(201);
    expect(round.body.stops[0].ptzState).toBe('waiting');
    const gotos = dome.state.gotos.length;
    await stop('op1');
    await waitFor('the round moves the dome', () => dome.state.gotos.length > gotos || undefined);
    // now the round holds the dome until its stop is done
    const n = dome.state.moves.length;
    for (const who of ['op1', 'sup', 'admin']) {
      const r = await move(who, { pan: 1 });
      expect([r.status, r.body.error.code], who).toEqual([409, 'ptz_patrol']);
      expect(r.body.error.message).toMatch(new RegExp(`patrol round ${round.body.id} `));
      expect(r.body.error.params).toEqual({ round: String(round.body.id), state: 'driving' });
    }
    expect((await as('op1', 'POST', '/api/onvif/cameras/dome/presets/p1/goto')).body.error.code).toBe('ptz_patrol');
    expect((await stop('op1')).body.error.code).toBe('ptz_patrol');
    expect(dome.state.moves).toHaveLength(n);
    const ab = await as('op2', 'POST', `/api/patrol/rounds/${round.body.id}/abandon`, { reason: 'test over' });
    expect(ab.status, JSON.stringify(ab.body)).toBe(200);
    const r = await move('op1', { pan: 1 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await stop('op1');
  });

  it('a preset from the single view still works and is audited as ptz.goto; every gesture is one ptz.move entry', async () => {
    const g = await as('op1', 'POST', '/api/onvif/cameras/dome/presets/p1/goto');
    expect(g.status, JSON.stringify(g.body)).toBe(204);
    expect(dome.state.gotos.at(-1)!.preset).toBe('p1');
    const audit = (await as('admin', 'GET', '/api/audit?action=ptz&limit=200')).body.entries as { action: string; actor: string; cameraId: string; detail: Record<string, unknown> }[];
    const moves = audit.filter((e) => e.action === 'ptz.move');
    // one per gesture: the 2 s held move with 4 repeats and 2 direction changes are not extra entries
    expect(moves.filter((e) => e.actor === 'op1').map((e) => e.detail).reverse()).toEqual([
      { pan: 0.5, tilt: -0.25, zoom: 0 },
      { pan: 1, tilt: 0, zoom: 0 },
      { pan: -0.8, tilt: 0, zoom: 0 },
      { pan: 0.4, tilt: 0, zoom: 0 },
      { pan: 0.6, tilt: 0, zoom: 0 },
      { pan: 1, tilt: 0, zoom: 0 },
    ]);
    expect(moves.every((e) => e.cameraId === 'dome')).toBe(true);
    expect(audit.some((e) => e.action === 'ptz.goto' && e.actor === 'op1' && e.cameraId === 'dome')).toBe(true);
    expect(dome.state.moves.length).toBeGreaterThanOrEqual(8);
  });
});
