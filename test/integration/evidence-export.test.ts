/**
 * Evidence export end to end against the real server recording the GStreamer RTSP test camera
 * (320x240, 10 fps, 2 s segments, camera credentials): bad requests → clear 4xx; a 30 s export → a bundle
 * that verifies (library and `scripts/verify-export.ts`), covers the range from a key frame, names the
 * source without credentials and hashes the source segments; one flipped byte → verification fails;
 * the export's evidence lock and its release rules; recorded playback; the audit trail of all of it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/password.ts';
import { verifyBundle } from '../../server/evidence/verify.ts';
import { addUsers } from '../support/users.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { REPO_ROOT, login, startWatchpost, type Watchpost } from '../support/server.ts';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'wp-evidence-it-'));
let rtsp: RtspServer;
let wp: Watchpost;
const cookies: Record<string, string> = {};
let recordingFrom = 0;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
async function api(who: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', cookies[who]!);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${wp.url}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, user: 'cam', password: 's3cret-pw' });
  wp = await startWatchpost({
    configYaml: [
      'storage: {segmentSeconds: 2}',
      'audit: {viewIdleSeconds: 2}',
      'cameras:',
      `  - {id: gate, name: "东门 Gate", url: "${rtsp.url()}", username: cam, password: s3cret-pw}`,
    ].join('\n'),
  });
  const roles = ['operator', 'investigator', 'supervisor'] as const;
  await addUsers(join(wp.dataDir, 'watchpost.db'), await Promise.all(roles.map(async (role) => ({ username: `${role}1`, passwordHash: await hashPassword(`${role}-pw-1`), role }))));
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  for (const role of ['operator', 'investigator', 'supervisor']) cookies[role] = await login(wp.url, `${role}1`, `${role}-pw-1`);
  await fetch(`${wp.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'investigator1', password: 'wrong' }) });
  // wait for 36 s of footage (first segment lands ~3 s after start)
  const until = Date.now() + 50_000;
  for (;;) {
    const tl: Json = await (await api('admin', `/api/cameras/gate/timeline?from=${Date.now() - 120_000}&to=${Date.now()}`)).json();
    const r = tl.ranges?.[0];
    if (r && r.end - r.start >= 36_000) {
      recordingFrom = r.start;
      break;
    }
    if (Date.now() > until) throw new Error(`not enough footage: ${JSON.stringify(tl)}`);
    await sleep(1000);
  }
}, 90_000);

afterAll(async () => {
  await wp?.dispose();
  await rtsp?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('evidence export', () => {
  let jobId = '';
  let bundle = '';
  let from = 0;
  let to = 0;

  it('rejects bad requests with clear 4xx errors', async () => {
    const now = Date.now();
    const post = (who: string, json: unknown) => api(who, '/api/exports', { method: 'POST', json });
    const base = { cameras: ['gate'], reason: 'incident at the gate' };
    const cases: [string, unknown, number, string][] = [
      ['investigator', { ...base, from: now - 10_000, to: now - 20_000 }, 400, 'invalid_range'],
      ['investigator', { ...base, from: now + 60_000, to: now + 90_000 }, 400, 'range_in_future'],
      ['investigator', { ...base, from: recordingFrom - 3600_000, to: recordingFrom - 3000_000 }, 422, 'no_footage'],
      ['investigator', { ...base, cameras: ['back-door'], from: now - 20_000, to: now - 10_000 }, 404, 'not_found'],
      ['investigator', { ...base, from: 'yesterday', to: now }, 400, 'invalid_time'],
      ['investigator', { ...base, from: 1e300, to: now }, 400, 'time_out_of_range'],
      ['investigator', { ...base, from: now - 20_000, to: -1e300 }, 400, 'time_out_of_range'],
      ['investigator', { ...base, reason: '', from: now - 20_000, to: now - 10_000 }, 400, 'invalid_request'],
      ['operator', { ...base, from: now - 20_000, to: now - 10_000 }, 403, 'forbidden'],
    ];
    for (const [who, body, status, code] of cases) {
      const r = await post(who, body);
      const j: Json = await r.json();
      expect([r.status, j.error?.code], JSON.stringify(body)).toEqual([status, code]);
      expect(j.error.message.length).toBeGreaterThan(5);
    }
  });

  it('exports 30 s into a bundle that verifies', async () => {
    from = recordingFrom + 3_300;
    to = from + 30_000;
    const r = await api('investigator', '/api/exports', { method: 'POST', json: { cameras: ['gate'], from: new Date(from).toISOString(), to, reason: 'bicycle theft at the gate', caseRef: 'CASE-42' } });
    expect(r.status).toBe(202);
    const job: Json = await r.json();
    jobId = job.id;
    expect(job).toMatchObject({ status: 'queued', cameras: ['gate'], caseRef: 'CASE-42', user: 'investigator1' });
    let j: Json = job;
    const seen = new Set<number>();
    for (let i = 0; i < 200 && j.status !== 'done' && j.status !== 'failed'; i++) {
      await sleep(100);
      j = await (await api('investigator', `/api/exports/${jobId}`)).json();
      seen.add(j.progress);
    }
    expect(j.status, JSON.stringify(j.error)).toBe('done');
    expect(j.progress).toBe(1);
    // other investigators' exports are not listed to an investigator; supervisors see all
    expect(((await (await api('supervisor', '/api/exports')).json()) as Json[]).map((x) => x.id)).toContain(jobId);

    const dl = await api('investigator', j.downloadUrl);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toContain(`watchpost-${jobId}.zip`);
    bundle = join(tmp, 'bundle.zip');
    writeFileSync(bundle, Buffer.from(await dl.arrayBuffer()));
    // the bundle in the exports dir is readable by the server's user only
    const zips = readdirSync(join(wp.dataDir, '.exports')).filter((f) => f.endsWith('.zip'));
    expect(zips.length).toBeGreaterThan(0);
    for (const f of zips) expect(statSync(join(wp.dataDir, '.exports', f)).mode & 0o777).toBe(0o600);
    const key: Json = await (await api('operator', '/api/evidence/public-key')).json();
    const v = await verifyBundle(bundle, { expectKey: key.fingerprint });
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);

    const m = v.manifest!;
    expect(m).toMatchObject({ exportedBy: { username: 'investigator1', role: 'investigator' }, case: 'CASE-42', reason: 'bicycle theft at the gate' });
    expect(m.software.name).toBe('Watchpost');
    expect(m.requested).toMatchObject({ startMs: from, endMs: to });
    const item = m.items[0]!;
    expect(item.camera).toEqual({ id: 'gate', name: '东门 Gate', source: rtsp.url() });
    expect(JSON.stringify(m)).not.toContain('s3cret-pw');
    expect(item.clockOffset).toEqual({ ms: 0, known: false, source: null });
    // from the key frame at or before the start (1 s GOP), to a key frame at or after the end
    expect(item.actual.startMs).toBeLessThanOrEqual(from);
    expect(from - item.actual.startMs).toBeLessThan(1100);
    expect(item.actual.endMs).toBeGreaterThanOrEqual(to - 100);
    expect(item.actual.endMs - to).toBeLessThan(2100);
    // each source segment's hash matches the recording on disk
    expect(item.segments.length).toBeGreaterThanOrEqual(15);
    for (const s of item.segments) {
      expect(createHash('sha256').update(readFileSync(join(wp.dataDir, s.path))).digest('hex')).toBe(s.sha256);
    }
    // the MP4 plays: H.264, about the actual duration, every frame decodes
    await run('unzip', ['-o', '-q', bundle, 'gate.mp4', '-d', tmp]);
    const probe = JSON.parse((await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', join(tmp, 'gate.mp4')])).stdout);
    expect(probe.streams[0].codec_name).toBe('h264');
    expect(Math.abs(Number(probe.format.duration) - (item.actual.endMs - item.actual.startMs) / 1000)).toBeLessThan(0.6);
    const decode = await run('ffmpeg', ['-v', 'error', '-i', join(tmp, 'gate.mp4'), '-f', 'null', '-']);
    expect(decode.stderr.trim()).toBe('');
  });

  it('verify-export passes the bundle and fails it after one flipped byte', async () => {
    const script = join(REPO_ROOT, 'scripts', 'verify-export.ts');
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const key: Json = await (await api('operator', '/api/evidence/public-key')).json();
    const ok = await run(tsx, [script, bundle, '--key', key.fingerprint]);
    expect(ok.stdout).toMatch(/VERIFIED: all \d+ checks passed/);
    // without a pinned key: the signature only checks against the bundle's own key → exit 3, fingerprint printed
    const unpinned = await run(tsx, [script, bundle]).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(unpinned.code).toBe(3);
    expect(unpinned.stdout).toMatch(/key inside the bundle only/);
    expect(unpinned.stdout).toContain(key.fingerprint);
    expect(unpinned.stdout).not.toMatch(/^VERIFIED/m);
    const buf = readFileSync(bundle);
    buf[Math.floor(buf.length / 2)]! ^= 0x10;
    const flipped = join(tmp, 'flipped.zip');
    writeFileSync(flipped, buf);
    const res = await run(tsx, [script, flipped]).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL {2}CRC-32 of gate\.mp4/);
    expect(res.stdout).toMatch(/NOT VERIFIED/);
  });

  it('locked the exported range; only a supervisor or admin may release it', async () => {
    const locks = (await (await api('operator', '/api/locks?camera=gate&active=1')).json()) as Json[];
    const lock = locks.find((l) => l.exportId === jobId);
    expect(lock).toMatchObject({ camera: 'gate', from, to, active: true, createdBy: 'investigator1' });
    const denied = await api('investigator', `/api/locks/${lock.id}`, { method: 'DELETE', json: { reason: 'done with it' } });
    expect(denied.status).toBe(403);
    const manual = await api('investigator', '/api/locks', { method: 'POST', json: { camera: 'gate', from: recordingFrom, to: recordingFrom + 5000, reason: 'keep the approach' } });
    expect(manual.status).toBe(201);
    const huge = await api('investigator', '/api/locks', { method: 'POST', json: { camera: 'gate', from: 1e300, to: recordingFrom + 5000, reason: 'out of range' } });
    expect([huge.status, ((await huge.json()) as Json).error?.code]).toEqual([400, 'time_out_of_range']);
    const noReason = await api('supervisor', `/api/locks/${lock.id}`, { method: 'DELETE', json: {} });
    expect(noReason.status).toBe(400);
    const released = await api('supervisor', `/api/locks/${lock.id}`, { method: 'DELETE', json: { reason: 'case closed' } });
    expect(released.status).toBe(200);
    expect(await released.json()).toMatchObject({ active: false, releasedBy: 'supervisor1', releaseReason: 'case closed' });
  });

  it('plays recorded footage over HLS and shows it on the timeline', async () => {
    const tl: Json = await (await api('operator', `/api/cameras/gate/timeline?from=${recordingFrom - 60_000}&to=${Date.now() + 3600_000}`)).json();
    expect(tl.ranges[0].start).toBe(recordingFrom);
    expect(tl.gaps[0]).toMatchObject({ end: recordingFrom, reason: 'no_recording' });
    expect(tl.markers.map((m: Json) => m.kind)).toContain('export');
    expect(tl.locks.length).toBeGreaterThanOrEqual(1);
    const pl = await api('operator', `/api/cameras/gate/vod.m3u8?from=${from}&to=${from + 6000}`);
    expect(pl.status).toBe(200);
    const text = await pl.text();
    expect(text).toMatch(/#EXT-X-PLAYLIST-TYPE:VOD[\s\S]*#EXT-X-PROGRAM-DATE-TIME:[\s\S]*#EXT-X-ENDLIST/);
    const media = /\/api\/recordings\/\d+\/media\.mp4/.exec(text)![0];
    const init = await api('operator', media.replace('media', 'init'));
    const initBytes = Buffer.from(await init.arrayBuffer());
    expect(initBytes.toString('latin1', 4, 8)).toBe('ftyp');
    const part = Buffer.from(await (await api('operator', media)).arrayBuffer());
    expect(part.toString('latin1', 4, 8)).toBe('moof');
    expect((await fetch(`${wp.url}${media}`)).status).toBe(401);
    expect((await api('operator', '/api/recordings/999999/media.mp4')).status).toBe(404);
    expect((await api('operator', `/api/cameras/gate/vod.m3u8?from=${Date.now() + 10_000}&to=${Date.now() + 20_000}`)).status).toBe(400);
  });

  it('audits logins, live and recorded viewing, exports, downloads and locks', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await api('operator', '/hls/gate/index.m3u8')).status).toBe(200);
      await sleep(300);
    }
    await sleep(4500); // viewIdleSeconds: 2, swept every 0.5 s
    expect((await api('operator', '/api/audit')).status).toBe(403);
    const all: Json = await (await api('supervisor', '/api/audit?limit=500')).json();
    const actions = all.entries.map((e: Json) => `${e.action}:${e.actor ?? ''}`);
    for (const a of [
      'system.start:system',
      'login:admin',
      'login.failed:investigator1',
      'export.create:investigator1',
      'export.done:investigator1',
      'export.download:investigator1',
      'lock.denied:investigator1',
      'lock.create:investigator1',
      'lock.release:supervisor1',
      'recording.view.start:operator1',
      'recording.view.stop:operator1',
      'live.view.start:operator1',
      'live.view.stop:operator1',
    ]) {
      expect(actions, a).toContain(a);
    }
    const create = all.entries.find((e: Json) => e.action === 'export.create');
    expect(create).toMatchObject({ cameraId: 'gate', target: jobId, footageMs: from, ip: '127.0.0.1' });
    const filtered: Json = await (await api('admin', '/api/audit?action=export&actor=investigator1')).json();
    expect(new Set(filtered.entries.map((e: Json) => e.action))).toEqual(new Set(['export.create', 'export.done', 'export.download']));
    expect(await (await api('admin', '/api/audit/verify')).json()).toMatchObject({ ok: true });
    const csv = await api('admin', '/api/audit/export.csv?camera=gate');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for spreadsheet tools
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe('id,time,actor,role,ip,action,camera,target,footage,detail,hash');
    expect(text).toContain(`export.create,gate,${jobId}`);
    expect(text).not.toContain('login.failed');
  });
});
