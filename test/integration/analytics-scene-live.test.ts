/**
 * Issue H points 2 and 5 against the real server, model and ffmpeg: a looped clip whose view is covered from
 * clip second 8 to 24 as a file camera. Without zones the camera is watched for tamper only and raises one
 * camera_tamper alarm (with a duty-log entry); with an exit zone the status shows the zone's reference
 * state, the reference JPEG is served once learned, and a re-learn is audited with the zone name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureScenarios, type Scenario } from '../support/scenarios.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let scenario: Scenario;
let wp: Watchpost;
let cookie: string;

async function api(path: string, json?: unknown, method?: string) {
  const headers: Record<string, string> = { cookie };
  if (json !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${wp.url}${path}`, { method: method ?? (json !== undefined ? 'POST' : 'GET'), headers, body: json !== undefined ? JSON.stringify(json) : undefined });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  [scenario] = (await ensureScenarios(['tamper-covered'])) as [Scenario];
  wp = await startWatchpost({
    configYaml: ['server: {host: 127.0.0.1}', 'demo: false', 'analytics: {fps: 2}', 'cameras:', `  - {id: cam, name: "Stairs 楼梯", file: "${scenario.video}"}`].join('\n'),
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
}, 120_000);

afterAll(async () => {
  await wp?.dispose();
});

describe('camera tamper and exit-zone references, live', () => {
  it('a camera without zones is watched for tamper only: covered → one camera_tamper alarm and a duty-log entry', async () => {
    const cam = await waitFor(
      'the camera in the analytics status',
      async () => ((await (await api('/api/analytics/status')).json()) as Json).cameras?.find((c: Json) => c.cameraId === 'cam'),
      30_000,
    );
    expect(cam).toMatchObject({ zones: 0, tamperOnly: true, scenes: [] });
    const alarm = await waitFor(
      'a camera_tamper alarm',
      async () => ((await (await api('/api/alarms?status=all')).json()) as Json).alarms.find((a: Json) => a.kind === 'camera_tamper'),
      110_000,
    );
    expect(alarm).toMatchObject({ cameraId: 'cam', zone: 'camera view', kind: 'camera_tamper', status: 'open' });
    expect(alarm.startMs - alarm.sinceMs).toBeGreaterThanOrEqual(9000);
    let last: Json;
    const log = await waitFor(
      'its duty-log entry',
      async () => {
        const res = await api('/api/dutylog?limit=50');
        last = [res.status, await res.text()];
        const r = JSON.parse(last[1]) as Json;
        return (Array.isArray(r) ? r : r.entries ?? []).find((e: Json) => e.data?.alarmId === alarm.id);
      },
      10_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}: last answer ${JSON.stringify(last).slice(0, 600)}`);
    });
    expect(log.text).toMatch(/camera tamper/);
    const alarms = ((await (await api('/api/alarms?status=all')).json()) as Json).alarms.filter((a: Json) => a.kind === 'camera_tamper');
    expect(alarms).toHaveLength(1);
  }, 130_000);

  it('an exit zone: reference state in the status, the reference JPEG once learned, re-learn audited', async () => {
    const zones = [{ name: 'lane', kind: 'exit', polygon: [[0.45, 0.36], [0.75, 0.36], [0.75, 0.6], [0.45, 0.6]], dwellSeconds: 8 }];
    expect((await api('/api/cameras/cam/zones', { zones }, 'PUT')).status).toBe(200);
    const scene = await waitFor(
      'the zone in the status',
      async () => ((await (await api('/api/analytics/status')).json()) as Json).cameras.find((c: Json) => c.cameraId === 'cam' && c.zones === 1)?.scenes[0],
      20_000,
    );
    expect(scene).toMatchObject({ zone: 'lane', state: expect.stringMatching(/learning|ready|cannot_learn/) });
    const jpeg = await waitFor(
      'the reference image',
      async () => {
        const r = await api('/api/cameras/cam/zones/reference.jpg?zone=lane');
        return r.status === 200 ? r : undefined;
      },
      60_000,
    );
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect((await jpeg.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const re = await api('/api/cameras/cam/zones/relearn', { zone: 'lane' });
    expect(re.status).toBe(200);
    expect(await re.json()).toEqual({ cameraId: 'cam', zone: 'lane', state: 'learning' });
    expect((await api('/api/cameras/cam/zones/relearn', { zone: 'nope' })).status).toBe(404);
    const audit = await waitFor(
      'the audit entry',
      async () => ((await (await api('/api/audit?action=zone.relearn&camera=cam')).json()) as Json).entries.find((e: Json) => e.detail?.path?.endsWith('/zones/relearn')),
      10_000,
    );
    expect(audit).toMatchObject({ action: 'zone.relearn', cameraId: 'cam', target: 'cam', detail: { fields: { zone: 'lane' } } });
  }, 120_000);
});
