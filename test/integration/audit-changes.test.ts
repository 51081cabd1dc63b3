/**
 * Audit trail of changes against the real server (no camera traffic): camera create/update/delete through the
 * API with field names but no secrets, refused changes, a changed config file across a restart, and the
 * append-only table refusing UPDATE/DELETE even to someone holding the database file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/password.ts';
import { openDb } from '../../server/store/db.ts';
import { addUsers } from '../support/users.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let wp: Watchpost;
let admin = '';
let operator = '';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const api = (cookie: string, path: string, init: RequestInit & { json?: unknown } = {}) =>
  fetch(`${wp.url}${path}`, {
    ...init,
    headers: { cookie, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
const entries = async (query = ''): Promise<Json[]> => ((await (await api(admin, `/api/audit?limit=200${query}`)).json()) as Json).entries;

beforeAll(async () => {
  wp = await startWatchpost({ configYaml: 'storage: {retentionDays: 30}\ncameras: []\n' });
  await addUsers(join(wp.dataDir, 'watchpost.db'), [{ username: 'op', passwordHash: await hashPassword('op-pass-1'), role: 'operator' }]);
  admin = await login(wp.url, 'admin', wp.adminPassword);
  operator = await login(wp.url, 'op', 'op-pass-1');
});

afterAll(async () => {
  await wp?.dispose();
});

describe('audit of changes', () => {
  it('records camera changes with field names, never secrets', async () => {
    const created = await api(admin, '/api/cameras', {
      method: 'POST',
      json: { name: 'Back door', url: 'rtsp://viewer:hunter2@127.0.0.1:1/stream', enabled: false },
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as Json).id;
    expect((await api(operator, `/api/cameras/${id}`, { method: 'PATCH', json: { name: 'x' } })).status).toBe(403);
    expect((await api(admin, `/api/cameras/${id}`, { method: 'PATCH', json: { name: 'Back door 2', password: 'secret-2' } })).status).toBe(200);
    expect((await api(admin, `/api/cameras/${id}`, { method: 'DELETE' })).status).toBe(204);

    const list = await entries('&action=camera');
    expect(list.map((e) => `${e.action}:${e.actor}:${e.target}`)).toEqual([
      `camera.delete:admin:${id}`,
      `camera.update:admin:${id}`,
      `camera.denied:op:${id}`,
      `camera.create:admin:${id}`,
    ]);
    const create = list[3];
    expect(create.detail.fields).toEqual({ name: 'Back door', url: 'rtsp://127.0.0.1:1/stream', enabled: false });
    expect(list[1].detail.fields).toEqual({ name: 'Back door 2', password: '(changed)' });
    const raw = JSON.stringify(await entries());
    expect(raw).not.toContain('hunter2');
    expect(raw).not.toContain('secret-2');
  });

  it('notices a changed config file at the next start', async () => {
    writeFileSync(join(wp.dataDir, 'test-config.yml'), 'storage: {retentionDays: 7}\ncameras: []\n');
    await wp.restart();
    admin = await login(wp.url, 'admin', wp.adminPassword);
    const list = await entries('&action=config.changed');
    expect(list).toHaveLength(1);
    expect(list[0].detail.before).not.toBe(list[0].detail.after);
    const starts = await entries('&action=system');
    expect(starts.map((e) => e.action)).toEqual(['system.start', 'system.stop', 'system.start']);
  });

  it('is append-only, even for someone with the database file', async () => {
    const db = openDb(join(wp.dataDir, 'watchpost.db'));
    try {
      expect(() => db.prepare(`UPDATE audit_log SET actor = 'nobody'`).run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log WHERE id = 1').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(await (await api(admin, '/api/audit/verify')).json()).toMatchObject({ ok: true });
  });
});
