/**
 * Issue F point 4 on the real server: its data dir is a 40 MB tmpfs (root; a missing capability fails). A camera
 * (GStreamer RTSP) records; the disk is then filled to the last byte and kept full for a while, the camera drops
 * and comes back meanwhile. The server must keep serving, keep every indexed segment, resume recording once the
 * filler is deleted, and write the duty-log entries it could not write, then "Disk full from T to T".
 * Then DELETE /api/exports/:id: 403 for an operator, the investigator's own bundle goes, audited, locks kept.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/password.ts';
import { openDb } from '../../server/store/db.ts';
import { addUsers } from '../support/users.ts';
import { needCapability } from '../support/capability.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const dir = mkdtempSync(join(tmpdir(), 'wp-fulldisk-it-'));
const data = join(dir, 'data');
const filler = join(data, 'filler.bin');
let mounted = false;
let mountError = '';
let rtsp: RtspServer | undefined;
let wp: Watchpost | undefined;
const cookies: Record<string, string> = {};

async function api(who: string, path: string, init: { method?: string; json?: unknown } = {}): Promise<Response> {
  return fetch(`${wp!.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { cookie: cookies[who]!, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
}
const getJson = async (who: string, path: string): Promise<Json> => (await (await api(who, path)).json()) as Json;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${wp?.output().slice(-3000) ?? ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Write zeros to the filler until the disk says ENOSPC: nothing is left free. */
function fillUp(): number {
  const fd = openSync(filler, 'a');
  let n = 0;
  try {
    for (const size of [1 << 20, 64 << 10, 4096, 512]) {
      const buf = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, buf);
          n += size;
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

function indexed(): { id: number; path: string; start_ms: number }[] {
  const db = openDb(join(data, 'watchpost.db'));
  try {
    return db.prepare('SELECT id, path, start_ms FROM segments ORDER BY id').all() as { id: number; path: string; start_ms: number }[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  mkdirSync(data);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m,mode=0700', 'tmpfs', data], { stdio: 'pipe' });
    mounted = true;
  } catch (e) {
    mountError = String((e as { stderr?: Buffer }).stderr ?? e);
    return;
  }
  rtsp = await startRtspServer({ width: 640, height: 360, fps: 10, bitrateKbps: 1500 });
  wp = await startWatchpost({
    dataDir: data,
    configYaml: ['storage: {segmentSeconds: 2}', 'patrol: {cameraDebounceSeconds: 1}', 'cameras:', `  - {id: gate, name: Gate, url: "${rtsp.url()}"}`].join('\n'),
  });
  await addUsers(join(data, 'watchpost.db'), [
    { username: 'op', passwordHash: await hashPassword('op-pass-1'), role: 'operator' },
    { username: 'inv', passwordHash: await hashPassword('inv-pass-1'), role: 'investigator' },
  ]);
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  cookies.op = await login(wp.url, 'op', 'op-pass-1');
  cookies.inv = await login(wp.url, 'inv', 'inv-pass-1');
}, 90_000);

afterAll(async () => {
  if (process.env.WP_SERVER_LOG && wp) writeFileSync(process.env.WP_SERVER_LOG, wp.output());
  await wp?.dispose();
  await rtsp?.stop();
  if (mounted) execFileSync('umount', ['-l', data]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a full data disk on the real server', () => {
  let exportId = '';

  it('records, and exports a few seconds (investigator)', async () => {
    needCapability('storage-diskfull: mount a tmpfs', mounted, mountError);
    await waitFor('4 recorded segments', () => (indexed().length >= 4 ? true : undefined), 40_000);
    const [a, b] = indexed();
    const res = await api('inv', '/api/exports', { method: 'POST', json: { cameras: ['gate'], from: a!.start_ms, to: b!.start_ms + 1000, reason: 'disk full test' } });
    expect(res.status, await res.clone().text()).toBe(202);
    exportId = ((await res.json()) as Json).id;
    await waitFor('the export', async () => ((await getJson('inv', `/api/exports/${exportId}`)).status === 'done' ? true : undefined), 30_000);
  }, 90_000);

  it('keeps serving while the disk is full, keeps every indexed segment, and resumes once space is back', async () => {
    needCapability('storage-diskfull: mount a tmpfs', mounted, mountError);
    const before = indexed();
    const fullAt = Date.now();
    fillUp();
    await rtsp!.stop(); // the camera drops while the disk is full: the duty log cannot take the entry
    let cameraBack = false;
    let served = 0;
    let sawFull = false;
    while (Date.now() - fullAt < 30_000) {
      fillUp(); // whatever the server freed (a WAL checkpoint, a partial segment) is taken again
      const h = await fetch(`${wp!.url}/api/health`);
      expect(h.status).toBe(200);
      served++;
      const s = await getJson('admin', '/api/storage');
      if (s.diskFull) sawFull = true;
      expect(wp!.process().exitCode).toBeNull();
      if (Date.now() - fullAt > 15_000 && !cameraBack) {
        cameraBack = true;
        await rtsp!.restart(); // the camera is back while the disk is still full: nothing can be recorded yet
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(served).toBeGreaterThan(20);
    expect(sawFull).toBe(true);
    const fullSince = (await getJson('admin', '/api/storage')).diskFullSince as number;
    expect(fullSince).toBeGreaterThanOrEqual(fullAt - 1000);

    unlinkSync(filler);
    const freedAt = Date.now();
    await waitFor('disk no longer full', async () => ((await getJson('admin', '/api/storage')).diskFull === false ? true : undefined), 30_000);
    await waitFor('recording after space is back', () => (indexed().some((s) => s.start_ms > freedAt) ? true : undefined), 40_000);
    const now = indexed();
    const ids = new Set(now.map((s) => s.id));
    for (const s of before) {
      expect(ids.has(s.id), `segment ${s.path} still indexed`).toBe(true);
      expect(existsSync(join(data, s.path)), `${s.path} still on disk`).toBe(true);
    }
    const entries = await waitFor('the disk-full duty-log entry', async () => {
      const list = (await getJson('admin', '/api/dutylog?limit=50')) as unknown as Json[];
      return list.some((e) => e.kind === 'disk_full') ? list : undefined;
    }, 30_000);
    const full = entries.find((e) => e.kind === 'disk_full')!;
    // site time with its offset (util/site-time.ts)
    expect(full.text).toMatch(/^Disk full from \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d to /);
    expect(full.data.from).toBeGreaterThanOrEqual(fullAt - 1000);
    expect(full.data.to).toBeGreaterThanOrEqual(freedAt - 1000);
    // the camera's drop, written late but in order before the summary
    const offline = entries.find((e) => e.kind === 'camera_offline');
    expect(offline, JSON.stringify(entries.map((e) => [e.seq, e.kind]))).toBeDefined();
    expect(offline!.seq).toBeLessThan(full.seq);
    // the storage alarms the full database refused are audited once it takes writes again
    const audited = await waitFor('storage.full audited', async () => {
      const a = (await getJson('admin', '/api/audit?action=storage')).entries as Json[];
      return a.some((e) => e.action === 'storage.full') && a.some((e) => e.action === 'storage.space_back') ? a : undefined;
    }, 30_000);
    expect(audited.find((e) => e.action === 'storage.full')!.time).toBeLessThan(freedAt);
    const verify = await getJson('admin', '/api/dutylog/verify');
    expect(verify.ok).toBe(true);
  }, 180_000);

  it('DELETE /api/exports/:id: 403 for an operator; removes the bundle, audited, job kept as deleted, locks kept', async () => {
    needCapability('storage-diskfull: mount a tmpfs', mounted, mountError);
    expect((await api('op', `/api/exports/${exportId}`, { method: 'DELETE' })).status).toBe(403);
    const job = await getJson('inv', `/api/exports/${exportId}`);
    const bundles = () => readdirSync(join(data, '.exports')).filter((f) => f.endsWith('.zip'));
    expect(bundles()).toHaveLength(1);
    const res = await api('inv', `/api/exports/${exportId}`, { method: 'DELETE' });
    expect(res.status, await res.clone().text()).toBe(200);
    const view = (await res.json()) as Json;
    expect(view).toMatchObject({ id: exportId, status: 'done', downloadUrl: null, deleted: { by: 'inv' } });
    expect(bundles()).toEqual([]);
    expect((await getJson('admin', `/api/exports/${exportId}`)).deleted).toMatchObject({ by: 'inv' });
    expect((await api('inv', `/api/exports/${exportId}`, { method: 'DELETE' })).status).toBe(410);
    expect((await api('inv', `/api/exports/${exportId}/download`)).status).toBe(410);
    const audit = (await getJson('admin', '/api/audit?action=export.delete')).entries as Json[];
    expect(audit).toMatchObject([{ action: 'export.delete', actor: 'inv', target: exportId }]);
    const locks = (await getJson('admin', '/api/locks?active=1')) as unknown as Json[];
    expect(locks.some((l) => l.exportId === exportId)).toBe(true);
    expect(job.bytes).toBeGreaterThan(0);
  }, 30_000);
});
