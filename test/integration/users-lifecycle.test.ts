/**
 * Issue G points 1 and 3–6 against the real server: user lifecycle (role, disable, reset, own change) that
 * cuts sessions and live event streams at once; the last admin; rights validation; camera groups; sessions
 * listed and revoked; a wall-display account; login throttling per (user, address) — two client addresses on
 * loopback; CSRF by Origin and content type; the console's CSP; a weak WATCHPOST_ADMIN_PASSWORD at start-up.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { startWatchpost, type Watchpost } from '../support/server.ts';

let wp: Watchpost;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const call = apiClient(() => wp);

async function login(username: string, password: string, from?: string): Promise<{ status: number; cookie: string; body: Json }> {
  const r = await call('POST', '/api/session', { json: { username, password }, from });
  const set = r.headers['set-cookie'];
  return { status: r.status, body: r.body, cookie: (Array.isArray(set) ? set[0]! : (set ?? '')).split(';')[0]! };
}

let admin = '';
beforeAll(async () => {
  wp = await startWatchpost({ configYaml: 'cameras:\n  - {id: gate, name: "东门 Gate", url: "rtsp://127.0.0.1:9/none"}\n  - {id: bank, name: "银行 Bank", url: "rtsp://127.0.0.1:9/none"}\n' });
  admin = (await login('admin', wp.adminPassword)).cookie;
}, 60_000);
afterAll(async () => {
  await wp?.dispose();
});

describe('user lifecycle', () => {
  let opId = 0;
  it('refuses weak passwords and unknown rights, naming them', async () => {
    for (const [pw, why] of [['12345678', /10 characters/], ['1234567890', /common/], ['night-op', /10 characters/], ['adminadmin', /easy to guess/]] as const) {
      const r = await call('POST', '/api/users', { cookie: admin, json: { username: 'night-op', password: pw, role: 'operator' } });
      expect([r.status, r.body.error.code]).toEqual([400, 'weak_password']);
      expect(r.body.error.message).toMatch(why);
    }
    const cams = await call('POST', '/api/users', { cookie: admin, json: { username: 'night-op', password: 'night-shift-op-1', role: 'operator', cameras: ['gate', 'atm-9'] } });
    expect([cams.status, cams.body.error.code]).toEqual([400, 'unknown_camera']);
    expect(cams.body.error.message).toContain('"atm-9"');
    const groups = await call('POST', '/api/users', { cookie: admin, json: { username: 'night-op', password: 'night-shift-op-1', role: 'operator', groups: [77] } });
    expect([groups.status, groups.body.error.code]).toEqual([400, 'unknown_group']);
    const ok = await call('POST', '/api/users', { cookie: admin, json: { username: 'night-op', displayName: '夜班 王', password: 'night-shift-op-1', role: 'operator', cameras: ['gate'] } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ username: 'night-op', displayName: '夜班 王', cameras: ['gate'], disabled: false });
    opId = ok.body.id;
  });

  it('a role change ends the user\'s sessions and open event stream at once', async () => {
    const op = (await login('night-op', 'night-shift-op-1')).cookie;
    const ended = new Promise<number>((resolve, reject) => {
      const t0 = Date.now();
      const req = request({ host: '127.0.0.1', port: wp.port, path: '/api/events', headers: { cookie: op } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.on('data', () => {});
        res.on('end', () => resolve(Date.now() - t0));
      });
      req.on('error', reject);
      req.end();
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await call('PATCH', `/api/users/${opId}`, { cookie: admin, json: { role: 'supervisor' } })).body).toMatchObject({ role: 'supervisor' });
    expect(await ended).toBeLessThan(5000);
    expect((await call('GET', '/api/cameras', { cookie: op })).status).toBe(401);
  });

  it('the last enabled admin cannot be disabled or demoted', async () => {
    for (const json of [{ disabled: true }, { role: 'operator' }]) {
      const r = await call('PATCH', '/api/users/1', { cookie: admin, json });
      expect([r.status, r.body.error.code]).toEqual([409, 'last_admin']);
    }
  });

  it('an admin reset forces a new password at next login; changing one\'s own ends the other sessions', async () => {
    expect((await call('POST', `/api/users/${opId}/password`, { cookie: admin, json: { password: 'temporary-pass-77' } })).status).toBe(200);
    expect((await login('night-op', 'night-shift-op-1')).status).toBe(401);
    const a = await login('night-op', 'temporary-pass-77');
    expect(a.body.user.mustChangePassword).toBe(true);
    const blocked = await call('GET', '/api/cameras', { cookie: a.cookie });
    expect([blocked.status, blocked.body.error.code]).toEqual([403, 'password_change_required']);
    const b = await login('night-op', 'temporary-pass-77');
    const wrong = await call('POST', '/api/session/password', { cookie: a.cookie, json: { current: 'nope', password: 'brand-new-pass-88' } });
    expect(wrong.status).toBe(400);
    const changed = await call('POST', '/api/session/password', { cookie: a.cookie, json: { current: 'temporary-pass-77', password: 'brand-new-pass-88' } });
    expect(changed.body.user.mustChangePassword).toBe(false);
    expect((await call('GET', '/api/cameras', { cookie: a.cookie })).status).toBe(200);
    expect((await call('GET', '/api/cameras', { cookie: b.cookie })).status).toBe(401);
  });

  it('lists and revokes sessions: one\'s own, or anyone\'s as admin; disabling blocks login', async () => {
    const c = (await login('night-op', 'brand-new-pass-88')).cookie;
    const mine = await call('GET', '/api/sessions', { cookie: c });
    expect(mine.body.every((s: Json) => s.username === 'night-op')).toBe(true);
    expect(mine.body.filter((s: Json) => s.current)).toHaveLength(1);
    const adminSessions = (await call('GET', '/api/sessions', { cookie: admin })).body as Json[];
    expect((await call('DELETE', `/api/sessions/${adminSessions[0].id}`, { cookie: c })).status).toBe(404);
    const theirs = (await call('GET', `/api/sessions?user=${opId}`, { cookie: admin })).body as Json[];
    expect((await call('DELETE', `/api/sessions/${theirs[0].id}`, { cookie: admin })).status).toBe(204);
    expect((await call('GET', '/api/cameras', { cookie: c })).status).toBe(401);
    expect((await call('PATCH', `/api/users/${opId}`, { cookie: admin, json: { disabled: true } })).body.disabled).toBe(true);
    expect((await login('night-op', 'brand-new-pass-88')).status).toBe(401);
    const audit = (await call('GET', '/api/audit?action=user', { cookie: admin })).body.entries as Json[];
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['user.create', 'user.update']));
  });

  it('camera groups: create, rename, validate cameras; a wall account only watches', async () => {
    const g = await call('POST', '/api/camera-groups', { cookie: admin, json: { name: 'B 座 Building B', cameras: ['gate'] } });
    expect(g.status).toBe(201);
    expect((await call('POST', '/api/camera-groups', { cookie: admin, json: { name: 'x', cameras: ['nope'] } })).body.error.code).toBe('unknown_camera');
    expect((await call('PATCH', `/api/camera-groups/${g.body.id}`, { cookie: admin, json: { cameras: ['gate', 'bank'] } })).body.cameras).toEqual(['bank', 'gate']);
    expect((await call('POST', '/api/users', { cookie: admin, json: { username: 'lobby-wall', password: 'lobby-wall-display-1', role: 'wall', groups: [g.body.id] } })).status).toBe(201);
    const wall = (await login('lobby-wall', 'lobby-wall-display-1')).cookie;
    expect((await call('GET', '/api/cameras', { cookie: wall })).status).toBe(200);
    expect((await call('GET', '/api/dutylog', { cookie: wall })).status).toBe(403);
    // the wall's patrol banner reads what is due; nothing else of patrol
    expect((await call('GET', '/api/patrol/due', { cookie: wall })).status).toBe(200);
    expect((await call('GET', '/api/patrol/rounds', { cookie: wall })).status).toBe(403);
    expect((await call('POST', '/api/dutylog', { cookie: wall, json: { category: 'other', text: 'x' } })).status).toBe(403);
    expect((await call('DELETE', `/api/camera-groups/${g.body.id}`, { cookie: admin })).status).toBe(204);
  });
});

describe('login abuse, CSRF, headers', () => {
  it('wrong passwords from one address lock that address only; the right password from another still works', async () => {
    expect((await call('POST', '/api/users', { cookie: admin, json: { username: 'guard2', password: 'guard-two-pass-1', role: 'operator' } })).status).toBe(201);
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await login('guard2', 'wrong-password', '127.0.0.2')).status);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
    expect((await login('guard2', 'guard-two-pass-1', '127.0.0.2')).status).toBe(429);
    const t0 = Date.now();
    expect((await login('guard2', 'guard-two-pass-1', '127.0.0.3')).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(6000); // slowed, not blocked
    const locked = (await call('GET', '/api/audit?action=login.locked', { cookie: admin })).body.entries as Json[];
    expect(locked[0]).toMatchObject({ actor: 'guard2', ip: '127.0.0.2', detail: { scope: 'pair' } });
  }, 30_000);

  it('refuses a foreign Origin and a non-JSON body on state-changing routes; scripts without Origin work', async () => {
    const foreign = await call('POST', '/api/dutylog', { cookie: admin, json: { category: 'other', text: 'x' }, headers: { origin: 'http://evil.example' } });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'csrf']);
    const text = await call('POST', '/api/handovers/1/ack', { cookie: admin, body: '{"note":"x"}', headers: { 'content-type': 'text/plain' } });
    expect([text.status, text.body.error.code]).toEqual([403, 'csrf']);
    const cross = await call('DELETE', '/api/session', { cookie: admin, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(cross.status).toBe(403);
    const same = await call('POST', '/api/dutylog', { cookie: admin, json: { category: 'other', text: '巡查正常' }, headers: { origin: `http://127.0.0.1:${wp.port}` } });
    expect(same.status).toBe(201);
    expect((await call('POST', '/api/dutylog', { cookie: admin, json: { category: 'other', text: 'from a script' } })).status).toBe(201);
  });

  it('the console has a script-src self CSP', async () => {
    const r = await call('GET', '/wall');
    expect(String(r.headers['content-security-policy'])).toMatch(/script-src 'self'(;|$)/);
    expect(String(r.headers['content-security-policy'])).toContain("object-src 'none'");
  });

  it('a weak WATCHPOST_ADMIN_PASSWORD is a clear start-up error', async () => {
    await expect(startWatchpost({ adminPassword: 'admin12345', configYaml: 'cameras: []\n' })).rejects.toThrow(/WATCHPOST_ADMIN_PASSWORD .*easy to guess/);
  }, 30_000);
});
