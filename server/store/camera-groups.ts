/**
 * Camera groups (issue G) on the SQL layer (Kysely, docs/cluster.md): tables camera_groups, camera_group_members
 * and user_groups (legacy migration 10 on SQLite; SQL step 0019).
 *
 * Read cache: rights are decided on every camera-scoped request (server/access/rights.ts) and must stay
 * synchronous and free of round trips, so every group and its cameras are held in memory — loaded once by
 * `CameraGroupRepo.open` and updated by this repository's own writes, which are the only writes of these two
 * tables. Reads (list, get, byName, camerasOf) are synchronous from the cache; writes are async and change the
 * cache only after the database committed. On PostgreSQL each write also sends a cache event in its transaction
 * (server/store/sql/cache-events.ts): the other servers re-read that group (`refresh`), or all (`reload`) after
 * their listening connection came back.
 */
import type { SqlDb } from './sql/db.ts';
import { writeTransaction } from './sql/tx.ts';
import { notifyCache, writeNotifying } from './sql/cache-events.ts';

/** A named set of cameras (a site, a building, an area) that users are given rights to (issue G). */
export interface CameraGroup {
  id: number;
  name: string;
  cameras: string[];
  createdAt: number;
  updatedAt: number;
}

/** SQLite's NOCASE (the legacy column's collation): ASCII letters fold, nothing else. */
const nocase = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
/** SQLite orders text by its UTF-8 bytes; so does this (JavaScript's < compares UTF-16 units). */
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const sortedUnique = (list: string[]) => [...new Set(list)].sort(utf8Order);
const copy = (g: CameraGroup): CameraGroup => ({ ...g, cameras: [...g.cameras] });

export class CameraGroupRepo {
  private readonly cache = new Map<number, CameraGroup>();
  /** called after a group was deleted (the database dropped the users' rights to it: UserRepo's cache follows) */
  onDeleted: (id: number) => void = () => {};
  /** counts the cache changes of this repository's writes: a read that raced one is repeated, not applied stale */
  private writes = 0;

  private constructor(private readonly s: SqlDb) {}

  /** The repository with every group loaded. */
  static async open(s: SqlDb): Promise<CameraGroupRepo> {
    const repo = new CameraGroupRepo(s);
    await repo.reload();
    return repo;
  }

  /** Read every group again from the database (start-up; after events of other processes may have been missed). */
  reload(): Promise<void> {
    return this.load();
  }

  /** Another process wrote this group: read it again (gone from the database: gone here, and `onDeleted`). */
  refresh(id: number): Promise<void> {
    return this.load(id);
  }

  private async load(only?: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const writes = this.writes;
      const groups = await this.s.db.selectFrom('camera_groups').selectAll().$if(only !== undefined, (q) => q.where('id', '=', only!)).execute();
      const members = await this.s.db
        .selectFrom('camera_group_members')
        .select(['group_id', 'camera_id'])
        .$if(only !== undefined, (q) => q.where('group_id', '=', only!))
        .execute();
      if (writes !== this.writes && attempt < 5) continue; // a write of ours committed meanwhile: read again
      const cams = new Map<number, string[]>();
      for (const m of members) (cams.get(m.group_id) ?? cams.set(m.group_id, []).get(m.group_id)!).push(m.camera_id);
      const gone = only === undefined ? [...this.cache.keys()] : [only];
      for (const r of groups) {
        this.cache.set(r.id, { id: r.id, name: r.name, cameras: sortedUnique(cams.get(r.id) ?? []), createdAt: r.created_at, updatedAt: r.updated_at });
      }
      for (const id of gone) {
        if (groups.some((r) => r.id === id)) continue;
        this.cache.delete(id);
        this.onDeleted(id);
      }
      return;
    }
  }

  /** By name, case-insensitively for ASCII (as the legacy list was ordered). */
  list(): CameraGroup[] {
    return [...this.cache.values()].sort((a, b) => utf8Order(nocase(a.name), nocase(b.name))).map(copy);
  }

  get(id: number): CameraGroup | undefined {
    const g = this.cache.get(id);
    return g && copy(g);
  }

  /** Names are unique regardless of ASCII case ("Gate" is "gate"). */
  byName(name: string): CameraGroup | undefined {
    const n = nocase(name);
    for (const g of this.cache.values()) if (nocase(g.name) === n) return copy(g);
    return undefined;
  }

  async create(name: string, cameras: string[], now = Date.now()): Promise<CameraGroup> {
    const id = await writeTransaction(this.s, async (tx) => {
      const r = await tx.insertInto('camera_groups').values({ name, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      await setCameras(tx, r.id, cameras);
      await notifyCache(this.s, tx, [{ table: 'camera_groups', id: r.id }]);
      return r.id;
    });
    const g: CameraGroup = { id, name, cameras: sortedUnique(cameras), createdAt: now, updatedAt: now };
    this.cache.set(id, g);
    this.writes++;
    return copy(g);
  }

  async update(id: number, p: { name?: string; cameras?: string[] }, now = Date.now()): Promise<CameraGroup | undefined> {
    const found = await writeTransaction(this.s, async (tx) => {
      const r = await tx
        .updateTable('camera_groups')
        .set({ updated_at: now, ...(p.name !== undefined ? { name: p.name } : {}) })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      if (p.cameras !== undefined) await setCameras(tx, id, p.cameras);
      await notifyCache(this.s, tx, [{ table: 'camera_groups', id }]);
      return true;
    });
    const g = this.cache.get(id);
    if (!found || !g) return undefined;
    if (p.name !== undefined) g.name = p.name;
    if (p.cameras !== undefined) g.cameras = sortedUnique(p.cameras);
    g.updatedAt = now;
    this.writes++;
    return copy(g);
  }

  /** Its members and users' rights to it go with it (ON DELETE CASCADE). */
  async delete(id: number): Promise<boolean> {
    const r = await writeNotifying(
      this.s,
      (db) => db.deleteFrom('camera_groups').where('id', '=', id).executeTakeFirst(),
      (d) => (Number(d.numDeletedRows) > 0 ? [{ table: 'camera_groups', id }] : []),
    );
    this.cache.delete(id);
    this.onDeleted(id);
    this.writes++;
    return Number(r.numDeletedRows) > 0;
  }

  /** Users given this group (their streams end when it changes). */
  async members(id: number): Promise<number[]> {
    const rows = await this.s.db.selectFrom('user_groups').select('user_id').where('group_id', '=', id).orderBy('user_id').execute();
    return rows.map((r) => r.user_id);
  }

  /** The cameras of the given groups, together (synchronous: from the cache). */
  camerasOf(groupIds: number[]): Set<string> {
    const out = new Set<string>();
    for (const id of groupIds) for (const c of this.cache.get(id)?.cameras ?? []) out.add(c);
    return out;
  }
}

async function setCameras(tx: SqlDb['db'], id: number, cameras: string[]): Promise<void> {
  await tx.deleteFrom('camera_group_members').where('group_id', '=', id).execute();
  const rows = [...new Set(cameras)].map((camera_id) => ({ group_id: id, camera_id }));
  // in slices: SQLite allows at most 32766 bound values per statement, PostgreSQL 65535
  for (let i = 0; i < rows.length; i += 500) {
    await tx.insertInto('camera_group_members').values(rows.slice(i, i + 500)).onConflict((oc) => oc.doNothing()).execute();
  }
}
