/**
 * Patrol, duty log and handover API against the real server: one 320x240 RTSP camera, one camera that never
 * connects, short dwell times. Covers dwell enforcement, someone else's round, deleted cameras, append-only
 * log (no routes + DB triggers), spot-check footage, reports and `verify-log` catching a direct DB edit.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, REPO_ROOT, startWatchpost, type Watchpost } from '../support/server.ts';

let rtsp: RtspServer;
let wp: Watchpost;
const cookies: Record<string, string> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
async function api(who: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; res: Response }> {
  const headers: Record<string, string> = { cookie: cookies[who]! };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${wp.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, res };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    await sleep(300);
  }
  throw new Error(`timed out waiting for ${what}`);
}
const stop = (cameraId: string, minDwellS = 2) => ({ cameraId, minDwellS, checklist: ['fire exit clear', 'no suspicious persons'] });
const allDay = { intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10 };

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10 });
  const deadPort = await freePort();
  wp = await startWatchpost({
    configYaml: [
      'storage: {segmentSeconds: 2}',
      'media: {rtspTimeoutSeconds: 2}',
      'patrol: {cameraDebounceSeconds: 1, liveLatencySeconds: 2}',
      'cameras:',
      `  - {id: gate, name: "东门 Gate", url: "${rtsp.url()}"}`,
      `  - {id: dead, name: "Dead", url: "rtsp://127.0.0.1:${deadPort}/x"}`,
    ].join('\n'),
  });
  cookies.admin = await login(wp.url, 'admin', wp.adminPassword);
  for (const [u, role] of [['op1', 'operator'], ['op2', 'operator'], ['sup', 'supervisor']]) {
    const r = await api('admin', 'POST', '/api/users', { username: u, password: `${u}-password`, role });
    expect(r.status).toBe(201);
    cookies[u!] = await login(wp.url, u, `${u}-password`);
  }
});

afterAll(async () => {
  await wp?.dispose();
  await rtsp?.stop();
});

describe('patrol API', () => {
  let roundId: number;
  let stopRange: { from: number; to: number };

  it('users: admin-only list and create; bad input is a clear 400', async () => {
    expect((await api('op1', 'GET', '/api/users')).status).toBe(403);
    const list = await api('admin', 'GET', '/api/users');
    expect(list.body.map((u: Json) => u.username)).toEqual(['admin', 'op1', 'op2', 'sup']);
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt/);
    expect((await api('admin', 'POST', '/api/users', { username: 'x', password: 'short', role: 'operator' })).body.error.code).toBe('weak_password');
    expect((await api('admin', 'POST', '/api/users', { username: 'op1', password: 'long-enough', role: 'operator' })).status).toBe(409);
  });

  it('routes: supervisors create them; unknown cameras and bad times are 400', async () => {
    expect((await api('op1', 'POST', '/api/patrol/routes', { name: 'R', ...allDay, stops: [stop('gate')] })).status).toBe(403);
    const bad = await api('sup', 'POST', '/api/patrol/routes', { name: 'R', ...allDay, stops: [stop('nope')] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('unknown_camera');
    expect((await api('sup', 'POST', '/api/patrol/routes', { name: 'R', ...allDay, activeFrom: '25:00', stops: [stop('gate')] })).status).toBe(400);
    const ok = await api('sup', 'POST', '/api/patrol/routes', { name: '重点区域 Key areas', post: 'control room', ...allDay, stops: [stop('gate'), stop('dead'), stop('gate')] });
    expect(ok.status).toBe(201);
    expect(ok.body.stops[0]).toMatchObject({ cameraId: 'gate', minDwellS: 2, preset: null });
    const due = await api('op1', 'GET', '/api/patrol/due');
    expect(due.body.items[0]).toMatchObject({ routeId: ok.body.id, state: 'due', stops: 3 });
  });

  it('a round: dwell enforced by the server, other operators refused, offline camera → not verifiable', async () => {
    await waitFor('gate online', async () => (await api('op1', 'GET', '/api/cameras/gate')).body.status === 'online');
    const started = await api('op1', 'POST', '/api/patrol/rounds', { routeId: 1 });
    expect(started.status).toBe(201);
    roundId = started.body.id;
    expect((await api('op2', 'POST', '/api/patrol/rounds', { routeId: 1 })).body.error.code).toBe('round_exists');

    const early = await api('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/0/confirm`, { outcome: 'normal' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('dwell_not_met');
    expect((await api('op2', 'POST', `/api/patrol/rounds/${roundId}/stops/0/confirm`, { outcome: 'normal' })).status).toBe(403);
    expect((await api('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/1/confirm`, { outcome: 'normal' })).body.error.code).toBe('wrong_stop');
    expect((await api('op1', 'GET', '/api/patrol/rounds/current')).body.round.id).toBe(roundId); // survives a reload
    await sleep(2100);
    const s0 = await api('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/0/confirm`, { outcome: 'normal', checks: [true, true] });
    expect(s0.status).toBe(200);
    expect(s0.body.stops[0]).toMatchObject({ outcome: 'normal', userId: expect.any(Number) });
    expect(s0.body.stops[0].dwellMs).toBeGreaterThanOrEqual(2000);
    stopRange = { from: s0.body.stops[0].recFromMs, to: s0.body.stops[0].recToMs };

    const s1 = await api('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/1/confirm`, { outcome: 'normal' });
    expect(s1.body.stops[1].outcome).toBe('not_verifiable');
    await sleep(2100);
    const noNote = await api('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/2/confirm`, { outcome: 'anomaly' });
    expect(noNote.status).toBe(400);
    const s2 = await api('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/2/confirm`, { outcome: 'anomaly', note: '消防通道堵塞 fire exit blocked', dispatch: true });
    expect(s2.body.status).toBe('completed');
    expect(s2.body.stops[2]).toMatchObject({ outcome: 'anomaly', hasSnapshot: true });
    const snap = await api('op1', 'GET', `/api/patrol/rounds/${roundId}/stops/2/snapshot.jpg`);
    expect(snap.status).toBe(200);
    expect(snap.res.headers.get('content-type')).toBe('image/jpeg');
    expect((await api('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/2/confirm`, { outcome: 'normal' })).body.error.code).toBe('round_closed');
  });

  it('a round for a deleted camera is a clear 409; nothing is lost', async () => {
    const cam = await api('admin', 'POST', '/api/cameras', { id: 'temp', name: 'Temp', url: rtsp.url() });
    expect(cam.status).toBe(201);
    const route = await api('sup', 'POST', '/api/patrol/routes', { name: 'Temp route', ...allDay, stops: [stop('temp')] });
    expect((await api('admin', 'DELETE', '/api/cameras/temp')).status).toBe(204);
    const r = await api('op2', 'POST', '/api/patrol/rounds', { routeId: route.body.id });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'camera_deleted', message: expect.stringContaining('temp') });
    expect((await api('sup', 'GET', `/api/patrol/rounds/${roundId}`)).body.stops).toHaveLength(3);
  });

  it('duty log: manual entries and corrections; no edit or delete routes; automatic offline entry', async () => {
    const e = await api('op1', 'POST', '/api/dutylog', { category: 'visitor', text: '快递员 courier at east gate', cameraId: 'gate' });
    expect(e.status).toBe(201);
    for (const m of ['PATCH', 'PUT', 'DELETE']) {
      const r = await api('admin', m, `/api/dutylog/${e.body.seq}`, m === 'DELETE' ? undefined : { text: 'x' });
      expect(r.status, m).toBe(405);
      expect(r.body.error.code).toBe('append_only');
    }
    const c = await api('op1', 'POST', `/api/dutylog/${e.body.seq}/corrections`, { text: 'courier at west gate' });
    expect(c.body).toMatchObject({ refSeq: e.body.seq, kind: 'correction' });
    expect((await api('op1', 'POST', '/api/dutylog', { category: 'patrol', text: 'x' })).status).toBe(400);
    const offline = await waitFor('offline entry', async () => (await api('op1', 'GET', '/api/dutylog?camera=dead')).body.find((x: Json) => x.kind === 'camera_offline'));

    // patrol stops and duty-log entries are markers on the camera's review timeline, at their footage time
    const win = `from=${Date.now() - 600_000}&to=${Date.now() + 1000}`;
    const gate = (await api('op1', 'GET', `/api/cameras/gate/timeline?${win}`)).body.markers;
    expect(gate).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'patrol-stop', id: `${roundId}:0`, at: stopRange.from, end: stopRange.to, severity: 'info' }),
        expect.objectContaining({ kind: 'patrol-stop', id: `${roundId}:2`, severity: 'warning' }),
        expect.objectContaining({ kind: 'duty-log', id: String(e.body.seq), at: e.body.ts, href: '/dutylog' }),
      ]),
    );
    expect(gate.some((m: Json) => m.kind === 'patrol-stop' && m.id === `${roundId}:1`)).toBe(false); // stop 1 was the dead camera
    const dead = (await api('op1', 'GET', `/api/cameras/dead/timeline?${win}`)).body.markers;
    expect(dead).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'duty-log', id: String(offline.seq), at: offline.data.since })]));
    const kinds = (await api('sup', 'GET', '/api/dutylog')).body.map((x: Json) => x.kind);
    expect(kinds).toEqual(expect.arrayContaining(['round_anomaly', 'dispatch_request', 'round_completed', 'manual', 'correction']));
    expect((await api('sup', 'GET', '/api/dutylog/verify')).body).toMatchObject({ ok: true, triggers: true });
  });

  it('supervisor: compliance, spot-check replay of the exact footage, verdict logged', async () => {
    expect((await api('op1', 'GET', '/api/patrol/compliance')).status).toBe(403);
    const comp = await api('sup', 'GET', '/api/patrol/compliance');
    expect(comp.body.slots.find((s: Json) => s.roundId === roundId)).toMatchObject({ username: 'op1' });
    // the spot-check plays the stop's exact window over the evidence VOD route: audited like any recorded viewing
    const url = `/api/cameras/gate/vod.m3u8?from=${stopRange.from}&to=${stopRange.to}`;
    const pl = await waitFor('recording covers the stop', async () => {
      const r = await api('sup', 'GET', url);
      return r.status === 200 ? (r.body as string) : undefined;
    });
    expect(pl).toContain('#EXT-X-MAP:URI="/api/recordings/');
    expect(pl).toContain('#EXT-X-PROGRAM-DATE-TIME:');
    expect(pl).toContain('#EXT-X-ENDLIST');
    const media = /^\/api\/recordings\/\d+\/media\.mp4$/m.exec(pl)![0];
    const part = await fetch(`${wp.url}${media}`, { headers: { cookie: cookies.sup! } });
    expect(part.status).toBe(200);
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1', 4, 8)).toBe('moof');
    expect((await api('sup', 'GET', '/api/patrol/footage/gate/index.m3u8?from=1&to=2')).status).toBe(404); // the old duplicate route is gone
    const audit = await api('admin', 'GET', '/api/audit?action=recording.view.start&camera=gate');
    expect(audit.body.entries.find((e: Json) => e.actor === 'sup')).toMatchObject({ cameraId: 'gate', footageMs: expect.any(Number) });
    expect((await api('op1', 'POST', `/api/patrol/rounds/${roundId}/stops/0/spot-check`, { verdict: 'agree' })).status).toBe(403);
    const sc = await api('sup', 'POST', `/api/patrol/rounds/${roundId}/stops/0/spot-check`, { verdict: 'disagree', note: 'picture was black' });
    expect(sc.status).toBe(201);
    expect(sc.body.spotChecks[0]).toMatchObject({ verdict: 'disagree', username: 'sup', logSeq: expect.any(Number) });
  });

  it('reports as CSV and a printable page; handover acknowledged by the next operator', async () => {
    const csv = await api('sup', 'GET', '/api/reports/daily?format=csv');
    expect(csv.res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.body).toContain('compliance,total');
    expect(csv.body).toContain('fire exit blocked');
    const html = await api('sup', 'GET', '/api/reports/shift?shift=day&format=html');
    expect(html.status).toBe(200);
    expect((await api('sup', 'GET', '/api/reports/shift?shift=nope')).status).toBe(400);

    const draft = await api('op1', 'GET', '/api/handovers/draft');
    expect(draft.body.openItems.offlineCameras.map((c: Json) => c.cameraId)).toContain('dead');
    const h = await api('op1', 'POST', '/api/handovers', { notes: 'Dead camera reported to maintenance.' });
    expect(h.status).toBe(201);
    expect((await api('op1', 'POST', `/api/handovers/${h.body.id}/ack`, {})).status).toBe(403);
    const ack = await api('op2', 'POST', `/api/handovers/${h.body.id}/ack`, { note: 'ok' });
    expect(ack.body).toMatchObject({ ackUsername: 'op2', ackLogSeq: expect.any(Number) });
    expect((await api('op2', 'POST', `/api/handovers/${h.body.id}/ack`, {})).status).toBe(409);
  });

  it('the DB refuses edits; an edit with the triggers dropped is caught by verify-log and the API', async () => {
    const db = new Database(join(wp.dataDir, 'watchpost.db'));
    try {
      expect(() => db.prepare("UPDATE duty_log SET text = 'nothing' WHERE seq = 1").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM duty_log WHERE seq = 1').run()).toThrow(/append-only/);
      db.exec('DROP TRIGGER duty_log_no_update');
      db.prepare("UPDATE duty_log SET text = 'nothing happened' WHERE seq = 2").run();
    } finally {
      db.close();
    }
    const out = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['scripts/verify-log.ts', '--data-dir', wp.dataDir], { cwd: REPO_ROOT }, (err, stdout) =>
        resolve({ code: err ? Number(err.code) : 0, stdout }),
      ),
    );
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/BROKEN at entry 2/);
    expect((await api('sup', 'GET', '/api/dutylog/verify')).body).toMatchObject({ ok: false, broken: { seq: 2 }, triggers: false });
  });
});
