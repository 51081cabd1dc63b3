/**
 * Issue K against the real server: an error whose English message names something carries those values as
 * error.params next to its unchanged code, status and message — a hidden camera, unknown cameras in a user's
 * rights, a role that may not export (the roles named), a range ending in the future (the times as epoch ms),
 * and a cross-site request refused by the CSRF guard's own body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { startWatchpost, type Watchpost } from '../support/server.ts';

let wp: Watchpost;
const call = apiClient(() => wp);

async function login(username: string, password: string): Promise<string> {
  const r = await call('POST', '/api/session', { json: { username, password } });
  expect(r.status).toBe(200);
  const set = r.headers['set-cookie'];
  return (Array.isArray(set) ? set[0]! : (set ?? '')).split(';')[0]!;
}

let admin = '';
let operator = '';
beforeAll(async () => {
  wp = await startWatchpost({ configYaml: 'cameras:\n  - {id: gate, name: "东门 Gate", url: "rtsp://127.0.0.1:9/none"}\n' });
  admin = await login('admin', wp.adminPassword);
  const u = await call('POST', '/api/users', { cookie: admin, json: { username: 'night-op', password: 'night-shift-op-1', role: 'operator', cameras: ['gate'] } });
  expect(u.status).toBe(201);
  operator = await login('night-op', 'night-shift-op-1');
}, 60_000);
afterAll(async () => {
  await wp?.dispose();
});

describe('error params over HTTP', () => {
  it('404 not_found names the camera (what: camera)', async () => {
    const r = await call('GET', '/api/cameras/atm-9', { cookie: admin });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'not_found', message: 'no camera "atm-9"', params: { what: 'camera', id: 'atm-9' } });
  });

  it('400 unknown_camera lists the unknown ids; the 409 exists keeps its what/name', async () => {
    const r = await call('POST', '/api/users', { cookie: admin, json: { username: 'day-op', password: 'day-shift-op-12', role: 'operator', cameras: ['gate', 'atm-9', '银行-1'] } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'unknown_camera', params: { ids: 'atm-9, 银行-1' } });
    expect(r.body.error.message).toBe('cameras: unknown camera "atm-9", "银行-1"');
    const dup = await call('POST', '/api/users', { cookie: admin, json: { username: 'night-op', password: 'night-shift-op-2', role: 'operator' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'exists', params: { what: 'user', name: 'night-op' } });
  });

  it('403 forbidden names the roles that may (what: role); an operator gets no export', async () => {
    const now = Date.now();
    const r = await call('POST', '/api/exports', { cookie: operator, json: { cameras: ['gate'], from: now - 20_000, to: now - 10_000, reason: 'incident at the gate' } });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'forbidden', message: 'needs role investigator or supervisor or admin', params: { what: 'role', roles: 'investigator, supervisor, admin' } });
  });

  it('400 range_in_future carries the times as epoch ms (the console shows them in local time)', async () => {
    const now = Date.now();
    const to = now + 3_600_000;
    const r = await call('POST', '/api/exports', { cookie: admin, json: { cameras: ['gate'], from: now - 60_000, to, reason: 'incident at the gate' } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'range_in_future', params: { what: 'end', toMs: to, fromMs: now - 60_000 } });
    const p = r.body.error.params as Record<string, number>;
    expect(p.nowMs).toBeGreaterThanOrEqual(now - 1000);
    expect(p.nowMs).toBeLessThan(to);
    expect(r.body.error.message).toContain(`the range ends in the future (${new Date(to).toISOString()}`);
  });

  it('403 csrf (a body the guard writes itself) names the foreign origin', async () => {
    const r = await call('POST', '/api/session', { json: { username: 'admin', password: 'x' }, headers: { origin: 'http://evil.example' } });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'csrf', message: 'cross-site request refused: Origin http://evil.example is not this server', params: { what: 'origin', origin: 'http://evil.example' } });
  });

  it('400 invalid_zone for bad zones: what "zones" and each problem as a field code (the console says them)', async () => {
    const r = await call('PUT', '/api/cameras/gate/zones', { cookie: admin, json: { zones: [{ name: 'lane', kind: 'exit', polygon: [[0, 0], [1, 1]] }] } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_zone', params: { what: 'zones' } });
    // zod reports this one twice (the schema's minimum and the polygon check), in the message as in the fields
    expect(r.body.error.message).toMatch(/^invalid zones: zones\[0\]\.polygon: polygon needs at least 3 points/);
    const fields = r.body.error.fields as { path: string; code: string }[];
    expect(fields.length).toBeGreaterThan(0);
    for (const f of fields) expect(f).toMatchObject({ path: 'zones.0.polygon', code: 'polygon' });
    // a zone that is not an exit zone has no reference picture: the other invalid_zone, told apart by `what`
    const lawn = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]];
    expect((await call('PUT', '/api/cameras/gate/zones', { cookie: admin, json: { zones: [{ name: '草坪', kind: 'loitering', polygon: lawn }] } })).status).toBe(200);
    const z = await call('GET', `/api/cameras/gate/zones/reference.jpg?zone=${encodeURIComponent('草坪')}`, { cookie: admin });
    expect(z.status).toBe(400);
    expect(z.body.error).toMatchObject({ code: 'invalid_zone', params: { what: 'not_exit', name: '草坪', kind: 'loitering' } });
    const none = await call('GET', '/api/cameras/gate/zones/reference.jpg?zone=nope', { cookie: admin });
    expect(none.status).toBe(404);
    expect(none.body.error).toMatchObject({ code: 'not_found', params: { what: 'zone', camera: 'gate', name: 'nope' } });
  });

  it('an unknown endpoint is a 404 not_found naming method and path', async () => {
    const r = await call('DELETE', '/api/no-such-thing', { cookie: admin });
    expect(r.status).toBe(404);
    // the path as the message has it (relative to /api)
    expect(r.body.error).toMatchObject({ code: 'not_found', message: 'no such endpoint: DELETE /no-such-thing', params: { what: 'endpoint', method: 'DELETE', path: '/no-such-thing' } });
  });
});
