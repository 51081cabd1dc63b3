/**
 * Named wall views (issue K, the wall): CRUD of one's own views, someone else's is 404, validation errors name
 * the field, a view only holds cameras its owner may see (a camera hidden later reads as an empty tile, never
 * its id), a wall-display account reads its views (admin-made) but may not save, the camera tree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let wp: Watchpost;
const call = apiClient(() => wp, { timeoutMs: 10_000 });
const c: Record<string, string> = {};
const ids: Record<string, number> = {};

beforeAll(async () => {
  wp = await startWatchpost({
    configYaml:
      'cameras:\n  - {id: gate, name: "东门 Gate", url: "rtsp://127.0.0.1:9/none"}\n  - {id: bank, name: "银行 Bank", url: "rtsp://127.0.0.1:9/none"}\n  - {id: yard, name: "院子", url: "rtsp://127.0.0.1:9/none"}\n',
  });
  c.admin = await login(wp.url, 'admin', wp.adminPassword);
  const mk = async (username: string, role: string, cameras: string[] | null) => {
    const r = await call('POST', '/api/users', { cookie: c.admin, json: { username, password: `${username}-pass-2026`, role, cameras } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids[username] = r.body.id;
    c[username] = await login(wp.url, username, `${username}-pass-2026`);
  };
  await mk('op1', 'operator', null);
  await mk('op2', 'operator', null);
  await mk('limited', 'operator', ['gate', 'bank']);
  await mk('wall1', 'wall', ['gate', 'yard']);
}, 90_000);
afterAll(async () => {
  await wp?.dispose();
});

describe('wall views', () => {
  it('create, list, read, replace, delete one\'s own; Unicode names and a display name', async () => {
    const made = await call('POST', '/api/wall-views', { cookie: c.op1, json: { name: '夜班 四画面', display: '大屏1', layout: 4, tiles: ['bank', null, 'gate'] } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ name: '夜班 四画面', display: '大屏1', layout: 4, tiles: ['bank', null, 'gate'], userId: ids.op1 });
    expect(made.headers.location).toBe(`/api/wall-views/${made.body.id}`);
    const id = made.body.id;
    expect((await call('GET', '/api/wall-views', { cookie: c.op1 })).body.map((v: { name: string }) => v.name)).toEqual(['夜班 四画面']);
    expect((await call('GET', `/api/wall-views?display=${encodeURIComponent('大屏2')}`, { cookie: c.op1 })).body).toEqual([]);
    expect((await call('GET', `/api/wall-views/${id}`, { cookie: c.op1 })).body.tiles).toEqual(['bank', null, 'gate']);
    const put = await call('PUT', `/api/wall-views/${id}`, { cookie: c.op1, json: { name: '白班', layout: 9, tiles: ['yard'] } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ name: '白班', display: null, layout: 9, tiles: ['yard'] });
    // a second view with the same name: 409
    const dup = await call('POST', '/api/wall-views', { cookie: c.op1, json: { name: '白班', layout: 1, tiles: ['gate'] } });
    expect(dup.status).toBe(409);
    // the name as a parameter, for the console's language (issue K), not only inside the English text
    expect(dup.body.error).toMatchObject({ code: 'exists', params: { what: 'wall_view', name: '白班' } });
    expect((await call('DELETE', `/api/wall-views/${id}`, { cookie: c.op1 })).status).toBe(204);
    expect((await call('GET', `/api/wall-views/${id}`, { cookie: c.op1 })).status).toBe(404);
  });

  it('someone else\'s view does not exist for them (404), their list does not carry it', async () => {
    const v = (await call('POST', '/api/wall-views', { cookie: c.op1, json: { name: 'mine', layout: 1, tiles: ['gate'] } })).body;
    for (const [m, json] of [['GET'], ['PUT', { name: 'x', layout: 1, tiles: ['gate'] }], ['DELETE']] as const) {
      expect([m, (await call(m, `/api/wall-views/${v.id}`, { cookie: c.op2, json })).status]).toEqual([m, 404]);
    }
    expect((await call('GET', '/api/wall-views', { cookie: c.op2 })).body).toEqual([]);
    expect((await call('GET', `/api/wall-views?user=${ids.op1}`, { cookie: c.op2 })).status).toBe(403);
    expect((await call('GET', `/api/wall-views/${v.id}`, { cookie: c.op1 })).body.name).toBe('mine');
  });

  it('validation errors name the field', async () => {
    const bad = async (json: unknown) => (await call('POST', '/api/wall-views', { cookie: c.op2, json })).body.error;
    expect(await bad({ name: '', layout: 4, tiles: ['gate'] })).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('name: is required') });
    expect((await bad({ name: '名'.repeat(51), layout: 4, tiles: ['gate'] })).message).toContain('name: at most 50 characters');
    expect((await bad({ name: 'a', layout: 5, tiles: ['gate'] })).message).toContain('layout: one of 1, 4, 6, 8, 9, 16, 25');
    expect((await bad({ name: 'a', layout: 4, tiles: [] })).message).toContain('tiles: at least one tile');
    expect((await bad({ name: 'a', layout: 4, tiles: ['gate'], extra: 1 })).message).toContain('unknown field extra');
    expect(await bad({ name: 'a', layout: 4, tiles: ['nope'] })).toMatchObject({ code: 'unknown_camera', message: 'tiles.0: unknown camera "nope"' });
    // the same problems as codes with parameters, for the console's language (issue K)
    expect((await bad({ name: '', layout: 5, tiles: [], extra: 1 })).fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', code: 'required' }),
        expect.objectContaining({ path: 'layout', code: 'one_of', params: { values: '1, 4, 6, 8, 9, 16, 25' } }),
        expect.objectContaining({ path: 'tiles', code: 'too_few', params: { n: 1 } }),
        expect.objectContaining({ path: '', code: 'unknown_fields', params: { fields: 'extra' } }),
      ]),
    );
    expect((await bad({ name: '名'.repeat(51), layout: 4, tiles: ['gate'] })).fields).toEqual([{ path: 'name', code: 'too_long', params: { n: 50 }, message: 'at most 50 characters' }]);
    expect((await call('POST', '/api/wall-views', { cookie: c.op2, json: { name: '名'.repeat(50), layout: 4, tiles: ['gate'] } })).status).toBe(201);
  });

  it('at most 50 views per user', async () => {
    for (let i = 0; i < 50; i++) expect((await call('POST', '/api/wall-views', { cookie: c.admin, json: { name: `v${i}`, layout: 1, tiles: ['gate'] } })).status).toBe(201);
    const r = await call('POST', '/api/wall-views', { cookie: c.admin, json: { name: 'v50', layout: 1, tiles: ['gate'] } });
    expect([r.status, r.body.error.code]).toEqual([409, 'too_many_views']);
  });

  it('a NUL character or a lone surrogate in a name is a 400 invalid_text naming the field, and nothing is saved', async () => {
    const before = (await call('GET', '/api/wall-views', { cookie: c.op2 })).body.length;
    for (const name of ['nul \u0000 view', 'lone \ud800 view']) {
      const r = await call('POST', '/api/wall-views', { cookie: c.op2, json: { name, layout: 1, tiles: ['gate'] } });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'invalid_text', message: expect.stringMatching(/^name: /) });
    }
    expect((await call('GET', '/api/wall-views', { cookie: c.op2 })).body.length).toBe(before);
  });

  it('a camera the owner may not see cannot be saved (as if unknown), and one hidden later reads as an empty tile', async () => {
    const hidden = await call('POST', '/api/wall-views', { cookie: c.limited, json: { name: 'x', layout: 4, tiles: ['gate', 'yard'] } });
    expect([hidden.status, hidden.body.error]).toEqual([400, { code: 'unknown_camera', message: 'tiles.1: unknown camera "yard"', params: { ids: 'yard' } }]);
    const v = (await call('POST', '/api/wall-views', { cookie: c.limited, json: { name: '两个', layout: 4, tiles: ['gate', 'bank'] } })).body;
    expect(v.tiles).toEqual(['gate', 'bank']);
    expect((await call('PATCH', `/api/users/${ids.limited}`, { cookie: c.admin, json: { cameras: ['gate'] } })).status).toBe(200);
    c.limited = await login(wp.url, 'limited', 'limited-pass-2026');
    const back = await call('GET', `/api/wall-views/${v.id}`, { cookie: c.limited });
    expect(back.body.tiles).toEqual(['gate', null]);
    expect(back.text).not.toContain('bank');
    expect((await call('GET', '/api/wall-views', { cookie: c.limited })).text).not.toContain('bank');
  });

  it('a wall account reads the views an admin saved for it, and may not save', async () => {
    const forWall = await call('POST', '/api/wall-views', { cookie: c.admin, json: { userId: ids.wall1, name: '大屏1 默认', display: '大屏1', layout: 4, tiles: ['yard', 'gate'] } });
    expect(forWall.status, JSON.stringify(forWall.body)).toBe(201);
    // only cameras the wall account sees
    expect((await call('POST', '/api/wall-views', { cookie: c.admin, json: { userId: ids.wall1, name: 'b', layout: 4, tiles: ['bank'] } })).body.error.code).toBe('unknown_camera');
    expect((await call('POST', '/api/wall-views', { cookie: c.op1, json: { userId: ids.wall1, name: 'b', layout: 4, tiles: ['gate'] } })).status).toBe(403);
    const list = await call('GET', '/api/wall-views', { cookie: c.wall1 });
    expect(list.status).toBe(200);
    expect(list.body.map((v: { name: string }) => v.name)).toEqual(['大屏1 默认']);
    expect((await call('GET', `/api/wall-views/${forWall.body.id}`, { cookie: c.wall1 })).body.tiles).toEqual(['yard', 'gate']);
    expect((await call('GET', `/api/wall-views?user=${ids.wall1}`, { cookie: c.admin })).body).toHaveLength(1);
    expect((await call('POST', '/api/wall-views', { cookie: c.wall1, json: { name: 'w', layout: 1, tiles: ['gate'] } })).status).toBe(403);
    expect((await call('PUT', `/api/wall-views/${forWall.body.id}`, { cookie: c.wall1, json: { name: 'w', layout: 1, tiles: ['gate'] } })).status).toBe(403);
    expect((await call('DELETE', `/api/wall-views/${forWall.body.id}`, { cookie: c.wall1 })).status).toBe(403);
  });

  it('the camera tree: groups with only the cameras the user may see', async () => {
    expect((await call('POST', '/api/camera-groups', { cookie: c.admin, json: { name: '东区', cameras: ['gate', 'bank'] } })).status).toBe(201);
    expect((await call('POST', '/api/camera-groups', { cookie: c.admin, json: { name: '院内', cameras: ['yard'] } })).status).toBe(201);
    expect((await call('GET', '/api/wall-views/groups', { cookie: c.op1 })).body.map((g: { name: string; members: string[] }) => [g.name, g.members])).toEqual([
      ['东区', ['bank', 'gate']],
      ['院内', ['yard']],
    ]);
    const wallTree = await call('GET', '/api/wall-views/groups', { cookie: c.wall1 });
    expect(wallTree.body.map((g: { name: string; members: string[] }) => [g.name, g.members])).toEqual([
      ['东区', ['gate']],
      ['院内', ['yard']],
    ]);
    const limitedTree = await call('GET', '/api/wall-views/groups', { cookie: c.limited });
    expect(limitedTree.body.map((g: { name: string }) => g.name)).toEqual(['东区']);
    expect(limitedTree.text).not.toContain('bank');
  });
});
