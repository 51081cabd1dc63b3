/**
 * Issue J names, on one box: GET /api/nodes lists the node itself (cluster.nodeId from WATCHPOST_NODE_ID, role
 * standalone, online, how many cameras it holds) and every camera in GET /api/cameras says which node holds it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, login, startWatchpost, type Watchpost } from '../support/server.ts';
import { apiClient } from '../support/api.ts';

let wp: Watchpost;
let cookie: string;
const call = apiClient(() => wp);

beforeAll(async () => {
  const clip = join(REPO_ROOT, 'assets', 'demo', 'demo-1.mp4');
  wp = await startWatchpost({
    configYaml: ['demo: false', 'analytics: {enabled: false}', 'cameras:', `  - {id: gate, name: "东门 Gate", file: "${clip}"}`, `  - {id: lobby, name: "Lobby", file: "${clip}"}`].join('\n'),
    env: { WATCHPOST_NODE_ID: 'site-7' },
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
}, 60_000);
afterAll(async () => wp?.dispose());

describe('GET /api/nodes (one box)', () => {
  it('lists this node: its id from WATCHPOST_NODE_ID, standalone, online, seen now, holding both cameras', async () => {
    const before = Date.now();
    const r = await call('GET', '/api/nodes', { cookie });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([{ id: 'site-7', role: 'standalone', status: 'online', lastSeen: expect.any(Number), cameras: 2 }]);
    expect(r.body[0].lastSeen).toBeGreaterThanOrEqual(before - 1000);
    expect(r.body[0].lastSeen).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('counts a camera added in the console', async () => {
    const add = await call('POST', '/api/cameras', { cookie, json: { id: 'yard', name: 'Yard', url: 'rtsp://127.0.0.1:1/none' } });
    expect(add.status).toBe(201);
    const r = await call('GET', '/api/nodes', { cookie });
    expect(r.body[0].cameras).toBe(3);
  });

  it('every camera names the node that holds it', async () => {
    const r = await call('GET', '/api/cameras', { cookie });
    expect(r.status).toBe(200);
    const list = (Array.isArray(r.body) ? r.body : r.body.cameras) as { id: string; node: string }[];
    expect(list.map((c) => [c.id, c.node]).sort()).toEqual([['gate', 'site-7'], ['lobby', 'site-7'], ['yard', 'site-7']]);
  });

  it('needs a login', async () => {
    expect((await call('GET', '/api/nodes')).status).toBe(401);
  });
});
