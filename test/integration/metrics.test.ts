/**
 * Prometheus metrics (issue K) from the real server recording the GStreamer RTSP test camera: never open
 * (401 without a session or token, 403 for an operator), a scraper with the configured token and an admin
 * both get the text format with the camera up, its segments counted, HTTP timings, disk and alarms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { seedAlarms } from '../support/alarms.ts';

let rtsp: RtspServer;
let wp: Watchpost;
const TOKEN = 'scrape-token-0123456789';
const metric = (text: string, name: string) => {
  const m = new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10 });
  wp = await startWatchpost({ configYaml: [`metrics: {token: ${TOKEN}}`, 'storage: {segmentSeconds: 2}', 'cameras:', `  - {id: gate, name: "东门 Gate", url: "${rtsp.url()}"}`].join('\n') });
}, 60_000);
afterAll(async () => {
  await wp?.dispose();
  await rtsp?.stop();
});

describe('GET /metrics', () => {
  it('is never open', async () => {
    expect((await fetch(`${wp.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${wp.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const admin = await login(wp.url, 'admin', wp.adminPassword);
    await fetch(`${wp.url}/api/users`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'op1', password: 'op1-night-pass-1', role: 'operator' }) });
    const op = await login(wp.url, 'op1', 'op1-night-pass-1');
    expect((await fetch(`${wp.url}/metrics`, { headers: { cookie: op } })).status).toBe(403);
    expect((await fetch(`${wp.url}/metrics`, { headers: { cookie: admin } })).status).toBe(200);
  });

  it('gives a scraper with the token the camera, recording, HTTP, disk and alarm metrics', async () => {
    // one alarm open, one acknowledged (not resolved: still open), one resolved
    const now = Date.now();
    seedAlarms(wp.dataDir, (['open', 'acknowledged', 'resolved'] as const).map((status, i) => ({ cameraId: 'gate', status, startMs: now - 60_000 + i })));
    let text = '';
    const until = Date.now() + 40_000;
    for (;;) {
      const r = await fetch(`${wp.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/plain');
      text = await r.text();
      if ((metric(text, 'watchpost_segments_written_total{camera="gate"}') ?? 0) >= 2 && (metric(text, 'watchpost_camera_fps_in{camera="gate",stream="live"}') ?? 0) > 0) break;
      if (Date.now() > until) throw new Error(`no segments counted:\n${text.slice(0, 2000)}`);
      await new Promise((res) => setTimeout(res, 1000));
    }
    expect(metric(text, 'watchpost_camera_up{camera="gate"}')).toBe(1);
    expect(metric(text, 'watchpost_recording_bytes_total{camera="gate"}')).toBeGreaterThan(1000);
    expect(metric(text, 'watchpost_open_alarms')).toBe(2);
    // the test camera sends 10 frames a second
    const fps = metric(text, 'watchpost_camera_fps_in{camera="gate",stream="live"}')!;
    expect(fps).toBeGreaterThan(8);
    expect(fps).toBeLessThan(12);
    expect(metric(text, 'watchpost_camera_restarts_total{camera="gate"}') ?? 0).toBe(0);
    expect(text).toMatch(/^# TYPE watchpost_detector_latency_seconds histogram$/m);
    expect(text).toMatch(/^# TYPE watchpost_analysis_fps gauge$/m);
    expect(text).toMatch(/^# TYPE watchpost_analysis_dropped_frames gauge$/m);
    expect(metric(text, 'watchpost_disk_free_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/watchpost_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/metrics",status="2xx"\}/);
    expect(text).toMatch(/^watchpost_process_cpu_seconds_total /m);
  }, 60_000);
});
