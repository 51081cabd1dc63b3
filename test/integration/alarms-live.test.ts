/**
 * Live analytics end to end against the real server, model and ffmpeg: a looped scenario clip (a person
 * loitering in the walkway from clip second 2 to 20) as a file camera, zones over the API, an alarm with an
 * annotated snapshot, the ack → dispatch → resolve workflow; and a corrupt model that disables analytics
 * while live video keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ensureScenarios, type Scenario } from '../support/scenarios.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let scenario: Scenario;
let wp: Watchpost;
let cookie: string;

async function api(path: string, init: { method?: string; json?: unknown; server?: Watchpost; cookie?: string } = {}) {
  const headers: Record<string, string> = { cookie: init.cookie ?? cookie };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${(init.server ?? wp).url}${path}`, {
    method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const cameraYaml = (file: string, extra: string[] = []) =>
  ['server: {host: 127.0.0.1}', 'demo: false', ...extra, 'cameras:', `  - {id: walk, name: "Walkway 走道", file: "${file}"}`].join('\n');

beforeAll(async () => {
  [scenario] = (await ensureScenarios(['loiter-walkway'])) as [Scenario];
  wp = await startWatchpost({ configYaml: cameraYaml(scenario.video, ['analytics: {fps: 2}']) });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
});

afterAll(async () => {
  await wp?.dispose();
});

describe('live alarms', () => {
  it('rejects an invalid polygon with the zod path', async () => {
    const res = await api('/api/cameras/walk/zones', {
      method: 'PUT',
      json: { zones: [{ name: 'bow', kind: 'loitering', polygon: [[0.1, 0.1], [0.9, 0.9], [0.9, 0.1], [0.1, 0.9]] }] },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Json;
    expect(body.error.message).toMatch(/zones\[0\]\.polygon: .*self-intersecting/);
    const out = await api('/api/cameras/walk/zones', { method: 'PUT', json: { zones: [{ name: 'x', kind: 'loitering', polygon: [[0, 0], [2, 0], [0, 1]] }] } });
    expect(out.status).toBe(400);
    expect(((await out.json()) as Json).error.message).toMatch(/zones\[0\]\.polygon\[1\]/);
  });

  it('raises a loitering alarm with an annotated snapshot, and the workflow keeps order, users and times', async () => {
    const walkway = { ...scenario.zones[0]!, dwellSeconds: 4 };
    const put = await api('/api/cameras/walk/zones', { method: 'PUT', json: { zones: [walkway] } });
    expect(put.status).toBe(200);
    expect(((await api('/api/cameras/walk/zones').then((r) => r.json())) as Json).zones).toEqual([walkway]);

    const snap = await waitFor('a camera snapshot', async () => {
      const r = await api('/api/cameras/walk/snapshot.jpg');
      return r.status === 200 ? Buffer.from(await r.arrayBuffer()) : undefined;
    }, 20_000);
    expect((await sharp(snap).metadata()).width).toBe(768);

    const alarm = await waitFor('a loitering alarm', async () => {
      const r = (await api('/api/alarms?status=open').then((x) => x.json())) as Json;
      return r.alarms[0];
    }, 55_000);
    expect(alarm).toMatchObject({ cameraId: 'walk', cameraName: 'Walkway 走道', zone: 'walkway', kind: 'loitering', status: 'open' });
    expect(alarm.startMs - alarm.sinceMs).toBeGreaterThanOrEqual(3500);
    expect(Math.abs(alarm.startMs - Date.now())).toBeLessThan(15_000);
    expect(alarm.recordingMs).toBeLessThan(alarm.sinceMs);
    expect(alarm.score).toBeGreaterThan(0.3);
    expect(alarm.trackIds.length).toBeGreaterThan(0);

    const jpeg = await api(alarm.snapshotUrl);
    expect(jpeg.status).toBe(200);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await jpeg.arrayBuffer())).metadata();
    expect(meta.width).toBe(832);

    const status = (await api('/api/analytics/status').then((r) => r.json())) as Json;
    expect(status).toMatchObject({ enabled: true, fps: 2, inference: 'worker', workers: 1 });
    const cam = status.cameras.find((c: Json) => c.cameraId === 'walk');
    expect(cam).toMatchObject({ zones: 1, state: 'running', dropped: expect.any(Number) });
    expect(cam.analysedFps).toBeGreaterThan(1.2);
    expect(cam.analysedFps).toBeLessThan(2.8);

    const id = alarm.id as number;
    expect((await api(`/api/alarms/${id}/resolve`, { json: {} })).status).toBe(409);
    expect((await api(`/api/alarms/${id}/dispatch`, { json: { to: 'guard 2' } })).status).toBe(409);
    const ack = (await (await api(`/api/alarms/${id}/ack`, { json: { note: 'seen' } })).json()) as Json;
    expect(ack).toMatchObject({ status: 'acknowledged', ack: { by: 'admin', note: 'seen', at: expect.any(Number) } });
    expect(ack.ackAfterMs).toBe(ack.ack.at - ack.startMs);
    expect((await api(`/api/alarms/${id}/ack`, { json: {} })).status).toBe(409);
    expect((await api(`/api/alarms/${id}/dispatch`, { json: { note: 'no one named' } })).status).toBe(400);
    const disp = (await (await api(`/api/alarms/${id}/dispatch`, { json: { to: 'guard 2', note: 'go look' } })).json()) as Json;
    expect(disp).toMatchObject({ status: 'dispatched', dispatch: { by: 'admin', to: 'guard 2', note: 'go look' } });
    const res = (await (await api(`/api/alarms/${id}/resolve`, { json: { note: 'visitor, left' } })).json()) as Json;
    expect(res).toMatchObject({ status: 'resolved', resolve: { by: 'admin', note: 'visitor, left' } });
    expect(res.ack.at).toBeLessThanOrEqual(res.dispatch.at);
    expect(res.dispatch.at).toBeLessThanOrEqual(res.resolve.at);
    expect(res.resolveAfterMs).toBe(res.resolve.at - res.startMs);
    const open = (await api('/api/alarms?status=open').then((r) => r.json())) as Json;
    expect(open.alarms.map((a: Json) => a.id)).not.toContain(id);
    const all = (await api('/api/alarms?status=all&camera=walk').then((r) => r.json())) as Json;
    expect(all.alarms.map((a: Json) => a.id)).toContain(id);
    expect((await api('/api/alarms/999999')).status).toBe(404);
  });
});

describe('a corrupt model', () => {
  let dir: string;
  let bad: Watchpost | undefined;
  afterAll(async () => {
    await bad?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('disables analytics with a reason; live video keeps working', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wp-badmodel-'));
    writeFileSync(join(dir, 'model.onnx'), 'not an onnx model');
    const manifest = { file: 'model.onnx', sha256: 'a'.repeat(64), input: { name: 'images', shape: [1, 3, 416, 416] }, output: { name: 'output', strides: [8, 16, 32], nmsIou: 0.45 }, classes: ['person'] };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    bad = await startWatchpost({ configYaml: cameraYaml(scenario.video, [`analytics: {modelManifest: "${join(dir, 'manifest.json')}"}`]) });
    const c = await login(bad.url, 'admin', bad.adminPassword);
    const status = await waitFor('analytics status', async () => {
      const s = (await api('/api/analytics/status', { server: bad, cookie: c }).then((r) => r.json())) as Json;
      return s.reason === 'analytics are starting' ? undefined : s;
    }, 10_000);
    expect(status.enabled).toBe(false);
    expect(status.reason).toMatch(/sha256 mismatch/);
    const zones = await api('/api/cameras/walk/zones', { server: bad, cookie: c, method: 'PUT', json: { zones: scenario.zones } });
    expect(zones.status).toBe(200);
    const playlist = await waitFor('live HLS', async () => {
      const r = await api('/hls/walk/index.m3u8', { server: bad, cookie: c });
      return r.status === 200 ? r.text() : undefined;
    }, 20_000);
    expect(playlist).toContain('#EXTM3U');
    expect(bad.output().match(/live analytics disabled/g)?.length).toBe(1);
  });
});
