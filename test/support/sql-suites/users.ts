/** UserRepo (server/store/users.ts) and SessionRepo (server/store/sessions.ts) on one engine. */
import { expect, test } from 'vitest';
import { CameraGroupRepo } from '../../../server/store/camera-groups.ts';
import { SessionRepo } from '../../../server/store/sessions.ts';
import { isUniqueViolation } from '../../../server/store/sql/errors.ts';
import { LastAdminError, UserRepo } from '../../../server/store/users.ts';
import type { TestEngine } from '../sql-engines.ts';

export function userSuite(e: TestEngine): void {
  test('create, find for login regardless of ASCII case, update rights and groups, passwords; a reopened repository reads the same', async () => {
    const s = await e.open();
    const users = await UserRepo.open(s);
    const groups = await CameraGroupRepo.open(s);
    const g1 = await groups.create('g1', ['a']);
    const g2 = await groups.create('g2', ['b']);
    expect(users.count()).toBe(0);
    const admin = await users.create('Admin', 'h1', 'admin');
    expect(admin).toEqual({ id: admin.id, username: 'Admin', role: 'admin', disabled: false, displayName: null, mustChangePassword: false, cameras: null, groups: [] });
    const op = await users.create('op', 'h2', 'operator', '王 操作员');
    expect((await users.findForLogin('ADMIN'))?.passwordHash).toBe('h1');
    expect(users.byName('aDmIn')?.id).toBe(admin.id);
    expect(await users.findForLogin('nobody')).toBeUndefined();
    expect(await users.findForLogin('nul\u0000')).toBeUndefined();
    const u = await users.update(op.id, { cameras: ['x', 'x', 'y'], groups: [g2.id, g1.id, g2.id], displayName: 'אבי' });
    expect(u).toMatchObject({ cameras: ['x', 'y'], groups: [g1.id, g2.id], displayName: 'אבי' });
    expect(await users.update(9999, { disabled: true })).toBeUndefined();
    await users.setPassword(op.id, 'h3', true);
    expect(users.passwordHash(op.id)).toBe('h3');
    expect(users.get(op.id)?.mustChangePassword).toBe(true);
    expect(users.activeAdmins()).toBe(1);
    await expect(users.update(admin.id, { disabled: true })).rejects.toThrow(LastAdminError); // the last enabled admin
    expect(users.get(admin.id)?.disabled).toBe(false);
    await users.update(op.id, { disabled: true }); // not an admin: no such rule
    expect(users.activeAdmins()).toBe(1);
    const again = await UserRepo.open(s);
    expect(await again.list()).toEqual(await users.list());
    expect((await users.list()).map((x) => x.username)).toEqual(['Admin', 'op']);
    // a group deleted: the database drops the users' rights to it, and the cache follows
    groups.onDeleted = (id) => users.forgetGroup(id);
    await groups.delete(g1.id);
    expect(users.get(op.id)?.groups).toEqual([g2.id]);
    expect((await UserRepo.open(s)).get(op.id)?.groups).toEqual([g2.id]);
  });

  test('a name differing only in ASCII case is refused by the table; an unknown role too; nothing is cached', async () => {
    const s = await e.open();
    const users = await UserRepo.open(s);
    await users.create('Wall-1', 'h', 'wall');
    expect(isUniqueViolation(await users.create('wall-1', 'h', 'wall').catch((x: unknown) => x))).toBe(true);
    await expect(users.create('root', 'h', 'root' as never)).rejects.toThrow(/CHECK|check/);
    expect(users.count()).toBe(1);
    expect((await users.list()).length).toBe(1);
  });

  test('a user another process added is found at login (the database is read), then resolves sessions from the cache', async () => {
    const s = await e.open();
    const users = await UserRepo.open(s);
    const other = await UserRepo.open(s);
    await other.create('late', 'h', 'operator');
    expect(users.get(1)).toBeUndefined();
    const found = await users.findForLogin('late');
    expect(found?.user.username).toBe('late');
    expect(users.get(found!.user.id)?.username).toBe('late');
  });

  test('Unicode user names (emoji, RTL, CJK) are kept exactly', async () => {
    const s = await e.open();
    const users = await UserRepo.open(s);
    for (const n of ['值班员', '🚨guard', 'مراقب', 'e\u0301']) await users.create(n, 'h', 'operator');
    const fresh = await UserRepo.open(s);
    expect((await fresh.list()).map((u) => u.username)).toEqual(['值班员', '🚨guard', 'مراقب', 'e\u0301']);
    expect((await fresh.findForLogin('مراقب'))?.user.username).toBe('مراقب');
  });

  test('the last enabled admin cannot be disabled or demoted, even by two requests at once', async () => {
    // 5 rounds: without the lock, PostgreSQL lets both pass in about half of them (tried)
    for (let round = 0; round < 5; round++) {
      const s = await e.open();
      const users = await UserRepo.open(s);
      const a = await users.create('a', 'h', 'admin');
      const b = await users.create('b', 'h', 'admin');
      await Promise.all([users.list(), users.list(), users.list()]); // PostgreSQL: both pool connections open, so the updates overlap
      const results = await Promise.allSettled([users.update(a.id, { disabled: true }), users.update(b.id, { role: 'operator' })]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(LastAdminError) });
      expect(users.activeAdmins()).toBe(1);
      expect((await UserRepo.open(s)).activeAdmins()).toBe(1);
    }
  });

  if (e.name === 'PostgreSQL') {
    test('PostgreSQL: a NUL in a display name is refused by the database; the cache unchanged', async () => {
      const s = await e.open();
      const users = await UserRepo.open(s);
      const u = await users.create('op', 'h', 'operator');
      await expect(users.update(u.id, { displayName: 'x\u0000' })).rejects.toThrow(/0x00/);
      expect(users.get(u.id)?.displayName).toBeNull();
    });
  }
}

export function sessionSuite(e: TestEngine): void {
  const HOUR = 3600_000;
  test('create, resolve, slide once a minute, expire; only the token hash is stored', async () => {
    const s = await e.open();
    const users = await UserRepo.open(s);
    const u = await users.create('op', 'h', 'operator');
    const sessions = await SessionRepo.open(s, HOUR, users);
    const t0 = 1_000_000;
    const token = await sessions.create(u.id, { ip: '127.0.0.1', userAgent: 'ua '.repeat(100) }, t0);
    const rows = await s.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.user_agent).toHaveLength(200);
    expect(await sessions.resolveSliding(token, t0 + 30_000)).toMatchObject({ slid: false, user: { id: u.id } });
    expect(await sessions.resolveSliding(token, t0 + 50 * 60_000)).toMatchObject({ slid: true });
    expect((await s.db.selectFrom('sessions').select('expires_at').executeTakeFirstOrThrow()).expires_at).toBe(t0 + 50 * 60_000 + HOUR);
    expect(await sessions.resolve(token, t0 + 100 * 60_000)).toBeDefined();
    expect(await sessions.resolve(token, t0 + 200 * 60_000)).toBeUndefined();
    expect(await sessions.resolve('forged')).toBeUndefined();
  });

  test('list (newest first, with user names), idOf, revoke one, revoke all but one, destroy, purge; a restart keeps them', async () => {
    const s = await e.open();
    const users = await UserRepo.open(s);
    const a = await users.create('Anna 🚨', 'h', 'operator');
    const b = await users.create('bob', 'h', 'operator');
    const sessions = await SessionRepo.open(s, HOUR, users);
    const now = Date.now();
    const ta1 = await sessions.create(a.id, {}, now - 3000);
    const ta2 = await sessions.create(a.id, {}, now - 2000);
    const tb = await sessions.create(b.id, {}, now - 1000);
    const told: number[] = [];
    sessions.onRevoked = (id) => told.push(id);
    const all = await sessions.list();
    expect(all.map((x) => x.username)).toEqual(['bob', 'Anna 🚨', 'Anna 🚨']);
    expect(all[2]!.id).toBe(sessions.idOf(ta1));
    expect((await sessions.list(a.id)).length).toBe(2);
    // after a restart the sessions resolve as before
    const restarted = await SessionRepo.open(s, HOUR, users);
    expect((await restarted.resolve(tb))?.username).toBe('bob');
    expect(await sessions.revokeUser(a.id, ta2)).toBe(1);
    expect([await sessions.resolve(ta1), (await sessions.resolve(ta2))?.id]).toEqual([undefined, a.id]);
    expect(await sessions.revoke(sessions.idOf(tb)!)).toBe(b.id);
    expect(await sessions.revoke(424242)).toBeUndefined();
    expect(told).toEqual([a.id, b.id]);
    await sessions.destroy(ta2);
    expect(await sessions.resolve(ta2)).toBeUndefined();
    await sessions.create(b.id, {}, now - 2 * HOUR);
    expect(await sessions.purgeExpired(now)).toBe(1);
    expect(await sessions.list()).toEqual([]);
  });

  test('a session another process made is found in the database; a disabled user’s resolves to nothing', async () => {
    const s = await e.open();
    const users = await UserRepo.open(s);
    const u = await users.create('wall-1', 'h', 'wall');
    const sessions = await SessionRepo.open(s, HOUR, users);
    const other = await SessionRepo.open(s, HOUR, users);
    const t = await other.create(u.id);
    expect((await sessions.resolve(t))?.username).toBe('wall-1');
    await users.update(u.id, { disabled: true });
    expect(await sessions.resolve(t)).toBeUndefined();
  });
}
