import type { Db } from '../store/db.ts';
import type { Clock } from './clock.ts';
import type { PatrolRoute, RouteInput, RouteStop } from './types.ts';

interface Row {
  id: number;
  name: string;
  post: string;
  interval_min: number;
  active_from: string;
  active_to: string;
  grace_min: number;
  stops_json: string;
  enabled: number;
  require_checklist: number;
  created_ms: number;
  updated_ms: number;
}

const toRoute = (r: Row): PatrolRoute => ({
  id: r.id,
  name: r.name,
  post: r.post,
  intervalMin: r.interval_min,
  activeFrom: r.active_from,
  activeTo: r.active_to,
  graceMin: r.grace_min,
  stops: JSON.parse(r.stops_json) as RouteStop[],
  requireChecklist: r.require_checklist === 1,
  enabled: r.enabled === 1,
  createdMs: r.created_ms,
  updatedMs: r.updated_ms,
});

/** Patrol routes. Rounds copy their stops when they start, so editing a route never rewrites history. */
export class RouteRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  list(includeDisabled = false): PatrolRoute[] {
    const rows = this.db
      .prepare(`SELECT * FROM patrol_routes ${includeDisabled ? '' : 'WHERE enabled = 1'} ORDER BY id`)
      .all() as Row[];
    return rows.map(toRoute);
  }

  get(id: number): PatrolRoute | undefined {
    const r = this.db.prepare('SELECT * FROM patrol_routes WHERE id = ?').get(id) as Row | undefined;
    return r && toRoute(r);
  }

  create(input: RouteInput): PatrolRoute {
    const now = this.clock.now();
    const info = this.db
      .prepare(
        `INSERT INTO patrol_routes (name, post, interval_min, active_from, active_to, grace_min, stops_json, enabled, require_checklist, created_ms, updated_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(input.name, input.post, input.intervalMin, input.activeFrom, input.activeTo, input.graceMin,
        JSON.stringify(input.stops), input.enabled ? 1 : 0, input.requireChecklist ? 1 : 0, now, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  update(id: number, input: RouteInput): PatrolRoute {
    this.db
      .prepare(
        `UPDATE patrol_routes SET name = ?, post = ?, interval_min = ?, active_from = ?, active_to = ?, grace_min = ?,
           stops_json = ?, enabled = ?, require_checklist = ?, updated_ms = ? WHERE id = ?`,
      )
      .run(input.name, input.post, input.intervalMin, input.activeFrom, input.activeTo, input.graceMin,
        JSON.stringify(input.stops), input.enabled ? 1 : 0, input.requireChecklist ? 1 : 0, this.clock.now(), id);
    return this.get(id)!;
  }
}
