import type { Db } from './db.ts';

export const ROLES = ['operator', 'supervisor', 'investigator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
}
interface Row {
  id: number;
  username: string;
  role: Role;
  disabled: number;
  password_hash: string;
}
const toUser = (r: Row): User => ({ id: r.id, username: r.username, role: r.role, disabled: r.disabled === 1 });

export class UserRepo {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  create(username: string, passwordHash: string, role: Role): User {
    const info = this.db
      .prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)')
      .run(username, passwordHash, role, Date.now());
    return { id: Number(info.lastInsertRowid), username, role, disabled: false };
  }

  /** The user and its password hash, for login. */
  findForLogin(username: string): { user: User; passwordHash: string } | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return r && { user: toUser(r), passwordHash: r.password_hash };
  }

  get(id: number): User | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return r && toUser(r);
  }

  setPassword(id: number, passwordHash: string): void {
    this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, id);
  }
}
