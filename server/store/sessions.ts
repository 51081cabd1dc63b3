/**
 * Server-side sessions (they survive a restart, so a wall display stays logged in) on the SQL layer (Kysely,
 * docs/cluster.md): table sessions (legacy migration 1 on SQLite; SQL step 0021). Only the token's sha256 is
 * stored. Expiry slides with use; `resolveSliding` says when it slid so the cookie is re-issued with the new
 * lifetime (a wall that is on never logs out).
 *
 * Read cache: every request resolves its cookie, so the live sessions are held in memory — loaded by
 * `SessionRepo.open`, updated by this repository's own writes after the database committed. A token the cache
 * does not know is looked up in the database (a session another process made). A request then costs no
 * database round trip, only the slide once a minute per session. A session the cache holds as expired is looked
 * up again too (another server may have slid it). On PostgreSQL every deletion also sends a cache event in its
 * transaction (server/store/sql/cache-events.ts): the other servers drop those sessions (`forget`), or read them
 * all again (`reload`) after their listening connection came back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { SqlDb } from './sql/db.ts';
import { writeNotifying, type CacheEvent } from './sql/cache-events.ts';
import type { User, UserRepo } from './users.ts';
import type { SessionView } from '../../shared/wire/users.ts';
import { createLogger } from '../util/log.ts';

const log = createLogger('store');
const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

/** A live session as the API lists it (shared/wire/users.ts). */
export type SessionInfo = Omit<SessionView, 'current'>;

interface Live {
  id: number;
  userId: number;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  ip: string | null;
  userAgent: string | null;
}

const COLUMNS = [
  'sessions.user_id',
  'sessions.created_at',
  'sessions.expires_at',
  'sessions.last_seen_at',
  'sessions.ip',
  'sessions.user_agent',
  'sessions.token_hash',
] as const;

export class SessionRepo {
  /** token hash → session */
  private readonly cache = new Map<string, Live>();
  /** counts deletions, so a lookup that raced one does not put a deleted session back into the cache */
  private deletions = 0;
  /** called with a user id whose sessions were all revoked (live streams of that user end) */
  onRevoked: (userId: number) => void = () => {};

  private constructor(
    private readonly s: SqlDb,
    readonly ttlMs: number,
    private readonly users: UserRepo,
  ) {}

  /** The repository with the live sessions loaded. */
  static async open(s: SqlDb, ttlMs: number, users: UserRepo, now = Date.now()): Promise<SessionRepo> {
    const repo = new SessionRepo(s, ttlMs, users);
    const rows = await repo.select().where('expires_at', '>', now).execute();
    for (const r of rows) repo.cache.set(r.token_hash, liveOf(r));
    return repo;
  }

  /** SQLite keeps the legacy table, keyed by its rowid; PostgreSQL's table has an identity column `id`. */
  private get id() {
    return sql.ref<number>(this.s.engine === 'sqlite' ? 'sessions.rowid' : 'sessions.id');
  }

  private select() {
    return this.s.db.selectFrom('sessions').select([...COLUMNS, this.id.as('id')]);
  }

  async create(userId: number, meta: { ip?: string; userAgent?: string } = {}, now = Date.now()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const h = hashToken(token);
    const row = { user_id: userId, created_at: now, expires_at: now + this.ttlMs, last_seen_at: now, ip: meta.ip ?? null, user_agent: meta.userAgent?.slice(0, 200) ?? null };
    const r = await this.s.db
      .insertInto('sessions')
      .values({ token_hash: h, ...row })
      .returning(this.id.as('id'))
      .executeTakeFirstOrThrow();
    this.cache.set(h, liveOf({ ...row, id: r.id }));
    return token;
  }

  /** The session's user, or undefined when unknown, expired or the user is disabled. Slides the expiry. */
  async resolve(token: string, now = Date.now()): Promise<User | undefined> {
    return (await this.resolveSliding(token, now))?.user;
  }

  /** Like resolve; `slid` is true when the expiry moved (re-issue the cookie). */
  async resolveSliding(token: string, now = Date.now()): Promise<{ user: User; slid: boolean; sessionId: number } | undefined> {
    const h = hashToken(token);
    let c = this.cache.get(h);
    if (c && c.expiresAt <= now) {
      this.cache.delete(h); // another server may have slid it: the database says
      c = undefined;
    }
    if (!c) {
      const before = this.deletions;
      const r = await this.select().where('token_hash', '=', h).executeTakeFirst();
      if (!r) return undefined;
      c = liveOf(r);
      if (before === this.deletions) this.cache.set(h, c);
    }
    if (c.expiresAt <= now) return undefined;
    const user = this.users.get(c.userId);
    if (!user || user.disabled) return undefined;
    let slid = false;
    if (now - c.lastSeenAt > 60_000) {
      try {
        await this.s.db.updateTable('sessions').set({ last_seen_at: now, expires_at: now + this.ttlMs }).where('token_hash', '=', h).execute();
        c.lastSeenAt = now;
        c.expiresAt = now + this.ttlMs;
        slid = true;
      } catch (err) {
        // a full disk: the session stays valid as it is (the console must still show the disk-full banner)
        log.warn('could not slide a session’s expiry', { err });
      }
    }
    return { user, slid, sessionId: c.id };
  }

  async destroy(token: string): Promise<void> {
    const h = hashToken(token);
    this.deletions++;
    await writeNotifying(
      this.s,
      (db) => db.deleteFrom('sessions').where('token_hash', '=', h).returning(this.id.as('id')).execute(),
      (gone) => gone.map((g): CacheEvent => ({ table: 'sessions', id: g.id })),
    );
    this.cache.delete(h);
    this.deletions++;
  }

  /** End every session of a user (disabled, role, rights or password changed), but `keepToken`'s. */
  async revokeUser(userId: number, keepToken?: string): Promise<number> {
    const keep = keepToken && hashToken(keepToken);
    this.deletions++;
    const r = await writeNotifying(
      this.s,
      (db) =>
        db
          .deleteFrom('sessions')
          .where('user_id', '=', userId)
          .$if(keep !== undefined, (q) => q.where('token_hash', '!=', keep!))
          .executeTakeFirst(),
      () => [{ table: 'sessions', user: userId }],
    );
    for (const [h, c] of this.cache) if (c.userId === userId && h !== keep) this.cache.delete(h);
    this.deletions++;
    this.onRevoked(userId);
    return Number(r.numDeletedRows);
  }

  /** Revoke one session by id; returns its owner, or undefined when there is none. */
  async revoke(id: number): Promise<number | undefined> {
    const r = await this.select().where(this.id, '=', id).executeTakeFirst();
    if (!r) return undefined;
    this.deletions++;
    await writeNotifying(
      this.s,
      (db) => db.deleteFrom('sessions').where('token_hash', '=', r.token_hash).execute(),
      () => [{ table: 'sessions', id, user: r.user_id }],
    );
    this.cache.delete(r.token_hash);
    this.deletions++;
    this.onRevoked(r.user_id);
    return r.user_id;
  }

  /** Live sessions, newest first; of one user, or all (read from the database). */
  async list(userId?: number, now = Date.now()): Promise<SessionInfo[]> {
    const rows = await this.select()
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select('users.username')
      .where('sessions.expires_at', '>', now)
      .$if(userId !== undefined, (q) => q.where('sessions.user_id', '=', userId!))
      .orderBy('sessions.last_seen_at', 'desc')
      .limit(500)
      .execute();
    return rows.map((r) => ({ ...liveOf(r), username: r.username }));
  }

  /** The id of the session behind a token (to mark "this session" in a list). */
  idOf(token: string): number | undefined {
    return this.cache.get(hashToken(token))?.id;
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    this.deletions++;
    const r = await writeNotifying(
      this.s,
      (db) => db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst(),
      (d): CacheEvent[] => (Number(d.numDeletedRows) > 0 ? [{ table: 'sessions' }] : []),
    );
    for (const [h, c] of this.cache) if (c.expiresAt <= now) this.cache.delete(h);
    this.deletions++;
    return Number(r.numDeletedRows);
  }

  /**
   * Another process deleted sessions: one (`id`), all of a user's (`user` alone: revoked — its live streams end
   * here too), or the expired ones (neither). Dropped from the cache; one still in the database is read again.
   */
  forget(e: { id?: number; user?: number }, now = Date.now()): void {
    this.deletions++;
    for (const [h, c] of this.cache) {
      if (e.id !== undefined ? c.id === e.id : e.user !== undefined ? c.userId === e.user : c.expiresAt <= now) this.cache.delete(h);
    }
    if (e.user !== undefined) this.onRevoked(e.user);
  }

  /** Read the live sessions again (events of other processes may have been missed); users who lost one: onRevoked. */
  async reload(now = Date.now()): Promise<void> {
    let rows;
    for (let attempt = 1; ; attempt++) {
      const before = this.deletions;
      rows = await this.select().where('expires_at', '>', now).execute();
      if (before === this.deletions || attempt >= 5) break; // a deletion raced the read: it may hold a deleted one
    }
    const live = new Set(rows.map((r) => r.token_hash));
    const revoked = new Set<number>();
    for (const [h, c] of this.cache) if (!live.has(h) && c.expiresAt > now) revoked.add(c.userId);
    this.cache.clear();
    for (const r of rows) this.cache.set(r.token_hash, liveOf(r));
    this.deletions++;
    for (const u of revoked) this.onRevoked(u);
  }
}

function liveOf(r: { id: number; user_id: number; created_at: number; expires_at: number; last_seen_at: number; ip: string | null; user_agent: string | null }): Live {
  return { id: r.id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at, ip: r.ip, userAgent: r.user_agent };
}
