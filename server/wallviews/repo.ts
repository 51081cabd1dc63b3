import type { Db } from '../store/db.ts';

/** A named wall view (issue K): a layout and its tiles in order (null = an empty tile), one user's, maybe for a display. */
export interface WallView {
  id: number;
  userId: number;
  name: string;
  /** the display it is meant for ("大屏1"), or null */
  display: string | null;
  layout: number;
  tiles: (string | null)[];
  createdAt: number;
  updatedAt: number;
}

export interface WallViewInput {
  name: string;
  display?: string | null;
  layout: number;
  tiles: (string | null)[];
}

interface Row {
  id: number;
  user_id: number;
  name: string;
  display: string | null;
  layout: number;
  tiles_json: string;
  created_at: number;
  updated_at: number;
}

const toView = (r: Row): WallView => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  display: r.display,
  layout: r.layout,
  tiles: JSON.parse(r.tiles_json) as (string | null)[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class WallViewRepo {
  constructor(private readonly db: Db) {}

  list(userId: number): WallView[] {
    return (this.db.prepare('SELECT * FROM wall_views WHERE user_id = ? ORDER BY display IS NOT NULL, display, name').all(userId) as Row[]).map(toView);
  }

  count(userId: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM wall_views WHERE user_id = ?').get(userId) as { n: number }).n;
  }

  get(id: number): WallView | undefined {
    const r = this.db.prepare('SELECT * FROM wall_views WHERE id = ?').get(id) as Row | undefined;
    return r && toView(r);
  }

  byName(userId: number, name: string): WallView | undefined {
    const r = this.db.prepare('SELECT * FROM wall_views WHERE user_id = ? AND name = ?').get(userId, name) as Row | undefined;
    return r && toView(r);
  }

  create(userId: number, v: WallViewInput, now = Date.now()): WallView {
    const id = this.db
      .prepare('INSERT INTO wall_views (user_id, name, display, layout, tiles_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(userId, v.name, v.display ?? null, v.layout, JSON.stringify(v.tiles), now, now).lastInsertRowid;
    return this.get(Number(id))!;
  }

  replace(id: number, v: WallViewInput, now = Date.now()): WallView | undefined {
    this.db.prepare('UPDATE wall_views SET name = ?, display = ?, layout = ?, tiles_json = ?, updated_at = ? WHERE id = ?').run(v.name, v.display ?? null, v.layout, JSON.stringify(v.tiles), now, id);
    return this.get(id);
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM wall_views WHERE id = ?').run(id).changes > 0;
  }
}
