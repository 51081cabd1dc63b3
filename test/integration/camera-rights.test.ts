/**
 * Per-camera rights (issue G point 2), as a matrix generated from the server's own route table
 * (`GET /api/meta/routes`): every route × every role × (allowed camera, forbidden camera, no session).
 *  - no session: 401 on every route but health and login;
 *  - a camera the user may not see, named in the path or through a record (alarm, segment, duty-log entry,
 *    lock, export, patrol route or round): 404 for every role and method;
 *  - the allowed camera: the same answer as for an unrestricted user of the same role (GET routes);
 *  - a route with a parameter the matrix does not know fails the test: new routes must be classified.
 * Lists, reports (JSON and CSV), the audit CSV and the event stream only carry visible cameras.
 */
import Database from 'better-sqlite3';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { startWatchpost, type Watchpost } from '../support/server.ts';
import { seedAlarm } from '../support/alarms.ts';

let wp: Watchpost;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const ROLES = ['operator', 'supervisor', 'investigator', 'admin', 'wall', 'guard'] as const;
const cookies: Record<string, string> = {};
const rec: Record<string, Record<'gate' | 'bank', string>> = {};

const call = apiClient(() => wp, { timeoutMs: 5000 });

async function login(username: string, password: string): Promise<string> {
  const r = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: wp.port, method: 'POST', path: '/api/session', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(String(res.headers['set-cookie']?.[0] ?? '').split(';')[0]!);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ username, password }));
  });
  return r;
}

beforeAll(async () => {
  wp = await startWatchpost({ configYaml: 'cameras:\n  - {id: gate, name: "东门 Gate", url: "rtsp://127.0.0.1:9/none"}\n  - {id: bank, name: "银行 Bank", url: "rtsp://127.0.0.1:9/none"}\n' });
  cookies.root = await login('admin', wp.adminPassword);
  const admin = (m: string, p: string, json?: unknown) => call(m, p, { cookie: cookies.root, json });
  for (const role of ROLES) {
    for (const [prefix, cams] of [['r', ['gate']], ['u', null]] as const) {
      const u = await admin('POST', '/api/users', { username: `${prefix}-${role}`, password: `${prefix}-${role}-pass-2026`, role, cameras: cams });
      expect(u.status, JSON.stringify(u.body)).toBe(201);
      cookies[`${prefix}-${role}`] = await login(`${prefix}-${role}`, `${prefix}-${role}-pass-2026`);
    }
  }
  expect((await admin('POST', '/api/users', { username: 'g-owner', password: 'g-owner-pass-2026', role: 'guard' })).status).toBe(201);
  const now = Date.now();
  const db = new Database(join(wp.dataDir, 'watchpost.db'));
  try {
    for (const cam of ['gate', 'bank'] as const) {
      const put = (k: string, v: string | number) => ((rec[k] ??= {} as Record<'gate' | 'bank', string>)[cam] = String(v));
      put('seq', (await admin('POST', '/api/dutylog', { category: 'anomaly', text: `${cam} 门口有可疑人员`, cameraId: cam })).body.seq);
      put('lock', (await admin('POST', '/api/locks', { camera: cam, from: now - 60_000, to: now - 30_000, reason: `keep ${cam}` })).body.id);
      const route = await admin('POST', '/api/patrol/routes', { name: `${cam} route`, intervalMin: 60, stops: [{ cameraId: cam }] });
      put('route', route.body.id);
      const starter = cam === 'gate' ? 'root' : 'u-supervisor';
      put('round', (await call('POST', '/api/patrol/rounds', { cookie: cookies[starter], json: { routeId: route.body.id } })).body.id);
      put('alarm', seedAlarm(db, { cameraId: cam, zone: 'lane', kind: 'blocked_exit', sinceMs: now, startMs: now }));
      // a guard dispatch (issue L point 2) addressed to a third guard: the same answer (403) for r-guard and u-guard
      const owner = (db.prepare(`SELECT id FROM users WHERE username = 'g-owner'`).get() as { id: number }).id;
      put('dispatch', Number(db.prepare(`INSERT INTO dispatches (alarm_id, camera_id, guard_id, by_name, state, sent_ms, accept_by_ms) VALUES (?, ?, ?, 'admin', 'sent', ?, ?)`).run(Number(rec.alarm![cam]), cam, owner, now, now + 3600_000).lastInsertRowid));
      put('seg', Number(db.prepare(`INSERT INTO segments (camera_id, path, start_ms, end_ms, bytes, codec, created_at) VALUES (?, ?, ?, ?, 1, 'h264', ?)`).run(cam, `${cam}/x/${cam}.mp4`, now - 20_000, now - 10_000, now).lastInsertRowid));
      const exp = `exp-${cam}`;
      db.prepare(`INSERT INTO exports (id, camera_ids, from_ms, to_ms, reason, username, role, status, created_at) VALUES (?, ?, ?, ?, 'x', 'admin', 'admin', 'done', ?)`).run(exp, JSON.stringify([cam]), now - 20_000, now - 10_000, now);
      put('export', exp);
    }
  } finally {
    db.close();
  }
}, 90_000);
afterAll(async () => {
  await wp?.dispose();
});

/** Which record a path parameter stands for, by the route's prefix. */
const RECORD_PARAM: [RegExp, string][] = [
  [/^\/api\/(onvif\/)?cameras\/:id/, 'camera'],
  [/^\/hls\/:cameraId/, 'camera'],
  [/^\/api\/alarms\/:id/, 'alarm'],
  [/^\/api\/dispatches\/:id/, 'dispatch'],
  [/^\/api\/recordings\/:seg/, 'seg'],
  [/^\/api\/dutylog\/:seq/, 'seq'],
  [/^\/api\/locks\/:id/, 'lock'],
  [/^\/api\/exports\/:id/, 'export'],
  [/^\/api\/patrol\/routes\/:id/, 'route'],
  [/^\/api\/patrol\/rounds\/:id/, 'round'],
];
/** Routes whose parameters are not about a camera. */
const NOT_CAMERA = [/^\/api\/nodes\/:id/, /^\/api\/users\/:id/, /^\/api\/camera-groups\/:id/, /^\/api\/handovers\/:id/, /^\/api\/sessions\/:id/, /^\/api\/wall-views\/:id/, /^\/hls-mux\/:channel/];
const OTHER_PARAMS: Record<string, string> = { ':idx': '0', ':token': 'p1', ':file': 'index.m3u8', ':n': '1' };

function fill(path: string, cam: 'gate' | 'bank'): string | undefined {
  const kind = RECORD_PARAM.find(([re]) => re.test(path))?.[1];
  if (!kind) return undefined;
  let out = path.replace(/:(id|cameraId|seg|seq)\b/, kind === 'camera' ? cam : rec[kind]![cam]);
  for (const [k, v] of Object.entries(OTHER_PARAMS)) out = out.replace(k, v);
  return out;
}

describe('per-camera rights matrix', () => {
  let routes: { method: string; path: string }[] = [];
  beforeAll(async () => {
    routes = ((await call('GET', '/api/meta/routes', { cookie: cookies.root })).body as { method: string; path: string }[]).filter((r) => r.path !== '/api/events' || r.method === 'GET');
    expect(routes.length).toBeGreaterThan(80);
  });

  it('classifies every route with a parameter (a new one must be added here)', () => {
    const unknown = routes.filter((r) => r.path.includes(':') && !RECORD_PARAM.some(([re]) => re.test(r.path)) && !NOT_CAMERA.some((re) => re.test(r.path)));
    expect(unknown).toEqual([]);
  });

  it('no session: 401 everywhere but health and login', async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      if (r.path === '/api/health' || (r.path === '/api/session' && r.method === 'POST')) continue;
      const p = r.path.includes(':') ? (fill(r.path, 'gate') ?? r.path.replace(/:[a-z]+/gi, '1')) : r.path;
      const res = await call(r.method, p, { json: r.method === 'GET' ? undefined : {} });
      if (res.status !== 401) wrong.push(`${r.method} ${p} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('a forbidden camera is 404 for every role and method, named in the path or through its record', async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      const p = fill(r.path, 'bank');
      if (!p) continue;
      for (const role of ROLES) {
        const res = await call(r.method, p, { cookie: cookies[`r-${role}`], json: r.method === 'GET' ? undefined : {} });
        if (res.status !== 404) wrong.push(`${role} ${r.method} ${p} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('the allowed camera answers as it does for an unrestricted user of the same role', async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.method === 'GET')) {
      const p = fill(r.path, 'gate') ?? (r.path.includes(':') ? undefined : r.path);
      // the route table and the metrics name every camera: by design only for users who see all of them
      if (!p || p.startsWith('/api/meta') || p === '/metrics') continue;
      for (const role of ROLES) {
        const [mine, theirs] = await Promise.all([call('GET', p, { cookie: cookies[`r-${role}`] }), call('GET', p, { cookie: cookies[`u-${role}`] })]);
        if (mine.status !== theirs.status) wrong.push(`${role} GET ${p} → ${mine.status}, unrestricted ${theirs.status}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('odd record ids (NUL, emoji, beyond 2^53) are looked up without error: the same answer as for an unrestricted user, never 500', async () => {
    const odd = ['/api/exports/exp-%00', '/api/exports/%F0%9F%91%A9%F0%9F%8F%BD%E2%80%8D%F0%9F%9A%92%E2%80%AE', '/api/exports/%E0%A4', '/api/recordings/99999999999999999999/segment',
      '/api/dispatches/99999999999999999999', '/api/locks/99999999999999999999', '/api/patrol/rounds/99999999999999999999', '/api/patrol/routes/0'];
    const wrong: string[] = [];
    for (const p of odd) {
      const [mine, theirs] = await Promise.all([call('GET', p, { cookie: cookies['r-investigator'] }), call('GET', p, { cookie: cookies['u-investigator'] })]);
      if (mine.status !== theirs.status || mine.status >= 500) wrong.push(`GET ${p} → ${mine.status}, unrestricted ${theirs.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('CSRF: a foreign Origin and a text/plain body are 403 csrf on every state-changing route', async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.method !== 'GET')) {
      const p = fill(r.path, 'gate') ?? r.path.replace(/:[a-z]+/gi, '1');
      for (const headers of [{ origin: 'http://evil.example', 'content-type': 'application/json' }, { 'content-type': 'text/plain' }]) {
        const res = await new Promise<number>((resolve, reject) => {
          const body = '{}';
          const req = request({ host: '127.0.0.1', port: wp.port, method: r.method, path: p, headers: { ...headers, cookie: cookies.root!, 'content-length': '2' } }, (res2) => {
            res2.resume();
            resolve(res2.statusCode!);
          });
          req.on('error', reject);
          req.end(body);
        });
        if (res !== 403) wrong.push(`${r.method} ${p} ${JSON.stringify(headers)} → ${res}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('a body naming a forbidden camera is 404 (exports, locks, duty log, patrol routes and rounds)', async () => {
    const c = cookies['r-admin'];
    const now = Date.now();
    const cases: [string, string, unknown][] = [
      ['POST', '/api/exports', { cameras: ['gate', 'bank'], from: now - 20_000, to: now - 10_000, reason: 'try' }],
      ['POST', '/api/locks', { camera: 'bank', from: now - 20_000, to: now - 10_000, reason: 'try' }],
      ['POST', '/api/dutylog', { category: 'other', text: 'x', cameraId: 'bank' }],
      ['POST', '/api/patrol/routes', { name: 'r', intervalMin: 60, stops: [{ cameraId: 'bank' }] }],
      ['PUT', `/api/patrol/routes/${rec.route!.gate}`, { name: 'r', intervalMin: 60, stops: [{ cameraId: 'bank' }] }],
      ['POST', '/api/patrol/rounds', { routeId: Number(rec.route!.bank) }],
    ];
    for (const [m, p, json] of cases) expect([m, p, (await call(m, p, { cookie: c, json })).status]).toEqual([m, p, 404]);
  });
});

describe('lists only carry visible cameras', () => {
  it('cameras, alarms, duty log, locks, exports, patrol routes and rounds, audit, reports, the event stream', async () => {
    const c = cookies['r-supervisor'];
    const u = cookies['u-supervisor'];
    const get = async (p: string, who = c) => (await call('GET', p, { cookie: who })).body;
    expect((await get('/api/cameras')).map((x: Json) => x.id)).toEqual(['gate']);
    expect((await get('/api/alarms?status=all')).alarms.map((a: Json) => a.cameraId)).toEqual(['gate']);
    expect(new Set((await get('/api/dutylog')).filter((e: Json) => e.cameraId).map((e: Json) => e.cameraId))).toEqual(new Set(['gate']));
    expect((await get('/api/locks')).map((l: Json) => l.camera)).toEqual(['gate']);
    expect((await get('/api/patrol/routes')).map((r: Json) => r.name)).toEqual(['gate route']);
    expect((await get('/api/patrol/rounds')).length).toBe(1);
    const audit = (await get('/api/audit?limit=1000')).entries as Json[];
    expect(audit.some((e) => e.cameraId === 'bank')).toBe(false);
    expect(((await get('/api/audit?limit=1000', u)).entries as Json[]).some((e) => e.cameraId === 'bank')).toBe(true);
    const csv = (await call('GET', '/api/audit/export.csv', { cookie: c })).text;
    expect(csv).toContain('gate');
    expect(csv).not.toMatch(/,bank,/);
    const report = await get('/api/reports/daily');
    expect(JSON.stringify(report)).not.toContain('bank 门口');
    expect(JSON.stringify(report)).toContain('gate 门口');
    expect((await call('GET', '/api/reports/daily?format=csv', { cookie: c })).text).not.toContain('bank 门口');
    const sse = (await call('GET', '/api/events', { cookie: c })).text;
    const hello = JSON.parse(/event: hello\ndata: (.*)\n/.exec(sse)![1]!) as Json;
    expect(hello.cameras.map((x: Json) => x.id)).toEqual(['gate']);
    expect((await get('/api/exports')).map((e: Json) => e.id)).toEqual(['exp-gate']);
    expect((await call('GET', '/metrics', { cookie: cookies['r-admin'] })).status).toBe(403);
    expect((await call('GET', '/metrics', { cookie: cookies['u-admin'] })).status).toBe(200);
  });
});
