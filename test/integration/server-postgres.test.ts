/**
 * The real server on PostgreSQL (issue J: `cluster.database` / WATCHPOST_DATABASE_URL), one camera on the GStreamer
 * RTSP source: everything it keeps is in the database (no SQLite file in the data dir), the duty log, the audit
 * trail and the camera's seals verify there and survive a restart, a row changed behind the server's back is named,
 * ids no row can have are a 404 (not PostgreSQL's out-of-range error as a 500), and a database that cannot be
 * reached or refuses the login stops the start-up with one clear line that never shows the password.
 * Only 127.0.0.1 is contacted (a throwaway PostgreSQL from test/support/postgres.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../support/until.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgQuery, startPostgres, type PgCluster } from '../support/postgres.ts';
import { freePort, startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let pgc: PgCluster;
let dbUrl = '';
let rtsp: RtspServer;
let wp: Watchpost;
let cookie = '';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked with toMatchObject
const get = async (path: string): Promise<any> => (await fetch(`${wp.url}${path}`, { headers: { cookie } })).json();
const send = (method: string, path: string, body: unknown, c = cookie) =>
  fetch(`${wp.url}${path}`, { method, headers: { 'content-type': 'application/json', cookie: c }, body: JSON.stringify(body) });
const query = <T>(text: string, params: unknown[] = []) => pgQuery<T>(dbUrl, text, params);

beforeAll(async () => {
  [pgc, rtsp] = await Promise.all([startPostgres(), startRtspServer({ width: 320, height: 240, fps: 10 })]);
  dbUrl = await pgc.createDatabase('wp_server');
  const yaml = [
    'server: {host: 127.0.0.1}',
    'demo: false',
    'analytics: {enabled: false}',
    'storage: {segmentSeconds: 2, checkpointSeconds: 1}',
    'cameras:',
    `  - {id: gate, name: "东门 Gate 🚪", url: "${rtsp.url()}"}`,
  ].join('\n');
  wp = await startWatchpost({ configYaml: yaml, env: { WATCHPOST_DATABASE_URL: dbUrl } });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
}, 90_000);
afterAll(async () => {
  await wp?.dispose();
  await rtsp?.stop();
  await pgc?.dispose();
});

describe('the server on PostgreSQL', () => {
  it('keeps users, the duty log, the audit trail and the segment index in PostgreSQL, no SQLite file beside it', async () => {
    expect((await send('POST', '/api/users', { username: '值班员-李', password: 'night-shift-op-1', role: 'operator' })).status).toBe(201);
    const text = '东门巡查正常 ✓ 👮‍♀️ ‮RTL‬';
    expect((await send('POST', '/api/dutylog', { category: 'other', text })).status).toBe(201);
    const from = Date.now() - 60_000;
    const tl = await until('a recorded range', async () => {
      const r = await get(`/api/cameras/gate/timeline?from=${from}&to=${Date.now() + 60_000}`);
      return r.ranges?.length ? r : undefined;
    });
    expect(tl.ranges.length).toBeGreaterThan(0);
    expect(await query('SELECT username FROM users WHERE username = $1', ['值班员-李'])).toHaveLength(1);
    expect(await query('SELECT seq FROM duty_log WHERE text = $1', [text])).toHaveLength(1);
    expect((await query<{ n: number }>("SELECT COUNT(*)::int AS n FROM segments WHERE camera_id = 'gate'"))[0]!.n).toBeGreaterThan(0);
    expect((await query<{ n: number }>("SELECT COUNT(*)::int AS n FROM audit_log WHERE action = 'user.create'"))[0]!.n).toBe(1);
    expect(existsSync(join(wp.dataDir, 'watchpost.db'))).toBe(false);
    // the equipment report reads the same database
    const rep = await get('/api/reports/equipment');
    expect(JSON.stringify(rep)).toContain('gate');
  }, 60_000);

  it('the chains verify on PostgreSQL, are sealed, and hold across a restart', async () => {
    const v = await until('a sealed duty log', async () => {
      const r = await get('/api/dutylog/verify');
      return r.ok && r.seal?.unsealed === 0 ? r : undefined;
    });
    expect(v).toMatchObject({ ok: true, triggers: true });
    expect(await get('/api/audit/verify')).toMatchObject({ ok: true, triggers: true });
    await until('a sealed segment', async () => {
      const [r] = await query<{ n: number }>("SELECT COUNT(*)::int AS n FROM segments WHERE camera_id = 'gate' AND seal_seq IS NOT NULL");
      return r!.n > 0 ? r : undefined;
    });
    await wp.restart();
    cookie = await login(wp.url, '值班员-李', 'night-shift-op-1');
    const list = await get('/api/dutylog?limit=50');
    expect(JSON.stringify(list)).toContain('东门巡查正常');
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    expect(await get('/api/dutylog/verify')).toMatchObject({ ok: true, triggers: true });
    expect(await get('/api/audit/verify')).toMatchObject({ ok: true, triggers: true });
    const starts = await query<{ n: number }>("SELECT COUNT(*)::int AS n FROM audit_log WHERE action = 'system.start'");
    expect(starts[0]!.n).toBe(2);
  }, 90_000);

  it('ids no row can have are a 404, not a 500 from PostgreSQL', async () => {
    for (const path of ['/api/patrol/routes/2147483648', '/api/users/99999999999', '/api/patrol/rounds/9007199254740993', '/api/dutylog/9007199254740993']) {
      const r = await fetch(`${wp.url}${path}`, { headers: { cookie } });
      expect([path, r.status]).toEqual([path, 404]);
    }
  });

  it('a duty-log entry edited in PostgreSQL behind the server is named by the verify', async () => {
    expect((await send('POST', '/api/dutylog', { category: 'other', text: 'B2 车库消防通道畅通' })).status).toBe(201);
    const [row] = await query<{ seq: number }>("SELECT seq FROM duty_log WHERE text LIKE '东门巡查正常%'");
    // the table's owner can switch its append-only triggers off, as an intruder with the database password could
    await query(`ALTER TABLE duty_log DISABLE TRIGGER USER; UPDATE duty_log SET text = text || ' (edited)' WHERE seq = ${Number(row!.seq)}; ALTER TABLE duty_log ENABLE TRIGGER USER`);
    expect(await get('/api/dutylog/verify')).toMatchObject({ ok: false, broken: { seq: Number(row!.seq) } });
  });
});

describe('a database the server cannot use', () => {
  const start = async (url: string) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wp-pgbad-'));
    try {
      return await startWatchpost({ configYaml: 'demo: false\nserver: {host: 127.0.0.1}\ncameras: []', env: { WATCHPOST_DATABASE_URL: url }, dataDir }).then(
        (w) => w.dispose().then(() => 'started'),
        (e: Error) => e.message,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  it('nothing listening, or a wrong password: one clear line, exit 2, the password never shown', async () => {
    const closed = await start(`postgres://watchpost:pw-not-logged-1@127.0.0.1:${await freePort()}/watchpost`);
    expect(closed).toMatch(/exited \(2\) before it was up/);
    expect(closed).toMatch(/cannot connect to the database postgres:\/\/watchpost:\*\*\*@127\.0\.0\.1:\d+\/watchpost/);
    expect(closed).not.toContain('pw-not-logged-1');
    const wrong = new URL(dbUrl);
    wrong.password = 'pw-not-logged-2';
    const refused = await start(wrong.toString());
    expect(refused).toMatch(/exited \(2\) before it was up/);
    expect(refused).toMatch(/cannot connect to the database .*password authentication failed/);
    expect(refused).not.toContain('pw-not-logged-2');
  }, 60_000);
});
