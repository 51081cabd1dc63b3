/**
 * Cache events between servers (issue J, server/store/sql/cache-events.ts, server/startup/cache-sync.ts): the
 * payload parser refuses anything that is not an event (the listener logs and ignores it), and the sink applied
 * to what another process wrote. "Another process" here is a second handle on the same SQLite file: the sink reads
 * the database the same way on both engines (the two-server test on PostgreSQL is
 * test/integration/pg-cache-sync.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../server/events/bus.ts';
import { cacheSink } from '../../server/startup/cache-sync.ts';
import { CameraGroupRepo } from '../../server/store/camera-groups.ts';
import { openDb } from '../../server/store/db.ts';
import { SessionRepo } from '../../server/store/sessions.ts';
import { CACHE_CHANNEL, parseCacheEvent } from '../../server/store/sql/cache-events.ts';
import { openSql, type SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { UserRepo } from '../../server/store/users.ts';

describe('parseCacheEvent', () => {
  it('reads the three tables’ events and their origin', () => {
    expect(parseCacheEvent('{"table":"users","id":7,"from":"a"}')).toEqual({ event: { table: 'users', id: 7 }, from: 'a' });
    expect(parseCacheEvent('{"table":"camera_groups","id":1,"from":"b"}')).toEqual({ event: { table: 'camera_groups', id: 1 }, from: 'b' });
    expect(parseCacheEvent('{"table":"sessions","id":3,"user":2,"from":"c"}')).toEqual({ event: { table: 'sessions', id: 3, user: 2 }, from: 'c' });
    expect(parseCacheEvent('{"table":"sessions","from":"c"}')).toEqual({ event: { table: 'sessions' }, from: 'c' });
    // fields it does not know are dropped, not refused (a newer writer may add some)
    expect(parseCacheEvent('{"table":"users","id":7,"from":"a","v":2}')).toEqual({ event: { table: 'users', id: 7 }, from: 'a' });
    expect(CACHE_CHANNEL).toBe('watchpost_cache');
  });

  it('names what is wrong with anything else', () => {
    const bad: [string | undefined, RegExp][] = [
      [undefined, /empty/],
      ['', /empty/],
      ['garbage', /not JSON/],
      ['{"table":"users","id":7', /not JSON/],
      ['[1,2]', /not an object/],
      ['null', /not an object/],
      ['42', /not an object/],
      ['"users"', /not an object/],
      ['{"table":"users","id":7}', /no origin/],
      ['{"table":"users","id":7,"from":""}', /no origin/],
      ['{"table":"users","id":7,"from":5}', /no origin/],
      ['{"table":"cameras","id":7,"from":"a"}', /not a cache event/],
      ['{"id":7,"from":"a"}', /not a cache event/],
      ['{"table":"users","from":"a"}', /not a cache event: id/],
      ['{"table":"users","id":"7","from":"a"}', /not a cache event: id/],
      ['{"table":"users","id":-1,"from":"a"}', /not a cache event: id/],
      ['{"table":"users","id":1.5,"from":"a"}', /not a cache event: id/],
      ['{"table":"users","id":1e300,"from":"a"}', /not a cache event: id/],
      ['{"table":"camera_groups","from":"a"}', /not a cache event: id/],
      ['{"table":"sessions","user":"x","from":"a"}', /not a cache event: user/],
      ['{"table":"__proto__","id":1,"from":"a"}', /not a cache event/],
    ];
    for (const [payload, why] of bad) {
      const r = parseCacheEvent(payload);
      expect([payload, 'error' in r ? r.error : r]).toEqual([payload, expect.stringMatching(why)]);
    }
  });
});

describe('the sink applied to another process’s writes', () => {
  let dir = '';
  const handles: SqlDb[] = [];
  afterEach(async () => {
    for (const h of handles.splice(0)) await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Two "servers" on one database file: each its own handle and repositories. */
  async function two() {
    dir = mkdtempSync(join(tmpdir(), 'wp-cache-'));
    const file = join(dir, 'watchpost.db');
    const open = async () => {
      const db = openDb(file);
      const s = openSql({ engine: 'sqlite', file }, { sqlite: db });
      handles.push(s);
      await migrateSql(s);
      const users = await UserRepo.open(s);
      const groups = await CameraGroupRepo.open(s);
      const sessions = await SessionRepo.open(s, 3600_000, users);
      groups.onDeleted = (id) => users.forgetGroup(id);
      const bus = new EventBus();
      const revoked: number[] = [];
      const rights: number[][] = [];
      sessions.onRevoked = (u) => revoked.push(u);
      bus.on('user.rights', (e) => rights.push(e.userIds));
      return { db, users, groups, sessions, bus, revoked, rights, sink: cacheSink({ users, groups, sessions, bus }) };
    };
    const a = await open();
    return { a, b: await open() };
  }

  it('a user written elsewhere: re-read on its event (disabled: its sessions here are refused)', async () => {
    const { a, b } = await two();
    const u = await a.users.create('值班员-王', 'h1', 'operator');
    expect(b.users.get(u.id)).toBeUndefined();
    await b.sink.apply({ table: 'users', id: u.id });
    expect(b.users.get(u.id)).toMatchObject({ username: '值班员-王', role: 'operator', disabled: false });
    const token = await b.sessions.create(u.id);
    expect(await b.sessions.resolve(token)).toBeDefined();
    await a.users.update(u.id, { disabled: true });
    await a.users.setPassword(u.id, 'h2');
    await b.sink.apply({ table: 'users', id: u.id });
    expect(b.users.get(u.id)?.disabled).toBe(true);
    expect(b.users.passwordHash(u.id)).toBe('h2');
    expect(await b.sessions.resolve(token)).toBeUndefined();
    // a user row deleted (no route does; by hand): gone from the cache on its event, its session refused
    const v = await a.users.create('gone-1', 'h', 'operator');
    await b.sink.apply({ table: 'users', id: v.id });
    const t = await b.sessions.create(v.id);
    expect(await b.sessions.resolve(t)).toBeDefined();
    a.db.prepare('DELETE FROM users WHERE id = ?').run(v.id);
    await b.sink.apply({ table: 'users', id: v.id });
    expect(b.users.get(v.id)).toBeUndefined();
    expect(await b.sessions.resolve(t)).toBeUndefined();
  });

  it('sessions deleted elsewhere: one, all of a user’s (its streams end here), the expired', async () => {
    const { a, b } = await two();
    const u = await a.users.create('wall-3', 'h', 'wall');
    await b.users.reload();
    const t1 = await a.sessions.create(u.id);
    const t2 = await a.sessions.create(u.id);
    expect(await b.sessions.resolve(t1)).toBeDefined(); // unknown here: read from the database, then cached
    expect(await b.sessions.resolve(t2)).toBeDefined();
    await a.sessions.destroy(t1);
    expect(await b.sessions.resolve(t1)).toBeDefined(); // the cache, until the event
    await b.sink.apply({ table: 'sessions', id: b.sessions.idOf(t1)! });
    expect(await b.sessions.resolve(t1)).toBeUndefined();
    expect(await b.sessions.resolve(t2)).toBeDefined();
    expect(b.revoked).toEqual([]);
    await a.sessions.revokeUser(u.id);
    await b.sink.apply({ table: 'sessions', user: u.id });
    expect(await b.sessions.resolve(t2)).toBeUndefined();
    expect(b.revoked).toEqual([u.id]);
  });

  it('a camera group written elsewhere: its cameras, its deletion (the users lose it), its members’ streams told', async () => {
    const { a, b } = await two();
    const g = await a.groups.create('东门 Gate', ['gate']);
    const u = await a.users.create('op-1', 'h', 'operator');
    await a.users.update(u.id, { groups: [g.id] });
    await b.sink.reloadAll();
    expect(b.groups.camerasOf(b.users.get(u.id)!.groups!)).toEqual(new Set(['gate']));
    b.rights.length = 0;
    await a.groups.update(g.id, { cameras: ['gate', 'bank'] });
    await b.sink.apply({ table: 'camera_groups', id: g.id });
    expect(b.groups.camerasOf(b.users.get(u.id)!.groups!)).toEqual(new Set(['gate', 'bank']));
    expect(b.rights).toEqual([[u.id]]);
    await a.groups.delete(g.id);
    await b.sink.apply({ table: 'camera_groups', id: g.id });
    expect(b.groups.get(g.id)).toBeUndefined();
    expect(b.users.get(u.id)!.groups).toEqual([]);
    expect(b.rights).toEqual([[u.id], [u.id]]);
  });

  it('reloadAll (after a lost connection) catches up with everything missed, and tells whom it concerns', async () => {
    const { a, b } = await two();
    const g = await a.groups.create('银行 Bank', ['bank']);
    const u = await a.users.create('op-2', 'h', 'operator');
    await a.users.update(u.id, { groups: [g.id] });
    const kept = await a.users.create('op-3', 'h', 'operator');
    await b.sink.reloadAll();
    const t = await b.sessions.create(u.id);
    const t3 = await b.sessions.create(kept.id);
    b.rights.length = 0;
    // missed: the group's cameras, the user disabled and revoked, a new user
    await a.groups.update(g.id, { cameras: [] });
    await a.users.update(u.id, { disabled: true });
    await a.sessions.revokeUser(u.id);
    const added = await a.users.create('op-4', 'h', 'operator');
    await b.sink.reloadAll();
    expect(b.groups.get(g.id)?.cameras).toEqual([]);
    expect(b.users.get(u.id)?.disabled).toBe(true);
    expect(b.users.get(added.id)?.username).toBe('op-4');
    expect(await b.sessions.resolve(t)).toBeUndefined();
    expect(await b.sessions.resolve(t3)).toBeDefined();
    expect(b.revoked).toEqual([u.id]);
    expect(b.rights).toEqual([[u.id]]);
  });
});
