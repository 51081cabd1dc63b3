/**
 * Issue F points 1, 2 and 5 through the real server: a lone surrogate sent raw (one of them unauthenticated)
 * does not break the audit chain; checkpoints are signed while the server runs and at shutdown, printed on the
 * daily report and the handover; rows deleted at the end behind the server's back are caught by the API and
 * by `npm run verify-log`; file modes keep the data private; a missing key is a start-up error.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, login, startWatchpost, type Watchpost } from '../support/server.ts';

let wp: Watchpost;
let cookie = '';

const raw = (path: string, body: string, withCookie = true) =>
  fetch(`${wp.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(withCookie ? { cookie } : {}) }, body });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked with toMatchObject
const get = async (path: string) => (await fetch(`${wp.url}${path}`, { headers: { cookie } })).json() as Promise<Record<string, any>>;

function verifyLog(): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) =>
    execFile(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['scripts/verify-log.ts', '--data-dir', wp.dataDir], { cwd: REPO_ROOT }, (err, stdout) =>
      resolve({ code: err ? Number(err.code) : 0, stdout }),
    ),
  );
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  wp = await startWatchpost({ configYaml: 'storage: {checkpointSeconds: 1}\ncameras: []\n' });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
}, 60_000);
afterAll(async () => {
  await wp?.dispose();
});

describe('records that hold up (issue F)', () => {
  it('a lone surrogate sent raw does not break the audit chain; a typed one is refused', async () => {
    const res = await raw('/api/session', '{"username":"\\udc00evil","password":"x"}', false);
    expect(res.status).toBe(401);
    const failed = (await get('/api/audit?action=login.failed')).entries[0];
    expect(failed.detail.username ?? failed.target ?? failed.actor).toContain('\ufffdevil');
    expect(await get('/api/audit/verify')).toMatchObject({ ok: true });
    // a NUL (PostgreSQL text cannot hold it) with RTL marks and an emoji ZWJ sequence: the entry is kept, NUL → U+FFFD
    const nul = await raw('/api/session', '{"username":"ad\\u0000min \\u200f\\u202e👮\\u200d♀️","password":"x"}', false);
    expect(nul.status).toBe(401);
    const kept = (await get('/api/audit?action=login.failed')).entries[0];
    expect(kept.detail.username ?? kept.target ?? kept.actor).toBe('ad\ufffdmin \u200f\u202e👮\u200d♀️');
    expect(await get('/api/audit/verify')).toMatchObject({ ok: true, headMatches: true, triggers: true });
    const typed = await raw('/api/dutylog', '{"category":"other","text":"lone \\ud800 surrogate"}');
    expect(typed.status).toBe(400);
    expect(await typed.json()).toMatchObject({ error: { code: 'invalid_text' } });
    // camera and zone names typed by a person are refused the same way, before anything is stored
    for (const [method, path] of [['POST', '/api/cameras'], ['PATCH', '/api/cameras/gate'], ['PUT', '/api/cameras/gate/zones']]) {
      const r = await fetch(`${wp.url}${path}`, { method, headers: { 'content-type': 'application/json', cookie }, body: '{"id":"gate","name":"Gate \\udc00","url":"rtsp://127.0.0.1:9/x"}' });
      expect([path, r.status, ((await r.json()) as { error: { code: string } }).error.code]).toEqual([path, 400, 'invalid_text']);
    }
    expect(await get('/api/dutylog/verify')).toMatchObject({ ok: true, triggers: true });
    expect(await get('/api/audit/verify')).toMatchObject({ ok: true });
  });

  it('signs checkpoints while running and prints the newest on the daily report and the handover', async () => {
    for (const text of ['东门巡查正常', 'B2 车库消防通道畅通', 'Visitor 王先生 signed in']) {
      expect((await raw('/api/dutylog', JSON.stringify({ category: 'other', text }))).status).toBe(201);
    }
    const v = await until(async () => {
      const r = await get('/api/dutylog/verify');
      return r.seal?.unsealed === 0 && r.entries >= 3 ? r : undefined;
    });
    expect(v).toMatchObject({ ok: true, seal: { problem: null, newest: { hash: expect.stringMatching(/^[0-9a-f]{64}$/) } } });
    const report = await get('/api/reports/daily');
    expect(report.checkpoint).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const html = await (await fetch(`${wp.url}/api/reports/daily?format=html`, { headers: { cookie } })).text();
    expect(html).toContain(report.checkpoint.hash);
    const h = (await (await raw('/api/handovers', JSON.stringify({ notes: '交班：一切正常' }))).json()) as { checkpoint: unknown };
    expect(h.checkpoint).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('keeps the data dir, database, key and checkpoints private', () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(wp.dataDir)).toBe(0o700);
    expect(mode(join(wp.dataDir, 'watchpost.db'))).toBe(0o600);
    expect(mode(join(wp.dataDir, 'evidence-ed25519.pem'))).toBe(0o600);
    expect(mode(join(wp.dataDir, 'checkpoints'))).toBe(0o700);
    for (const f of readdirSync(join(wp.dataDir, 'checkpoints'))) expect(mode(join(wp.dataDir, 'checkpoints', f))).toBe(0o600);
  });

  it('rows deleted at the end with the triggers put back are caught by verify-log and the API', async () => {
    const before = await get('/api/dutylog/verify');
    await wp.stop(); // shutdown seals the rest
    const db = new Database(join(wp.dataDir, 'watchpost.db'));
    const n = (db.prepare('SELECT MAX(seq) AS n FROM duty_log').get() as { n: number }).n;
    expect(n).toBeGreaterThanOrEqual(before.entries);
    db.exec('DROP TRIGGER duty_log_no_delete');
    db.prepare('DELETE FROM duty_log WHERE seq > ?').run(n - 3);
    db.exec(`CREATE TRIGGER duty_log_no_delete BEFORE DELETE ON duty_log BEGIN SELECT RAISE(ABORT, 'duty_log is append-only: entries cannot be deleted'); END`);
    db.close();
    const out = await verifyLog();
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(`duty log BROKEN at entry ${n - 2}`);
    expect(out.stdout).toMatch(/audit trail OK/);
    await wp.restart();
    cookie = await login(wp.url, 'admin', wp.adminPassword);
    expect(await get('/api/dutylog/verify')).toMatchObject({ ok: false, triggers: true, broken: { seq: n - 2 }, seal: { problem: { kind: 'tail_deleted' } } });
  }, 60_000);

  it('a missing signing key is a start-up error once something was sealed, never a silent new key', async () => {
    await wp.stop();
    const key = join(wp.dataDir, 'evidence-ed25519.pem');
    renameSync(key, `${key}.away`);
    try {
      await expect(wp.restart()).rejects.toThrow(/signing key .* is missing/);
      expect(existsSync(key)).toBe(false);
    } finally {
      renameSync(`${key}.away`, key);
    }
    await wp.restart();
  }, 60_000);
});
