/**
 * Dispatch to a guard's phone (issue L point 2) over HTTP against the real server (real SQLite, real files): the post
 * dispatches an acknowledged alarm to a guard account, the guard sees only their own dispatches (and nothing else of
 * the console), answers on my way → arrived → handled in order with up to 3 photos; hostile input is refused without
 * losing anything; every step is in the hash-chained duty log with the photos' sha256; a dispatch not accepted in
 * time is flagged, also after a restart (the deadline is stored); response times per day for compliance.
 */
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { seedAlarm } from '../support/alarms.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let wp: Watchpost;
let admin: string;
let wang: string;
let li: string;
let jpeg: Buffer;
let png: Buffer;

const call = apiClient(() => wp);

async function photo(id: number, cookie: string, body: Buffer, type = 'image/jpeg'): Promise<{ status: number; body: Json }> {
  const r = await fetch(`${wp.url}/api/dispatches/${id}/photos`, { method: 'POST', headers: { cookie, 'content-type': type }, body });
  return { status: r.status, body: await r.json() };
}

/** An acknowledged alarm with a snapshot, as live analytics stores it. */
async function ackedAlarm(cam: string): Promise<number> {
  const id = seedAlarm(wp.dataDir, { cameraId: cam, zone: '消防通道', kind: 'blocked_exit', snapshot: (n) => `alarm-${n}.jpg` });
  mkdirSync(join(wp.dataDir, 'alarms', 'snapshots'), { recursive: true });
  writeFileSync(join(wp.dataDir, 'alarms', 'snapshots', `alarm-${id}.jpg`), jpeg);
  expect((await call('POST', `/api/alarms/${id}/ack`, { cookie: admin, json: {} })).status).toBe(200);
  return id;
}

beforeAll(async () => {
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } }).jpeg().toBuffer();
  png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#3c3' } }).png().toBuffer();
  wp = await startWatchpost({
    configYaml: [
      'server: {host: 127.0.0.1}',
      'demo: false',
      'analytics: {enabled: false}',
      'alarms: {dispatchAcceptSeconds: 3}',
      'cameras:',
      '  - {id: gate, name: "东门 Gate", url: "rtsp://127.0.0.1:9/none"}',
      '  - {id: bank, name: "银行 Bank", url: "rtsp://127.0.0.1:9/none"}',
    ].join('\n'),
  });
  admin = await login(wp.url, 'admin', wp.adminPassword);
  for (const [u, name, cams] of [['wang', '王保安', null], ['li', '李保安', ['gate']]] as const) {
    const r = await call('POST', '/api/users', { cookie: admin, json: { username: u, password: `${u}-guard-pass-2026`, role: 'guard', displayName: name, cameras: cams } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  wang = await login(wp.url, 'wang', 'wang-guard-pass-2026');
  li = await login(wp.url, 'li', 'li-guard-pass-2026');
}, 90_000);

afterAll(async () => {
  await wp?.dispose();
});

describe('dispatch to a guard (issue L point 2)', () => {
  let alarmId = 0;
  let id = 0;

  it('the post lists guard accounts and dispatches to one by name; free text is still a radio dispatch', async () => {
    const guards = await call('GET', '/api/dispatches/guards', { cookie: admin });
    expect(guards.body.guards.map((g: Json) => [g.username, g.displayName])).toEqual([['wang', '王保安'], ['li', '李保安']]);
    alarmId = await ackedAlarm('bank');
    const a = await call('POST', `/api/alarms/${alarmId}/dispatch`, { cookie: admin, json: { to: 'wang', note: '东门消防通道被堵，请去看看' } });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.status).toBe('dispatched');
    expect(a.body.dispatch.to).toBe('wang');
    expect(a.body.guardDispatch).toMatchObject({ guard: 'wang', guardName: '王保安', state: 'sent', onWayAt: null });
    id = a.body.guardDispatch.id;
    const radio = await ackedAlarm('gate');
    const r = await call('POST', `/api/alarms/${radio}/dispatch`, { cookie: admin, json: { to: 'Radio team 2' } });
    expect(r.status).toBe(200);
    expect(r.body.dispatch.to).toBe('Radio team 2');
    expect(r.body.guardDispatch).toBeNull();
    // a guard who may not see the camera, an unknown guard, a non-guard account
    const other = await ackedAlarm('bank');
    expect((await call('POST', `/api/alarms/${other}/dispatch`, { cookie: admin, json: { guard: 'li' } })).body.error.code).toBe('guard_cannot_see_camera');
    expect((await call('POST', `/api/alarms/${other}/dispatch`, { cookie: admin, json: { guard: 'nobody' } })).body.error.code).toBe('not_a_guard');
    expect((await call('POST', `/api/alarms/${other}/dispatch`, { cookie: admin, json: { guard: 'admin' } })).body.error.code).toBe('not_a_guard');
    expect((await call('GET', `/api/alarms/${other}`, { cookie: admin })).body.status).toBe('acknowledged');
  });

  it('the guard sees their own dispatch with its snapshot, and nothing else of the console', async () => {
    const mine = await call('GET', '/api/dispatches/mine', { cookie: wang });
    expect(mine.status).toBe(200);
    expect(mine.body.dispatches).toHaveLength(1);
    const d = mine.body.dispatches[0];
    expect(d).toMatchObject({ id, alarmId, cameraId: 'bank', cameraName: '银行 Bank', zone: '消防通道', note: '东门消防通道被堵，请去看看', by: 'admin', state: 'sent' });
    const snap = await fetch(`${wp.url}${d.snapshotUrl}`, { headers: { cookie: wang } });
    expect(snap.status).toBe(200);
    expect(snap.headers.get('content-type')).toBe('image/jpeg');
    for (const p of ['/api/alarms', `/api/alarms/${alarmId}`, `/api/alarms/${alarmId}/snapshot.jpg`, '/api/cameras', '/api/dutylog', '/api/dispatches/guards', '/api/dispatches/times', '/api/users']) {
      expect([p, (await call('GET', p, { cookie: wang })).status]).toEqual([p, 403]);
    }
    expect((await call('POST', `/api/alarms/${alarmId}/resolve`, { cookie: wang, json: { outcome: 'genuine' } })).status).toBe(403);
    expect((await call('GET', '/api/dispatches/mine', { cookie: li })).body.dispatches).toEqual([]);
    expect((await call('GET', '/api/dispatches/mine', { cookie: admin })).status).toBe(403);
  });

  it('hostile: someone else\'s dispatch 403, out of order 409, photos only after accepting', async () => {
    expect((await call('POST', `/api/dispatches/${id}/step`, { cookie: li, json: { step: 'on_way' } })).status).toBe(404); // li may not see bank
    expect((await call('POST', `/api/dispatches/${id}/step`, { cookie: admin, json: { step: 'on_way' } })).status).toBe(403);
    expect((await call('POST', `/api/dispatches/${id}/step`, { cookie: wang, json: { step: 'arrived' } })).status).toBe(409);
    expect((await call('POST', `/api/dispatches/${id}/step`, { cookie: wang, json: { step: 'handled' } })).status).toBe(409);
    expect((await call('POST', `/api/dispatches/${id}/step`, { cookie: wang, json: { step: 'fly' } })).status).toBe(400);
    expect((await photo(id, wang, jpeg)).status).toBe(409);
    // li's own dispatch on a camera li sees: wang may not answer it
    const a = await ackedAlarm('gate');
    const lid = (await call('POST', `/api/alarms/${a}/dispatch`, { cookie: admin, json: { guard: 'li' } })).body.guardDispatch.id;
    expect((await call('POST', `/api/dispatches/${lid}/step`, { cookie: wang, json: { step: 'on_way' } })).status).toBe(403);
    expect((await call('GET', `/api/dispatches/${lid}`, { cookie: wang })).status).toBe(403);
    expect((await photo(lid, wang, jpeg)).status).toBe(403);
  });

  it('answers on my way, photos (bad ones refused, nothing lost), arrived, handled; the post sees each step', async () => {
    const onWay = await call('POST', `/api/dispatches/${id}/step`, { cookie: wang, json: { step: 'on_way', note: '马上到' } });
    expect(onWay.status, JSON.stringify(onWay.body)).toBe(200);
    expect(onWay.body.state).toBe('on_way');
    expect((await call('POST', `/api/dispatches/${id}/step`, { cookie: wang, json: { step: 'on_way' } })).status).toBe(409);
    const notImage = await photo(id, wang, Buffer.from('this is not a picture'));
    expect([notImage.status, notImage.body.error.code]).toEqual([400, 'not_an_image']);
    const tooBig = await photo(id, wang, Buffer.concat([jpeg, Buffer.alloc(8 * 1024 * 1024)]));
    expect([tooBig.status, tooBig.body.error.code]).toEqual([400, 'photo_too_large']);
    expect((await photo(id, wang, Buffer.from('{"a":1}'), 'application/json')).status).toBe(400);
    expect((await photo(id, wang, jpeg, 'text/plain')).status).toBe(403); // csrf: a cross-site form could send that
    expect((await photo(id, wang, jpeg)).status).toBe(201);
    expect((await call('POST', `/api/dispatches/${id}/step`, { cookie: wang, json: { step: 'arrived' } })).status).toBe(200);
    expect((await photo(id, wang, png, 'image/png')).status).toBe(201);
    const third = await photo(id, wang, jpeg);
    expect(third.status).toBe(201);
    expect(third.body.photos.map((p: Json) => [p.n, p.mime])).toEqual([[1, 'image/jpeg'], [2, 'image/png'], [3, 'image/jpeg']]);
    const fourth = await photo(id, wang, jpeg);
    expect([fourth.status, fourth.body.error.code]).toEqual([400, 'too_many_photos']);
    const handled = await call('POST', `/api/dispatches/${id}/step`, { cookie: wang, json: { step: 'handled', note: '杂物已清走' } });
    expect(handled.status).toBe(200);
    expect(handled.body).toMatchObject({ state: 'handled', handled: { note: '杂物已清走' } });
    expect(handled.body.arrivedAfterMs).toBeGreaterThanOrEqual(0);
    expect((await photo(id, wang, jpeg)).status).toBe(409);
    expect((await call('POST', `/api/dispatches/${id}/step`, { cookie: wang, json: { step: 'handled' } })).status).toBe(409);

    const alarm = (await call('GET', `/api/alarms/${alarmId}`, { cookie: admin })).body;
    expect(alarm.guardDispatch).toMatchObject({ state: 'handled', handledNote: '杂物已清走' });
    expect(alarm.guardDispatch.onWayAt).toBeLessThanOrEqual(alarm.guardDispatch.arrivedAt);
    expect(alarm.guardDispatch.photos).toHaveLength(3);
    const p1 = await fetch(`${wp.url}${alarm.guardDispatch.photos[0].url}`, { headers: { cookie: admin } });
    const bytes = Buffer.from(await p1.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(alarm.guardDispatch.photos[0].sha256);
    expect(bytes.equals(jpeg)).toBe(true);
    // each answer and photo is on the audit trail, with the guard as actor (a photo by its size)
    const audit = (await call('GET', '/api/audit?limit=200', { cookie: admin })).body.entries as Json[];
    const mine = audit.filter((e) => e.target === String(id) && e.action.startsWith('dispatch.')).reverse(); // oldest first
    expect(mine.filter((e) => e.action === 'dispatch.step').map((e) => e.detail.fields.step)).toEqual(['on_way', 'arrived', 'handled']);
    expect(mine.filter((e) => e.action === 'dispatch.photo')).toHaveLength(3);
    expect(mine.filter((e) => e.action !== 'dispatch.denied').every((e) => e.actor === 'wang')).toBe(true);
    // the post's attempt to answer for the guard (403 above) is on the trail as a denial
    expect(mine.filter((e) => e.action === 'dispatch.denied').map((e) => e.actor)).toContain('admin');
    expect(mine.find((e) => e.action === 'dispatch.photo').detail.fields.bytes).toBeGreaterThan(0);
    // the photos are append-only evidence rows
    const db = new Database(join(wp.dataDir, 'watchpost.db'));
    try {
      expect(() => db.prepare('DELETE FROM dispatch_photos').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('a wall display shows the photos on its pop-up, and nothing else of the dispatch', async () => {
    expect((await call('POST', '/api/users', { cookie: admin, json: { username: 'wall1', password: 'wall1-display-pass-2026', role: 'wall' } })).status).toBe(201);
    const wall = await login(wp.url, 'wall1', 'wall1-display-pass-2026');
    const a = (await call('GET', `/api/alarms/${alarmId}`, { cookie: wall })).body;
    expect(a.guardDispatch.photos).toHaveLength(3);
    expect((await fetch(`${wp.url}${a.guardDispatch.photos[1].url}`, { headers: { cookie: wall } })).headers.get('content-type')).toBe('image/png');
    expect((await fetch(`${wp.url}${a.snapshotUrl}`, { headers: { cookie: wall } })).status).toBe(200); // the alarm's own snapshot too
    expect((await call('GET', `/api/dispatches/${id}`, { cookie: wall })).status).toBe(403);
    expect((await photo(id, wall, jpeg)).status).toBe(403);
  });

  it('each step is in the duty log, the photos with their sha256, and the chain verifies', async () => {
    // (the alarm was written into the database directly: no 'alarm' raised entry)
    const entries = ((await call('GET', '/api/dutylog?limit=200', { cookie: admin })).body as Json[]).filter((e) => e.data?.alarmId === alarmId).reverse();
    expect(entries.map((e) => e.kind)).toEqual(['alarm_ack', 'alarm_dispatch', 'dispatch_on_way', 'dispatch_arrived', 'dispatch_handled']);
    const handled = entries.at(-1);
    expect(handled.authorName).toBe('wang');
    expect(handled.text).toMatch(/王保安 \(wang\) handled \/ 已处置.*杂物已清走/);
    const photos = (await call('GET', `/api/dispatches/${id}`, { cookie: admin })).body.photos as Json[];
    expect(handled.data.photos.map((p: Json) => p.sha256)).toEqual(photos.map((p) => p.sha256));
    const v = (await call('GET', '/api/dutylog/verify', { cookie: admin })).body;
    expect(v.ok, JSON.stringify(v)).toBe(true);
  });

  it('the guard gets their dispatches live on the event stream, and no camera or alarm', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${wp.url}/api/events`, { headers: { cookie: li }, signal: ctl.signal });
    const reader = res.body!.getReader();
    let text = '';
    const until = async (re: RegExp) => {
      const end = Date.now() + 5000;
      while (!re.test(text) && Date.now() < end) text += new TextDecoder().decode((await reader.read()).value);
    };
    await until(/event: hello/);
    expect(JSON.parse(/event: hello\ndata: (.*)\n/.exec(text)![1]!).cameras).toEqual([]);
    const a = await ackedAlarm('gate');
    const t0 = Date.now();
    await call('POST', `/api/alarms/${a}/dispatch`, { cookie: admin, json: { to: 'li', note: '请去东门' } });
    await until(/event: dispatch\ndata: .*请去东门/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(text).not.toMatch(/event: (alarm|camera)\n/);
    ctl.abort();
  });

  it('a dispatch not accepted in time is flagged (duty log, the alarm), also when the deadline passes during a restart', async () => {
    const a = await ackedAlarm('gate');
    const d = (await call('POST', `/api/alarms/${a}/dispatch`, { cookie: admin, json: { guard: 'li' } })).body.guardDispatch;
    expect(d.overdueAt).toBeNull();
    await wp.restart();
    admin = await login(wp.url, 'admin', wp.adminPassword);
    const end = Date.now() + 8000;
    let alarm: Json;
    do {
      await new Promise((r) => setTimeout(r, 250));
      alarm = (await call('GET', `/api/alarms/${a}`, { cookie: admin })).body;
    } while (alarm.guardDispatch.overdueAt === null && Date.now() < end);
    expect(alarm.guardDispatch.overdueAt).toBeGreaterThanOrEqual(d.sentAt + 3000);
    const log = (await call('GET', '/api/dutylog?limit=50', { cookie: admin })).body as Json[];
    expect(log.filter((e) => e.kind === 'dispatch_overdue' && e.data.alarmId === a)).toHaveLength(1);
    // the dispatch's own updates after a restart do not write the alarm's dispatch entry again
    expect(log.filter((e) => e.kind === 'alarm_dispatch' && e.data.alarmId === a)).toHaveLength(1);
    // accepting late still works
    li = await login(wp.url, 'li', 'li-guard-pass-2026');
    expect((await call('POST', `/api/dispatches/${d.id}/step`, { cookie: li, json: { step: 'on_way' } })).status).toBe(200);
  }, 30_000);

  it('response times per day for compliance', async () => {
    const t = (await call('GET', '/api/dispatches/times', { cookie: admin })).body;
    expect(t.days).toHaveLength(1);
    expect(t.days[0]).toMatchObject({ arrived: 1, handled: 1 });
    expect(t.days[0].dispatches).toBeGreaterThanOrEqual(4);
    expect(t.days[0].overdue).toBeGreaterThanOrEqual(1);
    expect(t.days[0].handledP50Ms).toBeGreaterThanOrEqual(t.days[0].arrivedP50Ms);
    expect(t.dispatches.find((x: Json) => x.id === id).handledAfterMs).toBe(t.days[0].handledMaxMs);
    expect((await call('GET', '/api/dispatches/times?from=2026-13-01', { cookie: admin })).status).toBe(400);
  });
});
