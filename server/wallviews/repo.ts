/**
 * Named wall views (issue K) on the SQL layer (Kysely, docs/cluster.md): one code path for the embedded SQLite
 * and PostgreSQL; every method is async. Table `wall_views` (legacy migration 14 on SQLite, SQL step 0018).
 */
import type { Selectable } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { WallViewsTable } from '../store/sql/schema.ts';
import { writeTransaction } from '../store/sql/tx.ts';
import type { WallViewView } from '../../shared/wire/wall-views.ts';

/** A named wall view (issue K): the wire type, shared with the console. */
export type WallView = WallViewView;

export interface WallViewInput {
  name: string;
  display?: string | null;
  layout: number;
  tiles: (string | null)[];
}

const toView = (r: Selectable<WallViewsTable>): WallView => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  display: r.display,
  layout: r.layout,
  tiles: JSON.parse(r.tiles_json) as (string | null)[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The user has `max` views already (checked inside the insert's transaction: two saves at once cannot both pass). */
export class TooManyViewsError extends Error {
  constructor(readonly max: number) {
    super(`at most ${max} wall views per user`);
  }
}

export class WallViewRepo {
  constructor(private readonly s: SqlDb) {}

  private get db() {
    return this.s.db;
  }

  /** Views without a display first, then by display, then by name. */
  async list(userId: number): Promise<WallView[]> {
    const rows = await this.db
      .selectFrom('wall_views')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy((eb) => eb.case().when('display', 'is', null).then(0).else(1).end())
      .orderBy('display')
      .orderBy('name')
      .execute();
    return rows.map(toView);
  }

  async count(userId: number): Promise<number> {
    const r = await this.db.selectFrom('wall_views').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async get(id: number): Promise<WallView | undefined> {
    const r = await this.db.selectFrom('wall_views').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toView(r);
  }

  async byName(userId: number, name: string): Promise<WallView | undefined> {
    const r = await this.db.selectFrom('wall_views').selectAll().where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
    return r && toView(r);
  }

  /** A new view; with `max`, refused (TooManyViewsError) when the user has that many. */
  async create(userId: number, v: WallViewInput, now = Date.now(), max = Infinity): Promise<WallView> {
    const r = await writeTransaction(this.s, async (tx) => {
      if (max !== Infinity) {
        // PostgreSQL: the owner's row serialises the saves of one user (SQLite: BEGIN IMMEDIATE does)
        if (this.s.engine === 'postgres') await tx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
        const n = await tx.selectFrom('wall_views').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
        if (Number(n.n) >= max) throw new TooManyViewsError(max);
      }
      return tx
        .insertInto('wall_views')
        .values({ user_id: userId, name: v.name, display: v.display ?? null, layout: v.layout, tiles_json: JSON.stringify(v.tiles), created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return toView(r);
  }

  async replace(id: number, v: WallViewInput, now = Date.now()): Promise<WallView | undefined> {
    const r = await this.db
      .updateTable('wall_views')
      .set({ name: v.name, display: v.display ?? null, layout: v.layout, tiles_json: JSON.stringify(v.tiles), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return r && toView(r);
  }

  async delete(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('wall_views').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
