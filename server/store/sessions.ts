import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db.ts';
import { UserRepo, type User } from './users.ts';
import type { SessionView } from '../../shared/wire/users.ts';

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

/** A live session as the API lists it (shared/wire/users.ts). */
export type SessionInfo = Omit<SessionView, 'current'>;

interface InfoRow {
  id: number;
  user_id: number;
  username: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}
const toInfo = (r: InfoRow): SessionInfo => ({
  id: r.id,
  userId: r.user_id,
  username: r.username,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  ip: r.ip,
  userAgent: r.user_agent,
});

/**
 * Server-side sessions in SQLite (they survive a server restart, so a wall display stays logged in).
 * Only the token's sha256 is stored. Expiry slides with use; `resolve` says when it slid so the cookie is
 * re-issued with the new lifetime (a wall that is on never logs out).
 */
export class SessionRepo {
  private readonly users: UserRepo;
  /** called with a user id whose sessions were all revoked (live streams of that user end) */
  onRevoked: (userId: number) => void = () => {};

  constructor(
    private readonly db: Db,
    readonly ttlMs: number,
  ) {
    this.users = new UserRepo(db);
  }

  create(userId: number, meta: { ip?: string; userAgent?: string } = {}, now = Date.now()): string {
    const token = randomBytes(32).toString('base64url');
    this.db
      .prepare(
        `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(hashToken(token), userId, now, now + this.ttlMs, now, meta.ip ?? null, meta.userAgent?.slice(0, 200) ?? null);
    return token;
  }

  /** The session's user, or undefined when unknown, expired or the user is disabled. Slides the expiry. */
  resolve(token: string, now = Date.now()): User | undefined {
    return this.resolveSliding(token, now)?.user;
  }

  /** Like resolve; `slid` is true when the expiry moved (re-issue the cookie). */
  resolveSliding(token: string, now = Date.now()): { user: User; slid: boolean; sessionId: number } | undefined {
    const h = hashToken(token);
    const r = this.db.prepare('SELECT rowid AS id, user_id, expires_at, last_seen_at FROM sessions WHERE token_hash = ?').get(h) as
      | { id: number; user_id: number; expires_at: number; last_seen_at: number }
      | undefined;
    if (!r || r.expires_at <= now) return undefined;
    const user = this.users.get(r.user_id);
    if (!user || user.disabled) return undefined;
    let slid = false;
    if (now - r.last_seen_at > 60_000) {
      try {
        this.db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?').run(now, now + this.ttlMs, h);
        slid = true;
      } catch {
        // a full disk: the session stays valid as it is (the console must still show the disk-full banner)
      }
    }
    return { user, slid, sessionId: r.id };
  }

  destroy(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hashToken(token));
  }

  /** End every session of a user (disabled, role, rights or password changed), but `keepToken`'s. */
  revokeUser(userId: number, keepToken?: string): number {
    const n = keepToken
      ? this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash != ?').run(userId, hashToken(keepToken)).changes
      : this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
    this.onRevoked(userId);
    return n;
  }

  /** Revoke one session by id; returns its owner, or undefined when there is none. */
  revoke(id: number): number | undefined {
    const r = this.db.prepare('SELECT user_id FROM sessions WHERE rowid = ?').get(id) as { user_id: number } | undefined;
    if (!r) return undefined;
    this.db.prepare('DELETE FROM sessions WHERE rowid = ?').run(id);
    this.onRevoked(r.user_id);
    return r.user_id;
  }

  /** Live sessions, newest first; of one user, or all. */
  list(userId?: number, now = Date.now()): SessionInfo[] {
    const sql = `SELECT s.rowid AS id, s.user_id, u.username, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent
      FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.expires_at > ? ${userId === undefined ? '' : 'AND s.user_id = ?'}
      ORDER BY s.last_seen_at DESC LIMIT 500`;
    const rows = (userId === undefined ? this.db.prepare(sql).all(now) : this.db.prepare(sql).all(now, userId)) as InfoRow[];
    return rows.map(toInfo);
  }

  /** The id of the session behind a token (to mark "this session" in a list). */
  idOf(token: string): number | undefined {
    return (this.db.prepare('SELECT rowid AS id FROM sessions WHERE token_hash = ?').get(hashToken(token)) as { id: number } | undefined)?.id;
  }

  purgeExpired(now = Date.now()): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }
}
