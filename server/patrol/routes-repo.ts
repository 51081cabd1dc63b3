/** Patrol routes on the SQL layer (Kysely, both engines; SQL step 0025, docs/cluster.md). */
import type { Selectable } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { PatrolRoutesTable } from '../store/sql/schema.ts';
import { fitsInt32 } from '../store/sql/filters.ts';
import type { Clock } from './clock.ts';
import type { PatrolRoute, RouteInput, RouteStop } from './types.ts';

const toRoute = (r: Selectable<PatrolRoutesTable>): PatrolRoute => ({
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

const columns = (input: RouteInput) => ({
  name: input.name,
  post: input.post,
  interval_min: input.intervalMin,
  active_from: input.activeFrom,
  active_to: input.activeTo,
  grace_min: input.graceMin,
  stops_json: JSON.stringify(input.stops),
  enabled: input.enabled ? 1 : 0,
  require_checklist: input.requireChecklist ? 1 : 0,
});

/** Patrol routes. Rounds copy their stops when they start, so editing a route never rewrites history. */
export class RouteRepo {
  constructor(
    private readonly s: SqlDb,
    private readonly clock: Clock,
  ) {}

  async list(includeDisabled = false): Promise<PatrolRoute[]> {
    const rows = await this.s.db
      .selectFrom('patrol_routes')
      .selectAll()
      .$if(!includeDisabled, (q) => q.where('enabled', '=', 1))
      .orderBy('id')
      .execute();
    return rows.map(toRoute);
  }

  async get(id: number): Promise<PatrolRoute | undefined> {
    if (!fitsInt32(id)) return undefined; // {routeId: 2147483648}: no such route (filters.ts)
    const r = await this.s.db.selectFrom('patrol_routes').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRoute(r);
  }

  async create(input: RouteInput): Promise<PatrolRoute> {
    const now = this.clock.now();
    const r = await this.s.db
      .insertInto('patrol_routes')
      .values({ ...columns(input), created_ms: now, updated_ms: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRoute(r);
  }

  /** undefined: no such route */
  async update(id: number, input: RouteInput): Promise<PatrolRoute | undefined> {
    const r = await this.s.db
      .updateTable('patrol_routes')
      .set({ ...columns(input), updated_ms: this.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return r && toRoute(r);
  }
}
