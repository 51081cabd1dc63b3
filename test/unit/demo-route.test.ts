import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ROUTE_NAME, seedDemoRoute } from '../../server/demo/demo-route.ts';
import { systemClock } from '../../server/patrol/clock.ts';
import { RouteRepo } from '../../server/patrol/routes-repo.ts';
import { openDb } from '../../server/store/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'wp-demo-route-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ids = ['demo-1', 'demo-2', 'demo-3', 'demo-4'];

describe('demo patrol route', () => {
  it('is created exactly once: a second start finds it and adds nothing', () => {
    const file = join(dir, 'watchpost.db');
    const first = openDb(file);
    const created = seedDemoRoute(new RouteRepo(first, systemClock), ids);
    expect(created).toMatchObject({ name: DEMO_ROUTE_NAME, intervalMin: 60, activeFrom: '00:00', activeTo: '00:00', graceMin: 10, enabled: true });
    expect(created!.stops.map((s) => [s.cameraId, s.minDwellS, s.checklist.length])).toEqual(ids.map((id) => [id, 10, 2]));
    first.close();

    const second = openDb(file);
    const repo = new RouteRepo(second, systemClock);
    expect(seedDemoRoute(repo, ids)).toBeUndefined();
    expect(repo.list(true)).toHaveLength(1);
    second.close();
  });

  it('leaves an existing (even disabled) route alone and needs cameras', () => {
    const db = openDb(':memory:');
    const repo = new RouteRepo(db, systemClock);
    expect(seedDemoRoute(repo, [])).toBeUndefined();
    repo.create({ name: 'Mine', post: '', intervalMin: 30, activeFrom: '00:00', activeTo: '00:00', graceMin: 5, enabled: false, stops: [] });
    expect(seedDemoRoute(repo, ids)).toBeUndefined();
    expect(repo.list(true).map((r) => r.name)).toEqual(['Mine']);
    db.close();
  });
});
