import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SceneAccess } from '../../server/analytics/live/running.ts';
import type { Zone } from '../../server/analytics/zones.ts';
import type { AuditInput, AuditLog } from '../../server/audit/log.ts';
import { auditChanges } from '../../server/audit/http.ts';
import { errorHandler } from '../../server/http/errors.ts';
import { zonesRouter, type ZonesDeps } from '../../server/http/routes/zones.ts';
import { notFound } from '../../server/util/errors.ts';

// GET /api/cameras/:id/zones/reference.jpg and POST /api/cameras/:id/zones/relearn (issue H point 2),
// mounted like app.ts does, behind the audit middleware
const zones: Zone[] = [
  { name: 'lane', kind: 'exit', polygon: [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]] },
  { name: 'lawn', kind: 'loitering', polygon: [[0.5, 0.5], [0.9, 0.5], [0.9, 0.9]] },
];
const records: AuditInput[] = [];
const relearned: string[] = [];
let learned = false;
const scene: SceneAccess = {
  zoneImage: async (cam, zone) => (learned && cam === 'cam1' && zone === 'lane' ? Buffer.from([0xff, 0xd8, 0xff, 0xd9]) : undefined),
  relearnZone: (cam, zone) => {
    relearned.push(`${cam}/${zone}`);
    return cam === 'cam1';
  },
  status: () => ({ cameras: [{ cameraId: 'cam1', scenes: [{ zone: 'lane', state: 'cannot_learn', reason: 'the picture in the zone was never still' }] }] }),
};
const deps = {
  cameras: { require: (id: string) => (id === 'cam1' || id === 'cam2' ? { id } : (() => { throw notFound(`no camera ${id}`); })()) },
  zones: { get: () => ({ zones, updatedAt: 0, updatedBy: 'x' }) },
  changed: () => {},
  liveDir: () => '/nonexistent',
  ffmpegPath: 'ffmpeg',
  scene,
} as unknown as ZonesDeps;

let base = '';
let server: ReturnType<express.Express['listen']>;
let role = 'supervisor';
beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    (req as unknown as { user: unknown }).user = { id: 3, username: 'sup', role };
    next();
  });
  app.use('/api', auditChanges({ record: (i: AuditInput) => void records.push(i) } as unknown as AuditLog));
  app.use('/api/cameras', zonesRouter(deps));
  app.use(errorHandler);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/cameras`;
});
afterAll(() => new Promise((r) => server.close(r)));

const post = (path: string, body: unknown) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('exit zone reference routes', () => {
  it('reference.jpg: 404 with the reason while not learned, the JPEG once learned; 400 for a loitering zone', async () => {
    let r = await fetch(`${base}/cam1/zones/reference.jpg?zone=lane`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/cannot_learn: the picture in the zone was never still/);
    learned = true;
    r = await fetch(`${base}/cam1/zones/reference.jpg?zone=lane`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/jpeg');
    expect((await fetch(`${base}/cam1/zones/reference.jpg?zone=lawn`)).status).toBe(400);
    expect((await fetch(`${base}/cam1/zones/reference.jpg?zone=nope`)).status).toBe(404);
    expect((await fetch(`${base}/cam1/zones/reference.jpg`)).status).toBe(400);
  });

  it('relearn: re-learns the named exit zone, audited as zone.relearn with the zone name; 409 when the camera is not analysed; 403 for an operator', async () => {
    records.length = 0;
    const r = await post('/cam1/zones/relearn', { zone: 'lane' });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ cameraId: 'cam1', zone: 'lane', state: 'learning' });
    expect(relearned).toContain('cam1/lane');
    await new Promise((res) => setTimeout(res, 20));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ action: 'zone.relearn', cameraId: 'cam1', detail: { method: 'POST', path: '/api/cameras/cam1/zones/relearn', fields: { zone: 'lane' } } });
    expect((await post('/cam2/zones/relearn', { zone: 'lane' })).status).toBe(409);
    expect((await post('/cam1/zones/relearn', { zone: 'lawn' })).status).toBe(400);
    role = 'operator';
    const denied = await post('/cam1/zones/relearn', { zone: 'lane' });
    role = 'supervisor';
    expect(denied.status).toBe(403);
  });
});
