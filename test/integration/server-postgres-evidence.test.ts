/**
 * Evidence through the real server on PostgreSQL (issue J, WATCHPOST_DATABASE_URL), as the SQLite twins do it
 * (evidence-export, retention-quota, camera-rights): an export of a recorded range finishes and its bundle verifies
 * (library and the offline `scripts/verify-export.ts`), its evidence lock holds; an investigator limited to one
 * camera group is refused the other camera's recordings and exports (404); a restart with a tiny disk quota deletes
 * the oldest unlocked segments and keeps the locked ones, and the recordings' seal chains still verify
 * (`verify-recordings --database-url`). Two GStreamer RTSP cameras, a throwaway PostgreSQL, all on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { until as poll } from '../support/until.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../server/evidence/verify.ts';
import { apiClient } from '../support/api.ts';
import { pgQuery, startPostgres, type PgCluster } from '../support/postgres.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, REPO_ROOT, startWatchpost, TSX, type Watchpost } from '../support/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'wp-pg-evidence-'));
let pgc: PgCluster;
let dbUrl = '';
let rtsp: RtspServer;
let rtsp2: RtspServer;
let wp: Watchpost;
const c: Record<string, string> = {};
const call = apiClient(() => wp, { timeoutMs: 15_000 });
const as = (who: string, method: string, path: string, json?: unknown) => call(method, path, { cookie: c[who], json });
/** polls as long as an export or a retention pass may take here; a timeout shows the server's output */
const until = <T>(what: string, fn: () => Promise<T | undefined | false>) => poll(what, fn, { ms: 40_000, everyMs: 400, detail: () => wp.output().slice(-2000) });
const query = <T>(text: string, params: unknown[] = []) => pgQuery<T>(dbUrl, text, params);
const yaml = (storage: string) =>
  [
    'server: {host: 127.0.0.1}',
    'demo: false',
    'analytics: {enabled: false}',
    `storage: {segmentSeconds: 2, checkpointSeconds: 1${storage}}`,
    'cameras:',
    `  - {id: gate, name: "东门 Gate 🚪", url: "${rtsp.url()}"}`,
    `  - {id: bank, name: "银行 Bank", url: "${rtsp2.url()}"}`,
  ].join('\n');
/** A range of `cam`'s recording at least `ms` long: its start. */
const recorded = (cam: string, ms: number) =>
  until(`${ms / 1000} s of ${cam}`, async () => {
    const r = (await as('admin', 'GET', `/api/cameras/${cam}/timeline?from=${Date.now() - 300_000}&to=${Date.now()}`)).body.ranges?.[0];
    return r && r.end - r.start >= ms ? (r.start as number) : undefined;
  });
async function exported(who: string, body: Json): Promise<Json> {
  const r = await as(who, 'POST', '/api/exports', body);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return until(`export ${r.body.id}`, async () => {
    const j = (await as(who, 'GET', `/api/exports/${r.body.id}`)).body;
    return j.status === 'done' || j.status === 'failed' ? j : undefined;
  });
}

beforeAll(async () => {
  [pgc, rtsp, rtsp2] = await Promise.all([startPostgres(), startRtspServer({ width: 320, height: 240, fps: 10 }), startRtspServer({ width: 320, height: 240, fps: 10 })]);
  dbUrl = await pgc.createDatabase('wp_evidence');
  wp = await startWatchpost({ configYaml: yaml(''), env: { WATCHPOST_DATABASE_URL: dbUrl } });
  c.admin = await login(wp.url, 'admin', wp.adminPassword);
  const group = await as('admin', 'POST', '/api/camera-groups', { name: '东门 only', cameras: ['gate'] });
  for (const [u, role, extra] of [['inv', 'investigator', {}], ['inv-gate', 'investigator', { groups: [group.body.id] }], ['op-gate', 'operator', { groups: [group.body.id] }], ['sup', 'supervisor', {}]] as const) {
    const r = await as('admin', 'POST', '/api/users', { username: u, password: `${u}-night-pass-2026`, role, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    c[u] = await login(wp.url, u, `${u}-night-pass-2026`);
  }
}, 90_000);
afterAll(async () => {
  await wp?.dispose();
  await Promise.all([rtsp?.stop(), rtsp2?.stop()]);
  await pgc?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('evidence on PostgreSQL', () => {
  let job: Json;
  let from = 0;
  let to = 0;
  let bankExport = '';

  it('an export of a recorded range finishes; the bundle verifies, offline too; its lock holds', async () => {
    const start = await recorded('gate', 16_000);
    from = start + 3_300;
    to = from + 10_000;
    job = await exported('inv', { cameras: ['gate'], from, to, reason: '自行车被盗 🚲 ‮theft‬', caseRef: 'CASE-42 案' });
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    expect(job).toMatchObject({ progress: 1, cameras: ['gate'], caseRef: 'CASE-42 案', user: 'inv' });
    const dl = await fetch(`${wp.url}${job.downloadUrl}`, { headers: { cookie: c.inv! } });
    expect(dl.status).toBe(200);
    const bundle = join(tmp, 'bundle.zip');
    writeFileSync(bundle, Buffer.from(await dl.arrayBuffer()));
    const key = (await as('op-gate', 'GET', '/api/evidence/public-key')).body;
    const v = await verifyBundle(bundle, { expectKey: key.fingerprint });
    expect(v.checks.filter((x) => !x.ok)).toEqual([]);
    const item = v.manifest!.items[0]!;
    expect(v.manifest).toMatchObject({ exportedBy: { username: 'inv', role: 'investigator' }, reason: '自行车被盗 🚲 ‮theft‬', requested: { startMs: from, endMs: to } });
    expect(item.camera).toMatchObject({ id: 'gate', name: '东门 Gate 🚪' });
    expect(item.actual.startMs).toBeLessThanOrEqual(from);
    expect(item.actual.endMs).toBeGreaterThanOrEqual(to - 100);
    expect(item.segments.length).toBeGreaterThanOrEqual(5);
    for (const s of item.segments) expect(createHash('sha256').update(readFileSync(join(wp.dataDir, s.path))).digest('hex')).toBe(s.sha256);
    const ok = await run(TSX, [join(REPO_ROOT, 'scripts', 'verify-export.ts'), bundle, '--key', key.fingerprint]);
    expect(ok.stdout).toMatch(/VERIFIED: all \d+ checks passed/);

    const lock = ((await as('op-gate', 'GET', '/api/locks?camera=gate&active=1')).body as Json[]).find((l) => l.exportId === job.id);
    expect(lock).toMatchObject({ camera: 'gate', from, to, active: true, createdBy: 'inv', id: expect.any(Number) });
    expect((await as('inv', 'DELETE', `/api/locks/${lock.id}`, { reason: 'done' })).status).toBe(403);
    const tl = (await as('op-gate', 'GET', `/api/cameras/gate/timeline?from=${from - 60_000}&to=${Date.now()}`)).body;
    expect(tl.markers.map((m: Json) => m.kind)).toContain('export');
    expect(tl.locks.length).toBeGreaterThanOrEqual(1);
    const audit = (await as('admin', 'GET', '/api/audit?action=export&actor=inv')).body.entries.map((e: Json) => e.action);
    expect(new Set(audit)).toEqual(new Set(['export.create', 'export.done', 'export.download']));
  }, 90_000);

  it('an investigator of one camera group: the other camera\'s recordings and exports are a 404', async () => {
    const bankStart = await recorded('bank', 6_000);
    const b = await exported('inv', { cameras: ['bank'], from: bankStart + 500, to: bankStart + 4_500, reason: '银行门口 check' });
    expect(b.status, JSON.stringify(b.error)).toBe('done');
    bankExport = b.id;
    const pl = (await as('inv', 'GET', `/api/cameras/bank/vod.m3u8?from=${bankStart}&to=${bankStart + 4000}`)).text;
    const media = /\/api\/recordings\/\d+\/media\.mp4/.exec(pl)![0];
    expect((await as('inv', 'GET', media)).status).toBe(200);
    const t = `from=${bankStart}&to=${bankStart + 4000}`;
    for (const [m, p, json] of [
      ['GET', media], ['GET', media.replace('media', 'init')], ['GET', `/api/cameras/bank/vod.m3u8?${t}`], ['GET', `/api/cameras/bank/timeline?${t}`],
      ['GET', `/api/exports/${bankExport}`], ['GET', `/api/exports/${bankExport}/download`],
      ['POST', '/api/exports', { cameras: ['gate', 'bank'], from: bankStart + 500, to: bankStart + 4500, reason: 'try the other camera' }],
      ['POST', '/api/locks', { camera: 'bank', from: bankStart, to: bankStart + 4000, reason: 'keep the other camera' }],
    ] as [string, string, Json?][]) {
      expect([m, p, (await as('inv-gate', m, p, json)).status]).toEqual([m, p, 404]);
    }
    expect(((await as('inv-gate', 'GET', '/api/locks')).body as Json[]).map((l) => l.camera)).toEqual(['gate']);
    expect(((await as('sup', 'GET', '/api/exports')).body as Json[]).map((e) => e.id).sort()).toEqual([bankExport, job.id].sort());
    // the allowed camera answers (another investigator's export is a 404 by design, on both engines)
    expect((await as('inv-gate', 'GET', `/api/cameras/gate/vod.m3u8?from=${from}&to=${from + 4000}`)).status).toBe(200);
  }, 60_000);

  it('a restart with a tiny quota deletes the oldest unlocked segments, keeps the locked ones; the seals still verify', async () => {
    await wp.stop();
    type Seg = { id: number; camera_id: string; path: string; start_ms: string; end_ms: string; bytes: string; seal_seq: number | null };
    const before = await query<Seg>('SELECT id, camera_id, path, start_ms, end_ms, bytes, seal_seq FROM segments ORDER BY start_ms');
    const locks = await query<{ camera_id: string; start_ms: string; end_ms: string }>('SELECT camera_id, start_ms, end_ms FROM evidence_locks WHERE released_at IS NULL');
    const locked = (s: Seg) => locks.some((l) => l.camera_id === s.camera_id && Number(s.start_ms) < Number(l.end_ms) && Number(s.end_ms) > Number(l.start_ms));
    const sum = (xs: Seg[]) => xs.reduce((n, s) => n + Number(s.bytes), 0);
    const unlocked = before.filter((s) => !locked(s));
    const exportsBytes = readdirSync(join(wp.dataDir, '.exports')).reduce((n, f) => n + statSync(join(wp.dataDir, '.exports', f)).size, 0);
    // room for the locked footage, the bundles and about the newest third of the unlocked footage
    const keep = sum(unlocked.slice(-Math.ceil(unlocked.length / 3)));
    const quota = sum(before.filter(locked)) + exportsBytes + keep;
    writeFileSync(join(wp.dataDir, 'test-config.yml'), yaml(`, diskQuotaGb: ${quota / 1024 ** 3}, minKeepHours: 0, minFreeGb: 0, minFreePercent: 0, lowDiskPercent: 0`));
    await wp.restart();
    c.admin = await login(wp.url, 'admin', wp.adminPassword);
    const del = await until('the retention pass', async () => {
      const e = (await as('admin', 'GET', '/api/audit?action=retention.delete')).body.entries as Json[];
      return e.length ? e : undefined;
    });
    expect(del.every((e) => e.detail.reason === 'quota')).toBe(true);
    const left = new Set((await query<{ id: number }>('SELECT id FROM segments')).map((r) => Number(r.id)));
    const gone = before.filter((s) => !left.has(Number(s.id)));
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.filter(locked)).toEqual([]); // every locked segment kept, with its file
    for (const s of before.filter(locked)) expect(existsSync(join(wp.dataDir, s.path)), s.path).toBe(true);
    for (const s of gone) expect(existsSync(join(wp.dataDir, s.path)), s.path).toBe(false);
    expect(gone.map((s) => s.id)).toContain(unlocked[0]!.id); // the oldest unlocked first
    const keptUnlocked = unlocked.filter((s) => left.has(Number(s.id)));
    expect(keptUnlocked.length).toBeGreaterThan(0);
    expect(Math.max(...gone.map((s) => Number(s.start_ms)))).toBeLessThanOrEqual(Math.min(...keptUnlocked.map((s) => Number(s.start_ms))));
    const storage = (await as('admin', 'GET', '/api/storage')).body;
    expect(storage).toMatchObject({ quotaBytes: Math.round(quota), lockedBytes: expect.any(Number), recordingsBytes: expect.any(Number), segments: expect.any(Number) });
    // sealed segments deleted by retention leave tombstones: the seal chains still verify
    const sealedGone = gone.filter((s) => s.seal_seq !== null).map((s) => Number(s.id));
    const tombs = await query<{ segment_id: number; reason: string }>('SELECT segment_id, reason FROM segment_tombstones');
    expect(sealedGone.length).toBeGreaterThan(0);
    expect(tombs.map((t) => [Number(t.segment_id), t.reason]).sort()).toEqual(sealedGone.map((id) => [id, 'retention:quota']).sort());
    const env = { ...process.env };
    delete env.WATCHPOST_DATABASE_URL;
    const v = await run(TSX, ['scripts/verify-recordings.ts', '--database-url', dbUrl, '--keys', wp.dataDir, '--checkpoints', join(wp.dataDir, 'checkpoints'), '--recordings', wp.dataDir, '--json'], { cwd: REPO_ROOT, env }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    expect(v.code, v.out).toBe(0);
    const cams = JSON.parse(v.out).cameras as Json[];
    expect(cams.map((x) => x.issues.length)).toEqual([0, 0]);
    expect(cams.reduce((n, x) => n + x.deletedByRetention.count, 0)).toBe(sealedGone.length);
    expect(cams.find((x) => x.deletedByRetention.last)!.deletedByRetention.last).toMatchObject({ at: expect.any(Number), reason: 'retention:quota' });
  }, 90_000);
});
