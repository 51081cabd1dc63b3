/** Sessions that fit a 24-hour post and the password policy (issue G), on a real SQLite database. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../server/auth/password-policy.ts';
import { migrate } from '../../server/store/db.ts';
import { SessionRepo } from '../../server/store/sessions.ts';
import { UserRepo } from '../../server/store/users.ts';
import { sqlOver } from '../support/users.ts';

async function setup() {
  const db = new Database(':memory:');
  migrate(db);
  const users = await UserRepo.open(sqlOver(db));
  const u = await users.create('wall-1', 'x', 'wall');
  return { db, users, u, sessions: await SessionRepo.open(sqlOver(db), 24 * 3600_000, users) };
}

describe('sessions', () => {
  it('slides the expiry with use and says so (the cookie is re-issued), so a wall that is on never logs out', async () => {
    const { sessions, u } = await setup();
    const t0 = Date.UTC(2026, 11, 2, 8);
    const token = await sessions.create(u.id, {}, t0);
    expect(await sessions.resolveSliding(token, t0 + 30_000)).toMatchObject({ slid: false });
    // used every few minutes for a week: never expires
    let t = t0;
    for (let i = 0; i < 7 * 24 * 12; i++) {
      t += 5 * 60_000;
      expect((await sessions.resolveSliding(token, t))?.user.username).toBe('wall-1');
    }
    expect((await sessions.resolveSliding(token, t + 5 * 60_000))?.slid).toBe(true);
    // left off for more than a day: gone
    expect(await sessions.resolve(token, t + 25 * 3600_000)).toBeUndefined();
  });

  it('revokes all of a user\'s sessions but the kept one, and tells who', async () => {
    const { sessions, u } = await setup();
    const a = await sessions.create(u.id);
    const b = await sessions.create(u.id);
    const told: number[] = [];
    sessions.onRevoked = (id) => told.push(id);
    expect(await sessions.revokeUser(u.id, a)).toBe(1);
    expect([(await sessions.resolve(a))?.id, await sessions.resolve(b)]).toEqual([u.id, undefined]);
    expect(told).toEqual([u.id]);
  });

  it('a disabled user\'s session resolves to nothing', async () => {
    const { sessions, users, u } = await setup();
    const t = await sessions.create(u.id);
    await users.update(u.id, { disabled: true });
    expect(await sessions.resolve(t)).toBeUndefined();
  });
});

describe('password policy', () => {
  it.each([
    ['12345678', /10 characters/],
    ['1234567890', /common/],
    ['qwertyuiop', /common/],
    ['admin12345', /easy to guess/],
    ['wall-1wall-1', /easy to guess|user name/],
  ])('refuses %s', (pw, why) => {
    expect(passwordProblem(pw, 'wall-1')).toMatch(why);
  });
  it('accepts a passphrase, in Chinese too', () => {
    expect(passwordProblem('监控中心值班密码2026', 'admin')).toBeUndefined();
    expect(passwordProblem('night-shift-op-1', 'night-op')).toBeUndefined();
  });
  it('refuses the user name itself', () => {
    expect(passwordProblem('Night-Operator', 'night-operator')).toBe('must not be the user name');
  });
});
