import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { addUsers } from '../support/users.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let rtsp: RtspServer;
let wp: Watchpost;
let cookie: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: Response): Promise<any> => r.json();

async function api(path: string, init: RequestInit & { json?: unknown; cookie?: string | null } = {}) {
  const headers = new Headers(init.headers);
  const c = init.cookie === undefined ? cookie : init.cookie;
  if (c) headers.set('cookie', c);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  return fetch(`${wp.url}${path}`, { ...init, headers, body });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10 });
  wp = await startWatchpost({
    configYaml: [
      'storage: {segmentSeconds: 4}',
      'cameras:',
      `  - {id: gate, name: "东门 Gate", url: "${rtsp.url()}"}`,
    ].join('\n'),
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
});

afterAll(async () => {
  await wp?.dispose();
  await rtsp?.stop();
});

describe('HTTP API against the real server', () => {
  it('health needs no login and counts cameras', async () => {
    const res = await api('/api/health', { cookie: null });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ status: 'ok', version: expect.any(String), cameras: { total: 1 } });
  });

  it('every API route and live video answer 401 without a session', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/cameras'],
      ['POST', '/api/cameras'],
      ['GET', '/api/cameras/gate'],
      ['PATCH', '/api/cameras/gate'],
      ['DELETE', '/api/cameras/gate'],
      ['GET', '/api/events'],
      ['GET', '/api/session'],
      ['DELETE', '/api/session'],
      ['GET', '/api/no-such-thing'],
      ['GET', '/hls/gate/index.m3u8'],
      ['GET', '/hls/gate/seg_1.ts'],
    ];
    for (const [method, path] of routes) {
      const res = await api(path, { method, cookie: null, json: method === 'GET' ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect((await json(res)).error.code).toBe('unauthenticated');
    }
    // a forged cookie is no better
    expect((await api('/api/cameras', { cookie: 'wp_session=forged' })).status).toBe(401);
  });

  it('login: wrong password 401, malformed JSON 400, cookie is httpOnly + SameSite=Strict', async () => {
    const bad = await api('/api/session', { method: 'POST', cookie: null, json: { username: 'admin', password: 'nope' } });
    expect(bad.status).toBe(401);
    expect((await json(bad)).error.code).toBe('bad_credentials');
    const malformed = await api('/api/session', {
      method: 'POST',
      cookie: null,
      headers: { 'content-type': 'application/json' },
      body: '{"username": "admin", ',
    });
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error.code).toBe('invalid_json');
    const ok = await api('/api/session', { method: 'POST', cookie: null, json: { username: 'admin', password: wp.adminPassword } });
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect((await json(ok)).user).toMatchObject({ username: 'admin', role: 'admin' });
  });

  it('rate-limits failed logins for a user', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await api('/api/session', { method: 'POST', cookie: null, json: { username: 'ghost', password: 'x' } });
      statuses.push(r.status);
      if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('lists cameras with status and hlsUrl; the config camera goes online and plays HLS', async () => {
    const cams = await json(await api('/api/cameras'));
    expect(cams).toHaveLength(1);
    expect(cams[0]).toMatchObject({
      id: 'gate',
      name: '东门 Gate',
      hlsUrl: '/hls/gate/index.m3u8',
      hlsMainUrl: '/hls/gate/index.m3u8', // no sub-stream: tiles and the single view play the same
      origin: 'config',
    });
    expect(cams[0]).toHaveProperty('statusReason');
    await waitFor('gate online', async () => {
      const c = await json(await api('/api/cameras/gate'));
      return c.status === 'online' ? c : undefined;
    });
    const playlist = await waitFor('playlist', async () => {
      const r = await api('/hls/gate/index.m3u8');
      return r.status === 200 ? r : undefined;
    });
    expect(playlist.headers.get('content-type')).toMatch(/mpegurl/);
    const text = await playlist.text();
    expect(text).toMatch(/^#EXTM3U/);
    const seg = text.split('\n').find((l) => l.endsWith('.ts'))!;
    const segRes = await api(`/hls/gate/${seg}`);
    expect(segRes.status).toBe(200);
    expect((await segRes.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('serves no path outside the live dir: traversal attempts are 404', async () => {
    for (const p of [
      '/hls/..%2f..%2fwatchpost.db',
      '/hls/gate/..%2f..%2fwatchpost.db',
      '/hls/gate/%2e%2e%2fsecret.key',
      '/hls/gate/..',
      '/hls/..%2f../index.m3u8',
      '/hls/GATE/index.m3u8',
      '/hls/nope/index.m3u8',
      '/hls/gate/index.m3u8%00',
      '/hls/gate/seg_1.ts.bak',
      '/hls/gate/main/index.m3u8', // no sub-stream, so no separate main-stream playlist
      '/hls/gate/main/..%2f..%2fwatchpost.db',
    ]) {
      const r = await api(p);
      expect(r.status, p).toBe(404);
    }
  });

  it('adds, changes and deletes a camera; bad input is a clear 400; credentials never come back', async () => {
    const bad = await api('/api/cameras', { method: 'POST', json: { name: 'X', url: 'http://example/stream' } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/url: must be an rtsp:\/\/ or rtsps:\/\/ URL/);
    const garbage = await api('/api/cameras', { method: 'POST', json: { name: 'X', url: 'rtsp://' } });
    expect(garbage.status).toBe(400);
    const unknown = await api('/api/cameras', { method: 'POST', json: { name: 'X', url: rtsp.url(), colour: 1 } });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.message).toMatch(/colour/);

    const withCreds = rtsp.url().replace('rtsp://', 'rtsp://viewer:s3cret-pw@');
    const created = await api('/api/cameras', { method: 'POST', json: { name: 'Car park 2', url: withCreds } });
    expect(created.status).toBe(201);
    const cam = await json(created);
    expect(cam).toMatchObject({ id: 'car-park-2', url: rtsp.url(), hasCredentials: true, origin: 'db' });
    const all = await (await api('/api/cameras')).text();
    expect(all).not.toContain('s3cret-pw');
    expect(wp.output()).not.toContain('s3cret-pw');

    const dup = await api('/api/cameras', { method: 'POST', json: { id: 'car-park-2', name: 'again', url: rtsp.url() } });
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { error: unknown }).error).toMatchObject({ code: 'exists', params: { what: 'camera', name: 'car-park-2' } });

    const off = await api('/api/cameras/car-park-2', { method: 'PATCH', json: { enabled: false } });
    expect(off.status).toBe(200);
    expect(await json(off)).toMatchObject({ enabled: false, status: 'disabled' });
    const ro = await api('/api/cameras/gate', { method: 'PATCH', json: { name: 'x' } });
    expect(ro.status).toBe(409);
    expect((await json(ro)).error.code).toBe('read_only');
    expect((await api('/api/cameras/nope', { method: 'PATCH', json: { name: 'x' } })).status).toBe(404);

    expect((await api('/api/cameras/car-park-2', { method: 'DELETE' })).status).toBe(204);
    expect((await api('/api/cameras/car-park-2')).status).toBe(404);
  });

  it('a camera that never connects is listed offline with its reason; nothing crashes', async () => {
    const res = await api('/api/cameras', { method: 'POST', json: { id: 'dead', name: 'Dead', url: 'rtsp://127.0.0.1:1/nothing' } });
    expect(res.status).toBe(201);
    const cam = await waitFor('dead offline', async () => {
      const c = await json(await api('/api/cameras/dead'));
      return c.status === 'offline' ? c : undefined;
    });
    expect(cam.statusReason).toBe('unreachable');
    expect((await api('/api/health', { cookie: null })).status).toBe(200);
    await api('/api/cameras/dead', { method: 'DELETE' });
  });

  it('only admins change cameras (403 for an operator)', async () => {
    await addUsers(join(wp.dataDir, 'watchpost.db'), [{ username: 'op1', passwordHash: await hashPassword('op-pass-1'), role: 'operator' }]);
    const opCookie = await login(wp.url, 'op1', 'op-pass-1');
    expect((await api('/api/cameras', { cookie: opCookie })).status).toBe(200);
    const r = await api('/api/cameras', { method: 'POST', cookie: opCookie, json: { name: 'x', url: rtsp.url() } });
    expect(r.status).toBe(403);
    expect((await json(r)).error.code).toBe('forbidden');
  });

  it('pushes camera changes over SSE', async () => {
    const ac = new AbortController();
    const res = await api('/api/events', { signal: ac.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let buf = '';
    const readUntil = async (needle: string) => {
      const end = Date.now() + 10_000;
      while (!buf.includes(needle) && Date.now() < end) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += new TextDecoder().decode(value);
      }
      return buf.includes(needle);
    };
    expect(await readUntil('event: hello')).toBe(true);
    await api('/api/cameras', { method: 'POST', json: { id: 'sse-cam', name: 'SSE', url: rtsp.url(), enabled: false } });
    expect(await readUntil('"id":"sse-cam"')).toBe(true);
    await api('/api/cameras/sse-cam', { method: 'DELETE' });
    expect(await readUntil('event: camera-removed')).toBe(true);
    ac.abort();
  });

  it('logout ends the session', async () => {
    const c = await login(wp.url, 'admin', wp.adminPassword);
    expect((await api('/api/session', { method: 'DELETE', cookie: c })).status).toBe(204);
    expect((await api('/api/cameras', { cookie: c })).status).toBe(401);
  });
});
