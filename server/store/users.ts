/**
 * Users (issue G) on the SQL layer (Kysely, docs/cluster.md): table users and the user's camera groups in
 * user_groups (legacy migrations 1/10/12 on SQLite; SQL step 0020).
 *
 * Read cache: every request resolves its session to a user, every camera-scoped request decides rights from
 * that user, so the users (a site has tens, not thousands) are held in memory — loaded by `UserRepo.open`,
 * updated by this repository's own writes after the database committed. `get`, `byName`, `passwordHash`,
 * `count`, `activeAdmins` are synchronous from it. `findForLogin` and `list` read the database and refresh
 * the cache, so a user another process added is found at login. On PostgreSQL each write also sends a cache event
 * in its transaction (server/store/sql/cache-events.ts) and the other servers re-read that user (`refresh`), or
 * everyone (`reload`) after their listening connection came back.
 */
import type { Selectable } from 'kysely';
import type { SqlDb } from './sql/db.ts';
import type { UsersTable } from './sql/schema.ts';
import { writeTransaction } from './sql/tx.ts';
import { notifyCache, writeNotifying } from './sql/cache-events.ts';

import type { Role } from '../../shared/wire/users.ts';
export { ROLES, type Role } from '../../shared/wire/users.ts';

export interface User {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  displayName?: string | null;
  /** must choose a new password before anything else (after an admin reset) */
  mustChangePassword?: boolean;
  /** cameras listed for the user; null = all cameras */
  cameras?: string[] | null;
  /** camera groups the user may see */
  groups?: number[];
}

type Row = Selectable<UsersTable>;
interface Cached {
  row: Row;
  groups: number[];
}

function parseCameras(s: string | null): string[] | null {
  if (s === null) return null;
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return []; // unreadable rights see nothing, never everything
  }
}

/** SQLite's NOCASE (the legacy username collation): ASCII letters fold, nothing else. */
const nocase = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

const toUser = ({ row: r, groups }: Cached): User => ({
  id: r.id,
  username: r.username,
  role: r.role as Role,
  disabled: r.disabled === 1,
  displayName: r.display_name,
  mustChangePassword: r.must_change_password === 1,
  cameras: parseCameras(r.cameras_json),
  groups: [...groups],
});

/** The update would leave no enabled admin (checked inside its transaction, so two at once cannot both pass). */
export class LastAdminError extends Error {
  constructor() {
    super('this is the last enabled admin: make another admin first');
  }
}

export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  displayName?: string | null;
  cameras?: string[] | null;
  groups?: number[];
}

export class UserRepo {
  private readonly cache = new Map<number, Cached>();
  /** counts the cache changes of this repository's writes: a read that raced one is repeated, not applied stale */
  private writes = 0;

  private constructor(private readonly s: SqlDb) {}

  /** The repository with every user loaded. */
  static async open(s: SqlDb): Promise<UserRepo> {
    const repo = new UserRepo(s);
    await repo.load();
    return repo;
  }

  /** Read the users (all, those named, or one by id) from the database into the cache. */
  private async load(by?: { username: string } | { id: number }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const writes = this.writes;
      let q = this.s.db.selectFrom('users').selectAll();
      if (by && 'username' in by) q = q.where((eb) => eb(eb.fn('lower', ['username']), '=', eb.fn('lower', [eb.val(by.username)])));
      if (by && 'id' in by) q = q.where('id', '=', by.id);
      const rows = await q.execute();
      const ids = rows.map((r) => r.id);
      const links = ids.length
        ? await this.s.db.selectFrom('user_groups').select(['user_id', 'group_id']).$if(by !== undefined, (x) => x.where('user_id', 'in', ids)).orderBy('group_id').execute()
        : [];
      // a write of ours committed while we read: what we read may be older than what it put in the cache
      if (writes !== this.writes && attempt < 5) continue;
      if (by === undefined) this.cache.clear();
      if (by && 'id' in by && rows.length === 0) this.cache.delete(by.id); // the row is gone
      for (const r of rows) this.cache.set(r.id, { row: r, groups: links.filter((l) => l.user_id === r.id).map((l) => l.group_id) });
      return;
    }
  }

  /** Another process wrote this user: read it again (gone from the database: gone from the cache). */
  refresh(id: number): Promise<void> {
    return this.load({ id });
  }

  /** Read every user again (after events from other processes may have been missed). */
  reload(): Promise<void> {
    return this.load();
  }

  /** The users given a camera group (from the cache). */
  withGroup(groupId: number): number[] {
    return [...this.cache.values()].filter((c) => c.groups.includes(groupId)).map((c) => c.row.id);
  }

  count(): number {
    return this.cache.size;
  }

  async create(username: string, passwordHash: string, role: Role, displayName: string | null = null): Promise<User> {
    const row = await writeNotifying(
      this.s,
      (db) =>
        db
          .insertInto('users')
          .values({ username, password_hash: passwordHash, role, created_at: Date.now(), display_name: displayName })
          .returningAll()
          .executeTakeFirstOrThrow(),
      (r) => [{ table: 'users', id: r.id }],
    );
    const c = { row, groups: [] };
    this.cache.set(row.id, c);
    this.writes++;
    return toUser(c);
  }

  /** The user (case-insensitive for ASCII) and its password hash, for login: read from the database, the cache refreshed. */
  async findForLogin(username: string): Promise<{ user: User; passwordHash: string } | undefined> {
    if (username.includes('\u0000')) return undefined; // no name holds one (refused at the boundary); PostgreSQL could not compare it
    await this.load({ username });
    const c = this.cached(username);
    return c && { user: toUser(c), passwordHash: c.row.password_hash };
  }

  /** By name from the cache (case-insensitive for ASCII, as the legacy column). */
  byName(username: string): User | undefined {
    const c = this.cached(username);
    return c && toUser(c);
  }

  private cached(username: string): Cached | undefined {
    const n = nocase(username);
    for (const c of this.cache.values()) if (nocase(c.row.username) === n) return c;
    return undefined;
  }

  get(id: number): User | undefined {
    const c = this.cache.get(id);
    return c && toUser(c);
  }

  passwordHash(id: number): string | undefined {
    return this.cache.get(id)?.row.password_hash;
  }

  /** Every user, read from the database (the cache refreshed). */
  async list(): Promise<(User & { createdAt: number })[]> {
    await this.load();
    return [...this.cache.values()].sort((a, b) => a.row.id - b.row.id).map((c) => ({ ...toUser(c), createdAt: c.row.created_at }));
  }

  /** Enabled admins (the last one cannot be disabled or demoted). */
  activeAdmins(): number {
    let n = 0;
    for (const { row } of this.cache.values()) if (row.role === 'admin' && row.disabled === 0) n++;
    return n;
  }

  async setPassword(id: number, passwordHash: string, mustChange = false): Promise<void> {
    const set = { password_hash: passwordHash, must_change_password: mustChange ? 1 : 0, updated_at: Date.now() };
    const row = await writeNotifying(
      this.s,
      (db) => db.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirst(),
      (r) => (r ? [{ table: 'users', id }] : []),
    );
    const c = this.cache.get(id);
    if (row && c) c.row = row;
    this.writes++;
  }

  async update(id: number, p: UserPatch): Promise<User | undefined> {
    const groups = p.groups && [...new Set(p.groups)].sort((a, b) => a - b);
    const demotes = (p.role !== undefined && p.role !== 'admin') || p.disabled === true;
    const row = await writeTransaction(this.s, async (tx) => {
      // PostgreSQL: lock the enabled admins, so a concurrent demotion of another admin waits for this one
      if (demotes && this.s.engine === 'postgres') await tx.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).forUpdate().execute();
      const was = demotes ? await tx.selectFrom('users').select(['role', 'disabled']).where('id', '=', id).executeTakeFirst() : undefined;
      const r = await tx
        .updateTable('users')
        .set({
          updated_at: Date.now(),
          ...(p.role !== undefined ? { role: p.role } : {}),
          ...(p.disabled !== undefined ? { disabled: p.disabled ? 1 : 0 } : {}),
          ...(p.displayName !== undefined ? { display_name: p.displayName } : {}),
          ...(p.cameras !== undefined ? { cameras_json: p.cameras === null ? null : JSON.stringify([...new Set(p.cameras)]) } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (r && was?.role === 'admin' && was.disabled === 0) {
        const left = await tx.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).where('role', '=', 'admin').where('disabled', '=', 0).executeTakeFirstOrThrow();
        if (Number(left.n) === 0) throw new LastAdminError(); // rolls the update back
      }
      if (r && groups) {
        await tx.deleteFrom('user_groups').where('user_id', '=', id).execute();
        if (groups.length) await tx.insertInto('user_groups').values(groups.map((g) => ({ user_id: id, group_id: g }))).onConflict((oc) => oc.doNothing()).execute();
      }
      if (r) await notifyCache(this.s, tx, [{ table: 'users', id }]);
      return r;
    });
    if (!row) return undefined;
    const c = { row, groups: groups ?? this.cache.get(id)?.groups ?? [] };
    this.cache.set(id, c);
    this.writes++;
    return toUser(c);
  }

  /** A camera group was deleted (the database removed its user_groups rows): the cache follows. */
  forgetGroup(groupId: number): void {
    for (const c of this.cache.values()) c.groups = c.groups.filter((g) => g !== groupId);
    this.writes++;
  }
}
