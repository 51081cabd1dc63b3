import type { Db } from './db.ts';

/** A named set of cameras (a site, a building, an area) that users are given rights to (issue G). */
export interface CameraGroup {
  id: number;
  name: string;
  cameras: string[];
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: number;
  name: string;
  created_at: number;
  updated_at: number;
}

export class CameraGroupRepo {
  constructor(private readonly db: Db) {}

  private toGroup(r: Row): CameraGroup {
    const cams = this.db.prepare('SELECT camera_id FROM camera_group_members WHERE group_id = ? ORDER BY camera_id').all(r.id) as { camera_id: string }[];
    return { id: r.id, name: r.name, cameras: cams.map((c) => c.camera_id), createdAt: r.created_at, updatedAt: r.updated_at };
  }

  list(): CameraGroup[] {
    return (this.db.prepare('SELECT * FROM camera_groups ORDER BY name').all() as Row[]).map((r) => this.toGroup(r));
  }

  get(id: number): CameraGroup | undefined {
    const r = this.db.prepare('SELECT * FROM camera_groups WHERE id = ?').get(id) as Row | undefined;
    return r && this.toGroup(r);
  }

  byName(name: string): CameraGroup | undefined {
    const r = this.db.prepare('SELECT * FROM camera_groups WHERE name = ?').get(name) as Row | undefined;
    return r && this.toGroup(r);
  }

  create(name: string, cameras: string[], now = Date.now()): CameraGroup {
    return this.db.transaction(() => {
      const id = Number(this.db.prepare('INSERT INTO camera_groups (name, created_at, updated_at) VALUES (?, ?, ?)').run(name, now, now).lastInsertRowid);
      this.setCameras(id, cameras);
      return this.get(id)!;
    })();
  }

  update(id: number, p: { name?: string; cameras?: string[] }, now = Date.now()): CameraGroup | undefined {
    return this.db.transaction(() => {
      if (p.name !== undefined) this.db.prepare('UPDATE camera_groups SET name = ? WHERE id = ?').run(p.name, id);
      if (p.cameras !== undefined) this.setCameras(id, p.cameras);
      this.db.prepare('UPDATE camera_groups SET updated_at = ? WHERE id = ?').run(now, id);
      return this.get(id);
    })();
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM camera_groups WHERE id = ?').run(id).changes > 0;
  }

  /** Users given this group (their streams end when it changes). */
  members(id: number): number[] {
    return (this.db.prepare('SELECT user_id FROM user_groups WHERE group_id = ?').all(id) as { user_id: number }[]).map((r) => r.user_id);
  }

  /** The cameras of the given groups, together. */
  camerasOf(groupIds: number[]): Set<string> {
    const out = new Set<string>();
    const q = this.db.prepare('SELECT camera_id FROM camera_group_members WHERE group_id = ?');
    for (const g of groupIds) for (const r of q.all(g) as { camera_id: string }[]) out.add(r.camera_id);
    return out;
  }

  private setCameras(id: number, cameras: string[]): void {
    this.db.prepare('DELETE FROM camera_group_members WHERE group_id = ?').run(id);
    const add = this.db.prepare('INSERT OR IGNORE INTO camera_group_members (group_id, camera_id) VALUES (?, ?)');
    for (const c of cameras) add.run(id, c);
  }
}
