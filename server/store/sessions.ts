import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db.ts';
import type { User, Role } from './users.ts';

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

/**
 * Server-side sessions in SQLite (they survive a server restart, so a wall display stays logged in).
 * Only the token's sha256 is stored. Expiry slides with use.
 */
export class SessionRepo {
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {}

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
    const h = hashToken(token);
    const r = this.db
      .prepare(
        `SELECT s.expires_at, s.last_seen_at, u.id, u.username, u.role, u.disabled
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
      )
      .get(h) as
      | { expires_at: number; last_seen_at: number; id: number; username: string; role: Role; disabled: number }
      | undefined;
    if (!r || r.expires_at <= now || r.disabled) return undefined;
    if (now - r.last_seen_at > 60_000) {
      this.db
        .prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?')
        .run(now, now + this.ttlMs, h);
    }
    return { id: r.id, username: r.username, role: r.role, disabled: false };
  }

  destroy(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hashToken(token));
  }

  purgeExpired(now = Date.now()): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }
}
