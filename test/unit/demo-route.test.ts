import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ROUTE_NAME, seedDemoRoute } from '../../server/demo/demo-route.ts';
import { systemClock } from '../../server/patrol/clock.ts';
import { RouteRepo } from '../../server/patrol/routes-repo.ts';
import { openSql, type SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';

async function open(file: string): Promise<SqlDb> {
  const s = openSql({ engine: 'sqlite', file });
  await migrateSql(s);
  return s;
}

const dir = mkdtempSync(join(tmpdir(), 'wp-demo-route-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ids = ['demo-1', 'demo-2', 'demo-3', 'demo-4'];

describe('demo patrol route', () => {
  it('is created exactly once: a second start finds it and adds nothing', async () => {
    const file = join(dir, 'watchpost.db');
    const first = await open(file);
    const created = await seedDemoRoute(new RouteRepo(first, systemClock), ids);
    expect(created).toMatchObject({ name: DEMO_ROUTE_NAME, intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10, enabled: true });
    expect(created!.stops.map((s) => [s.cameraId, s.minDwellS, s.checklist.length])).toEqual(ids.map((id) => [id, 10, 2]));
    await first.close();

    const second = await open(file);
    const repo = new RouteRepo(second, systemClock);
    expect(await seedDemoRoute(repo, ids)).toBeUndefined();
    expect(await repo.list(true)).toHaveLength(1);
    await second.close();
  });

  it('leaves an existing (even disabled) route alone and needs cameras', async () => {
    const db = await open(':memory:');
    const repo = new RouteRepo(db, systemClock);
    expect(await seedDemoRoute(repo, [])).toBeUndefined();
    await repo.create({ name: 'Mine', post: '', intervalMin: 30, activeFrom: '00:00', activeTo: '00:00', graceMin: 5, enabled: false, stops: [] });
    expect(await seedDemoRoute(repo, ids)).toBeUndefined();
    expect((await repo.list(true)).map((r) => r.name)).toEqual(['Mine']);
    await db.close();
  });
});
