/** WallViewRepo (server/wallviews/repo.ts) on one engine: the same assertions on SQLite and PostgreSQL. */
import { expect, test } from 'vitest';
import { TooManyViewsError, WallViewRepo } from '../../../server/wallviews/repo.ts';
import { isUniqueViolation } from '../../../server/store/sql/errors.ts';
import type { TestEngine } from '../sql-engines.ts';
import { seedUser } from './seed.ts';

export function wallViewSuite(e: TestEngine): void {
  test('create, read, list in display-then-name order, replace, delete; counts per user', async () => {
    const s = await e.open();
    const views = new WallViewRepo(s);
    const u1 = await seedUser(s, 'op1');
    const u2 = await seedUser(s, 'op2');
    const a = await views.create(u1, { name: 'Zeta', layout: 4, tiles: ['gate', null, 'bank'] }, 1_000);
    expect(a).toEqual({ id: a.id, userId: u1, name: 'Zeta', display: null, layout: 4, tiles: ['gate', null, 'bank'], createdAt: 1_000, updatedAt: 1_000 });
    await views.create(u1, { name: 'Alpha', display: '大屏2', layout: 1, tiles: ['gate'] });
    await views.create(u1, { name: 'Beta', display: '大屏1', layout: 1, tiles: [null] });
    await views.create(u1, { name: 'Aaa', layout: 1, tiles: ['x'] });
    await views.create(u2, { name: 'Zeta', layout: 1, tiles: ['x'] }); // another user may use the same name
    expect((await views.list(u1)).map((v) => v.name)).toEqual(['Aaa', 'Zeta', 'Beta', 'Alpha']);
    expect(await views.count(u1)).toBe(4);
    expect(await views.count(u2)).toBe(1);
    expect(await views.count(999)).toBe(0);
    expect((await views.byName(u1, 'Zeta'))?.id).toBe(a.id);
    expect(await views.byName(u1, 'zeta')).toBeUndefined();
    const b = await views.replace(a.id, { name: 'Zeta 2', display: 'wall', layout: 9, tiles: ['yard'] }, 2_000);
    expect(b).toMatchObject({ id: a.id, name: 'Zeta 2', display: 'wall', layout: 9, tiles: ['yard'], createdAt: 1_000, updatedAt: 2_000 });
    expect(await views.replace(12345, { name: 'x', layout: 1, tiles: [] })).toBeUndefined();
    expect(await views.delete(a.id)).toBe(true);
    expect(await views.delete(a.id)).toBe(false);
    expect(await views.get(a.id)).toBeUndefined();
  });

  test('Unicode names and tiles come back exactly (emoji, RTL, combining marks, CJK)', async () => {
    const s = await e.open();
    const views = new WallViewRepo(s);
    const u = await seedUser(s, 'op');
    const name = '夜班 🚨 שלום e\u0301 \u202Eabc';
    const v = await views.create(u, { name, display: 'عرض 1', layout: 4, tiles: ['东门', null, '🎥cam'] });
    expect(await views.get(v.id)).toMatchObject({ name, display: 'عرض 1', tiles: ['东门', null, '🎥cam'] });
    expect((await views.byName(u, name))?.id).toBe(v.id);
  });

  test('a second view of one name for one user is refused by the table (a lost race is a 409, not a 500)', async () => {
    const s = await e.open();
    const views = new WallViewRepo(s);
    const u = await seedUser(s, 'op');
    await views.create(u, { name: 'same', layout: 1, tiles: ['a'] });
    const err = await views.create(u, { name: 'same', layout: 1, tiles: ['b'] }).catch((x: unknown) => x);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await views.count(u)).toBe(1);
  });

  test('a limit of views per user holds for two saves at once', async () => {
    // 5 rounds: without the lock, PostgreSQL lets both pass in some of them (tried)
    for (let round = 0; round < 5; round++) {
      const s = await e.open();
      const views = new WallViewRepo(s);
      const u = await seedUser(s, 'op');
      for (let i = 0; i < 4; i++) await views.create(u, { name: `v${i}`, layout: 1, tiles: ['a'] }, Date.now(), 5);
      await Promise.all([views.count(u), views.count(u), views.count(u)]); // PostgreSQL: both pool connections open, so the saves overlap
      const save = (name: string) => views.create(u, { name, layout: 1, tiles: ['a'] }, Date.now(), 5);
      const r = await Promise.allSettled([save('x'), save('y')]);
      expect(r.map((x) => x.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(r.find((x) => x.status === 'rejected')).toMatchObject({ reason: expect.any(TooManyViewsError) });
      expect(await views.count(u)).toBe(5);
    }
  });

  if (e.name === 'PostgreSQL') {
    test('PostgreSQL: a NUL is refused by the database and nothing is written (the HTTP boundary refuses it first)', async () => {
      const s = await e.open();
      const views = new WallViewRepo(s);
      const u = await seedUser(s, 'op');
      await expect(views.create(u, { name: 'nul \u0000 x', layout: 1, tiles: ['a'] })).rejects.toThrow(/0x00/);
      expect(await views.count(u)).toBe(0);
    });
  }
}
