/** CameraGroupRepo (server/store/camera-groups.ts) and the rights decided from it, on one engine. */
import { expect, test } from 'vitest';
import { RightsService } from '../../../server/access/rights.ts';
import { CameraGroupRepo } from '../../../server/store/camera-groups.ts';
import { isUniqueViolation } from '../../../server/store/sql/errors.ts';
import type { TestEngine } from '../sql-engines.ts';
import { seedUser } from './seed.ts';

export function cameraGroupSuite(e: TestEngine): void {
  test('create, list by name regardless of ASCII case, get, byName, update, delete; what a reopened repository reads', async () => {
    const s = await e.open();
    const groups = await CameraGroupRepo.open(s);
    expect(groups.list()).toEqual([]);
    const b = await groups.create('b-site', ['z', 'a', 'a'], 1_000);
    expect(b).toEqual({ id: b.id, name: 'b-site', cameras: ['a', 'z'], createdAt: 1_000, updatedAt: 1_000 });
    await groups.create('A-site', []);
    await groups.create('c-site', ['m']);
    expect(groups.list().map((g) => g.name)).toEqual(['A-site', 'b-site', 'c-site']);
    expect(groups.byName('B-SITE')?.id).toBe(b.id);
    const u = await groups.update(b.id, { name: 'B-site 2', cameras: ['q'] }, 2_000);
    expect(u).toMatchObject({ id: b.id, name: 'B-site 2', cameras: ['q'], createdAt: 1_000, updatedAt: 2_000 });
    expect(await groups.update(999, { name: 'x' })).toBeUndefined();
    expect(groups.get(999)).toBeUndefined();
    // a copy: changing what was returned does not change the cache
    groups.get(b.id)!.cameras.push('hacked');
    expect(groups.get(b.id)!.cameras).toEqual(['q']);
    // the cache is what the database holds
    const again = await CameraGroupRepo.open(s);
    expect(again.list()).toEqual(groups.list());
    expect(await groups.delete(b.id)).toBe(true);
    expect(await groups.delete(b.id)).toBe(false);
    expect((await CameraGroupRepo.open(s)).list().map((g) => g.name)).toEqual(['A-site', 'c-site']);
  });

  test('a name differing only in ASCII case is refused by the table; the cache is unchanged', async () => {
    const s = await e.open();
    const groups = await CameraGroupRepo.open(s);
    await groups.create('Gate', ['g1']);
    const err = await groups.create('gATE', ['g2']).catch((x: unknown) => x);
    expect(isUniqueViolation(err)).toBe(true);
    expect(groups.list().map((g) => g.name)).toEqual(['Gate']);
    expect((await CameraGroupRepo.open(s)).list()).toEqual(groups.list());
  });

  test('Unicode group names and camera ids (emoji, RTL, CJK) come back exactly; non-ASCII case is not folded', async () => {
    const s = await e.open();
    const groups = await CameraGroupRepo.open(s);
    const name = '东区 🚨 مبنى e\u0301';
    const g = await groups.create(name, ['东门', '🎥']);
    await groups.create('Ärzte', []);
    await groups.create('ärzte', []); // NOCASE folds ASCII only, as SQLite did
    const fresh = await CameraGroupRepo.open(s);
    expect(fresh.get(g.id)).toMatchObject({ name, cameras: ['东门', '🎥'].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))) });
    expect(fresh.byName(name)?.id).toBe(g.id);
  });

  test('rights follow a group’s cameras at once; members are the users given the group; deleting it ends their rights', async () => {
    const s = await e.open();
    const groups = await CameraGroupRepo.open(s);
    const rights = new RightsService(groups);
    const g = await groups.create('yard', ['c1', 'c2']);
    const uid = await seedUser(s, 'op');
    await s.db.insertInto('user_groups').values({ user_id: uid, group_id: g.id }).execute();
    const user = { cameras: ['own'], groups: [g.id] };
    expect([...rights.of(user).cameras].sort()).toEqual(['c1', 'c2', 'own']);
    expect(rights.of({ cameras: null, groups: [] }).all).toBe(true);
    await groups.update(g.id, { cameras: ['c3'] });
    expect(rights.canSee(user, 'c1')).toBe(false);
    expect(rights.canSee(user, 'c3')).toBe(true);
    expect(await groups.members(g.id)).toEqual([uid]);
    await groups.delete(g.id);
    expect(rights.canSee(user, 'c3')).toBe(false);
    expect(await groups.members(g.id)).toEqual([]); // ON DELETE CASCADE
    expect(await s.db.selectFrom('camera_group_members').selectAll().execute()).toEqual([]);
  });

  if (e.name === 'PostgreSQL') {
    test('PostgreSQL: a NUL in a name is refused by the database; nothing written, the cache unchanged', async () => {
      const s = await e.open();
      const groups = await CameraGroupRepo.open(s);
      const g = await groups.create('ok', ['a']);
      await expect(groups.create('nul \u0000', ['b'])).rejects.toThrow(/0x00/);
      await expect(groups.update(g.id, { name: 'x', cameras: ['nul \u0000'] })).rejects.toThrow(/0x00/);
      expect(groups.list()).toEqual([g]);
      expect((await CameraGroupRepo.open(s)).list()).toEqual([g]);
    });
  }
}
