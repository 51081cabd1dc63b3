/**
 * GET /api/openapi.json (issue K) from the running server: an OpenAPI 3.1 document with an entry for every route
 * in the server's own route table (a route added without one fails here), no entry for a route that is gone,
 * and request bodies generated from the zod schemas the routes validate with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_DOCS } from '../../server/http/openapi.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let wp: Watchpost;
let cookie = '';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

beforeAll(async () => {
  wp = await startWatchpost({ configYaml: 'cameras: []\n' });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
}, 60_000);
afterAll(async () => {
  await wp?.dispose();
});

describe('GET /api/openapi.json', () => {
  it('documents every route of the route table, and nothing else', async () => {
    const routes = (await (await fetch(`${wp.url}/api/meta/routes`, { headers: { cookie } })).json()) as { method: string; path: string }[];
    const doc: Json = await (await fetch(`${wp.url}/api/openapi.json`, { headers: { cookie } })).json();
    expect(doc.openapi).toBe('3.1.0');
    const undocumented = routes.filter((r) => !API_DOCS[`${r.method} ${r.path}`]).map((r) => `${r.method} ${r.path}`);
    expect(undocumented).toEqual([]);
    const live = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(API_DOCS).filter((k) => !live.has(k))).toEqual([]);
    const ops = Object.values(doc.paths as Record<string, Record<string, Json>>).flatMap((p) => Object.values(p));
    expect(ops).toHaveLength(routes.length);
    expect(ops.every((o: Json) => o.summary && o.summary !== 'undocumented')).toBe(true);
    expect(doc.paths['/api/users/{id}'].patch.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
  });

  it('carries the request bodies as JSON Schema from the validating zod schemas', async () => {
    const doc: Json = await (await fetch(`${wp.url}/api/openapi.json`, { headers: { cookie } })).json();
    const body = (path: string, method: string) => doc.paths[path][method].requestBody.content['application/json'].schema;
    expect(body('/api/users', 'post')).toMatchObject({ type: 'object', required: expect.arrayContaining(['username', 'password', 'role']), additionalProperties: false });
    expect(body('/api/users', 'post').properties.role.enum).toEqual(['operator', 'supervisor', 'investigator', 'admin', 'wall', 'guard']);
    expect(doc.paths['/api/dispatches/{id}/photos'].post.requestBody.content).toHaveProperty(['image/jpeg']);
    expect(body('/api/dutylog', 'post').properties.category.enum).toContain('anomaly');
    expect(body('/api/exports', 'post')).toMatchObject({ type: 'object', properties: expect.objectContaining({ cameras: expect.anything(), reason: expect.anything() }) });
    expect(doc.paths['/api/session'].post.security).toEqual([]);
  });
});
