/**
 * Two real servers on one PostgreSQL database (issue J): the read caches of users, camera groups and sessions
 * follow the other server's writes (LISTEN/NOTIFY, server/store/sql/cache-events.ts) — a user created on A is
 * known to B, a session ended on A is refused on B within 2 s, a user disabled on A is refused on B, a camera
 * group changed on A changes what an operator sees on B; the listening connections killed by the database, a
 * change in the gap is seen once they are back; a malformed notification is logged and ignored.
 * Only 127.0.0.1 is contacted (a throwaway PostgreSQL from test/support/postgres.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgQuery, startPostgres, type PgCluster } from '../support/postgres.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let pgc: PgCluster;
let dbUrl = '';
let a: Watchpost;
let b: Watchpost;
const admin: Record<'a' | 'b', string> = { a: '', b: '' };

type Json = Record<string, unknown> & { id: number };
/** B's two cache-listener gauges from GET /metrics (admin session) */
const listenerMetrics = async (wp: Watchpost, cookie: string) => {
  const text = await (await fetch(`${wp.url}/metrics`, { headers: { cookie } })).text();
  const val = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { up: val('watchpost_db_cache_listener_up'), losses: val('watchpost_db_cache_listener_losses') };
};
const call = async (wp: Watchpost, method: string, path: string, cookie: string, body?: unknown) => {
  const r = await fetch(`${wp.url}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as Json };
};
const tryLogin = (wp: Watchpost, username: string, password: string) =>
  fetch(`${wp.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }).then((r) => r.status);
const query = <T>(text: string, params: unknown[] = []) => pgQuery<T>(dbUrl, text, params);
/** Polls until fn holds; returns how long it took (ms). */
async function within(ms: number, what: string, fn: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const cameraIds = async (wp: Watchpost, cookie: string) => ((await call(wp, 'GET', '/api/cameras', cookie)).body as unknown as { id: string }[]).map((c) => c.id).sort();

beforeAll(async () => {
  pgc = await startPostgres();
  dbUrl = await pgc.createDatabase('wp_two');
  const yaml = [
    'server: {host: 127.0.0.1}',
    'demo: false',
    'analytics: {enabled: false}',
    'cameras:',
    '  - {id: gate, name: "东门 Gate", url: "rtsp://127.0.0.1:9/none"}',
    '  - {id: bank, name: "银行 Bank", url: "rtsp://127.0.0.1:9/none"}',
  ].join('\n');
  const env = { WATCHPOST_DATABASE_URL: dbUrl, WATCHPOST_LOG_LEVEL: 'info' };
  a = await startWatchpost({ configYaml: yaml, env });
  b = await startWatchpost({ configYaml: yaml, env }); // the admin exists already (made by A): the same password
  admin.a = await login(a.url, 'admin', a.adminPassword);
  admin.b = await login(b.url, 'admin', b.adminPassword);
}, 120_000);
afterAll(async () => {
  await a?.dispose();
  await b?.dispose();
  await pgc?.dispose();
});

describe('two servers on one PostgreSQL database', () => {
  it('each listens on its own connection, outside the pool', async () => {
    const rows = await query<{ n: number }>("SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = 'watchpost-cache'");
    expect(rows[0]!.n).toBe(2);
    expect(a.output()).toContain('cache invalidation: listening');
    expect(b.output()).toContain('cache invalidation: listening');
  });

  it('a user created on A is known to B at once and logs in there', async () => {
    const made = await call(a, 'POST', '/api/users', admin.a, { username: '值班员-赵', password: 'night-shift-zhao-1', role: 'operator' });
    expect(made.status).toBe(201);
    // B's cache (GET /api/users/:id reads only the cache) has it within 2 s
    await within(2000, 'B knows the new user', async () => (await call(b, 'GET', `/api/users/${made.body.id}`, admin.b)).status === 200);
    expect(await tryLogin(b, '值班员-赵', 'night-shift-zhao-1')).toBe(200);
    // and B may change it: A sees that
    expect((await call(b, 'PATCH', `/api/users/${made.body.id}`, admin.b, { displayName: '赵 (夜班)' })).status).toBe(200);
    await within(2000, 'A sees B’s change', async () => (await call(a, 'GET', `/api/users/${made.body.id}`, admin.a)).body.displayName === '赵 (夜班)');
  });

  it('a session logged out or revoked on A is refused on B within 2 s', async () => {
    expect((await call(a, 'POST', '/api/users', admin.a, { username: 'wall-east', password: 'wall-east-pass-1', role: 'wall' })).status).toBe(201);
    const s1 = await login(b.url, 'wall-east', 'wall-east-pass-1');
    const s2 = await login(b.url, 'wall-east', 'wall-east-pass-1');
    expect((await call(b, 'GET', '/api/session', s1)).status).toBe(200); // cached on B
    expect((await call(a, 'DELETE', '/api/session', s1)).status).toBe(204); // logout on A
    const took = await within(2000, 'the logged-out session refused on B', async () => (await call(b, 'GET', '/api/session', s1)).status === 401);
    expect(took).toBeLessThan(2000);
    expect((await call(b, 'GET', '/api/session', s2)).status).toBe(200); // the other session stays
    // revoked by id by an admin on A
    const list = (await call(a, 'GET', '/api/sessions?all=1', admin.a)).body as unknown as { id: number; username: string }[];
    const mine = list.filter((s) => s.username === 'wall-east');
    expect(mine).toHaveLength(1);
    expect((await call(a, 'DELETE', `/api/sessions/${mine[0]!.id}`, admin.a)).status).toBe(204);
    await within(2000, 'the revoked session refused on B', async () => (await call(b, 'GET', '/api/session', s2)).status === 401);
  });

  it('a user disabled on A: its session on B is refused and it cannot log in on B; a password reset too', async () => {
    const made = await call(a, 'POST', '/api/users', admin.a, { username: 'op-disabled', password: 'op-disabled-pass-1', role: 'operator' });
    const onB = await login(b.url, 'op-disabled', 'op-disabled-pass-1');
    expect((await call(b, 'GET', '/api/cameras', onB)).status).toBe(200);
    expect((await call(a, 'PATCH', `/api/users/${made.body.id}`, admin.a, { disabled: true })).status).toBe(200);
    await within(2000, 'the disabled user’s session refused on B', async () => (await call(b, 'GET', '/api/cameras', onB)).status === 401);
    expect(await tryLogin(b, 'op-disabled', 'op-disabled-pass-1')).toBe(401);
    await within(2000, 'B lists it disabled', async () => (await call(b, 'GET', `/api/users/${made.body.id}`, admin.b)).body.disabled === true);
    // enabled again on A, its password reset on A: the old password no longer works on B, the new one must be changed
    expect((await call(a, 'PATCH', `/api/users/${made.body.id}`, admin.a, { disabled: false })).status).toBe(200);
    const again = await login(b.url, 'op-disabled', 'op-disabled-pass-1');
    expect((await call(a, 'POST', `/api/users/${made.body.id}/password`, admin.a, { password: 'op-reset-pass-2' })).status).toBe(200);
    await within(2000, 'the reset user’s session refused on B', async () => (await call(b, 'GET', '/api/session', again)).status === 401);
    expect(await tryLogin(b, 'op-disabled', 'op-disabled-pass-1')).toBe(401);
    const fresh = await login(b.url, 'op-disabled', 'op-reset-pass-2');
    expect((await call(b, 'GET', '/api/session', fresh)).body).toMatchObject({ user: { mustChangePassword: true } });
  });

  it('a user demoted on A is demoted on B', async () => {
    const made = await call(a, 'POST', '/api/users', admin.a, { username: 'admin-2', password: 'second-admin-pass-1', role: 'admin' });
    const onB = await login(b.url, 'admin-2', 'second-admin-pass-1');
    expect((await call(b, 'GET', '/api/users', onB)).status).toBe(200);
    expect((await call(a, 'PATCH', `/api/users/${made.body.id}`, admin.a, { role: 'operator' })).status).toBe(200);
    await within(2000, 'B demoted it', async () => (await call(b, 'GET', `/api/users/${made.body.id}`, admin.b)).body.role === 'operator');
    expect((await call(b, 'GET', '/api/users', onB)).status).toBe(401); // its sessions ended with the role change
    const next = await login(b.url, 'admin-2', 'second-admin-pass-1');
    expect((await call(b, 'GET', '/api/users', next)).status).toBe(403);
  });

  it('a camera group changed on A changes GET /api/cameras for an operator on B', async () => {
    const g = await call(a, 'POST', '/api/camera-groups', admin.a, { name: '东区 East', cameras: ['gate'] });
    expect(g.status).toBe(201);
    // B gives the group to an operator (B's cache must know the group A made)
    const u = await call(b, 'POST', '/api/users', admin.b, { username: 'op-east', password: 'op-east-pass-1', role: 'operator', cameras: [] });
    await within(2000, 'B can give A’s group', async () => (await call(b, 'PATCH', `/api/users/${u.body.id}`, admin.b, { groups: [g.body.id] })).status === 200);
    const op = await login(b.url, 'op-east', 'op-east-pass-1');
    expect(await cameraIds(b, op)).toEqual(['gate']);
    expect((await call(a, 'PATCH', `/api/camera-groups/${g.body.id}`, admin.a, { cameras: ['gate', 'bank'] })).status).toBe(200);
    await within(2000, 'B shows the group’s new camera', async () => (await cameraIds(b, op)).join() === 'bank,gate');
    expect((await call(b, 'GET', '/api/cameras/bank', op)).status).toBe(200);
    expect((await call(a, 'DELETE', `/api/camera-groups/${g.body.id}`, admin.a)).status).toBe(204);
    await within(2000, 'B forgets the deleted group', async () => (await cameraIds(b, op)).length === 0);
    expect((await call(b, 'GET', '/api/cameras/gate', op)).status).toBe(404);
    expect((await call(b, 'GET', `/api/users/${u.body.id}`, admin.b)).body.groups).toEqual([]);
  });

  it('a malformed notification is logged and ignored; the next event still arrives', async () => {
    await query("SELECT pg_notify('watchpost_cache', 'not json at all')");
    await query(`SELECT pg_notify('watchpost_cache', $1)`, [JSON.stringify({ table: 'users', id: 'x', from: 'somebody' })]);
    for (const wp of [a, b]) await within(2000, 'the warning', async () => (wp.output().match(/ignored a malformed notification/g) ?? []).length >= 2);
    const made = await call(a, 'POST', '/api/users', admin.a, { username: 'op-after', password: 'op-after-pass-1', role: 'operator' });
    await within(2000, 'B knows the user made after the bad ones', async () => (await call(b, 'GET', `/api/users/${made.body.id}`, admin.b)).status === 200);
    expect(a.process().exitCode).toBeNull();
    expect(b.process().exitCode).toBeNull();
  });

  it('the listening connections killed: logged, back with a backoff, and a change made in the gap is seen', async () => {
    const g = await call(a, 'POST', '/api/camera-groups', admin.a, { name: '西区 West', cameras: ['gate'] });
    const u = await call(a, 'POST', '/api/users', admin.a, { username: 'op-west', password: 'op-west-pass-1', role: 'operator', cameras: [], groups: [g.body.id] });
    const victim = await call(a, 'POST', '/api/users', admin.a, { username: 'op-gap', password: 'op-gap-pass-1', role: 'operator' });
    const op = await login(b.url, 'op-west', 'op-west-pass-1');
    const gapSession = await login(b.url, 'op-gap', 'op-gap-pass-1');
    expect(await cameraIds(b, op)).toEqual(['gate']);
    const lostBefore = (b.output().match(/lost the listening connection/g) ?? []).length;
    const before = await listenerMetrics(b, admin.b);
    expect(before.up).toBe(1);

    // the database's owner ends both servers' listening connections (as a restart or a network cut would)
    const killed = await query<{ ok: boolean }>("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'watchpost-cache'");
    expect(killed.map((k) => k.ok)).toEqual([true, true]);
    // in the gap (the first retry comes after 1 s): a change through A, whose notification B cannot receive …
    expect((await call(a, 'PATCH', `/api/camera-groups/${g.body.id}`, admin.a, { cameras: ['gate', 'bank'] })).status).toBe(200);
    // … and changes made behind both servers' backs, which send no notification at all: only a reload finds them
    await query("UPDATE users SET display_name = '缺口' WHERE username = 'op-gap'");
    await query('DELETE FROM sessions WHERE user_id = $1', [victim.body.id]);

    for (const wp of [a, b]) {
      await within(10_000, 'the loss and the reconnect logged', async () => {
        const out = wp.output();
        return (out.match(/lost the listening connection/g) ?? []).length > (wp === b ? lostBefore : 0) && /listening again, reloading the caches/.test(out);
      });
    }
    await within(5000, 'B sees the change made in the gap', async () => (await cameraIds(b, op)).join() === 'bank,gate');
    await within(2000, 'B re-read the users', async () => (await call(b, 'GET', `/api/users/${victim.body.id}`, admin.b)).body.displayName === '缺口');
    expect((await call(b, 'GET', '/api/session', gapSession)).status).toBe(401);
    const rows = await query<{ n: number }>("SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = 'watchpost-cache'");
    expect(rows[0]!.n).toBe(2);
    // the operator's dashboard saw it too: the listener is up again after one more loss
    expect(await listenerMetrics(b, admin.b)).toEqual({ up: 1, losses: before.losses + 1 });
    // and the events flow again
    expect((await call(a, 'PATCH', `/api/camera-groups/${g.body.id}`, admin.a, { cameras: [] })).status).toBe(200);
    await within(2000, 'B sees the next change', async () => (await cameraIds(b, op)).length === 0);
    expect(a.process().exitCode).toBeNull();
    expect(b.process().exitCode).toBeNull();
    expect(u.status).toBe(201);
  });
});
