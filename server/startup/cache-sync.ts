/**
 * Start step (PostgreSQL only): keep the read caches of users, camera groups and sessions in step with the other
 * servers on the same database (issue J, docs/cluster.md "Read caches…"). One listening connection
 * (server/store/sql/cache-events.ts); an event re-reads the entry it names, a (re)connect re-reads everything.
 * What the server's own event streams must learn follows: a user's sessions revoked elsewhere end that user's live
 * streams here (`user.revoked`), a group changed elsewhere reloads its members' streams (`user.rights`).
 */
import type { EventBus } from '../events/bus.ts';
import type { CameraGroupRepo } from '../store/camera-groups.ts';
import type { SessionRepo } from '../store/sessions.ts';
import type { UserRepo } from '../store/users.ts';
import { CacheListener, originOf, type CacheEvent, type CacheSink } from '../store/sql/cache-events.ts';
import type { SqlDb } from '../store/sql/db.ts';

export interface CachedRepos {
  users: UserRepo;
  groups: CameraGroupRepo;
  sessions: SessionRepo;
  bus: EventBus;
}

export function cacheSink({ users, groups, sessions, bus }: CachedRepos): CacheSink {
  const rightsChanged = (userIds: number[]) => {
    if (userIds.length) bus.emit('user.rights', { userIds });
  };
  return {
    async apply(e: CacheEvent) {
      if (e.table === 'users') await users.refresh(e.id);
      else if (e.table === 'sessions') sessions.forget(e);
      else {
        const members = users.withGroup(e.id); // before: a deleted group is gone from the users afterwards
        await groups.refresh(e.id);
        rightsChanged(members);
      }
    },
    async reloadAll() {
      const before = new Map(groups.list().map((g) => [g.id, JSON.stringify(g.cameras)]));
      const members = new Map([...before.keys()].map((id) => [id, users.withGroup(id)]));
      await groups.reload();
      await users.reload();
      await sessions.reload();
      const changed = new Set<number>();
      for (const [id, cams] of before) if (JSON.stringify(groups.get(id)?.cameras) !== cams) for (const u of members.get(id)!) changed.add(u);
      for (const g of groups.list()) if (!before.has(g.id)) for (const u of users.withGroup(g.id)) changed.add(u);
      rightsChanged([...changed]);
    },
  };
}

/** PostgreSQL: the listener, started (its first connection tried; a failure is logged and retried). SQLite: none. */
export async function startCacheSync(sql: SqlDb, url: string | undefined, repos: CachedRepos): Promise<CacheListener | undefined> {
  if (sql.engine !== 'postgres' || url === undefined) return undefined;
  const listener = new CacheListener(url, cacheSink(repos), originOf(sql));
  await listener.start();
  return listener;
}
