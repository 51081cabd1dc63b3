import type { Db } from './db.ts';

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

interface Row {
  id: number;
  username: string;
  role: Role;
  disabled: number;
  password_hash: string;
  display_name: string | null;
  must_change_password: number;
  cameras_json: string | null;
  created_at: number;
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

export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  displayName?: string | null;
  cameras?: string[] | null;
  groups?: number[];
}

export class UserRepo {
  constructor(private readonly db: Db) {}

  private toUser(r: Row): User {
    const groups = (this.db.prepare('SELECT group_id FROM user_groups WHERE user_id = ? ORDER BY group_id').all(r.id) as { group_id: number }[]).map((g) => g.group_id);
    return {
      id: r.id,
      username: r.username,
      role: r.role,
      disabled: r.disabled === 1,
      displayName: r.display_name,
      mustChangePassword: r.must_change_password === 1,
      cameras: parseCameras(r.cameras_json),
      groups,
    };
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  create(username: string, passwordHash: string, role: Role, displayName: string | null = null): User {
    const info = this.db
      .prepare('INSERT INTO users (username, password_hash, role, created_at, display_name) VALUES (?, ?, ?, ?, ?)')
      .run(username, passwordHash, role, Date.now(), displayName);
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** The user and its password hash, for login. */
  findForLogin(username: string): { user: User; passwordHash: string } | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return r && { user: this.toUser(r), passwordHash: r.password_hash };
  }

  get(id: number): User | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return r && this.toUser(r);
  }

  passwordHash(id: number): string | undefined {
    return (this.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(id) as { password_hash: string } | undefined)?.password_hash;
  }

  list(): (User & { createdAt: number })[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY id').all() as Row[]).map((r) => ({ ...this.toUser(r), createdAt: r.created_at }));
  }

  /** Enabled admins (the last one cannot be disabled or demoted). */
  activeAdmins(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as { n: number }).n;
  }

  setPassword(id: number, passwordHash: string, mustChange = false): void {
    this.db.prepare('UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?').run(passwordHash, mustChange ? 1 : 0, Date.now(), id);
  }

  update(id: number, p: UserPatch): User | undefined {
    this.db.transaction(() => {
      const set: string[] = [];
      const args: unknown[] = [];
      const put = (col: string, v: unknown) => {
        set.push(`${col} = ?`);
        args.push(v);
      };
      if (p.role !== undefined) put('role', p.role);
      if (p.disabled !== undefined) put('disabled', p.disabled ? 1 : 0);
      if (p.displayName !== undefined) put('display_name', p.displayName);
      if (p.cameras !== undefined) put('cameras_json', p.cameras === null ? null : JSON.stringify([...new Set(p.cameras)]));
      set.push('updated_at = ?');
      args.push(Date.now());
      this.db.prepare(`UPDATE users SET ${set.join(', ')} WHERE id = ?`).run(...args, id);
      if (p.groups !== undefined) {
        this.db.prepare('DELETE FROM user_groups WHERE user_id = ?').run(id);
        const add = this.db.prepare('INSERT OR IGNORE INTO user_groups (user_id, group_id) VALUES (?, ?)');
        for (const g of p.groups) add.run(id, g);
      }
    })();
    return this.get(id);
  }
}
