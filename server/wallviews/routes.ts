/**
 * Named wall views (issue K, the wall): GET/POST /api/wall-views, GET/PUT/DELETE /api/wall-views/:id, and
 * GET /api/wall-views/groups (the camera tree: the camera groups, with only the cameras the user may see).
 *
 * A view belongs to one user. Everyone lists and changes their own; an admin may also list (?user=ID) and
 * create (userId) the views of another user — that is how a wall-display account, which only reads (GET), gets
 * its views. Someone else's view is 404. A view may only hold cameras its owner may see (a camera they may not
 * see is "unknown", as one that does not exist); a camera hidden or removed later reads back as an empty tile.
 */
import { Router, type Request } from 'express';
import type { RightsService } from '../access/rights.ts';
import type { CameraGroupRepo } from '../store/camera-groups.ts';
import type { User, UserRepo } from '../store/users.ts';
import { badRequest, conflict, forbidden, notFound } from '../util/errors.ts';
import { parseBody } from '../http/errors.ts';
import { intParam } from '../http/routes/patrol.ts';
import { TooManyViewsError, type WallView, type WallViewRepo } from './repo.ts';
import type { WallTreeGroup } from '../../shared/wire/wall-views.ts';
import { createSchema, replaceSchema } from '../../shared/wire/requests/wall-views.ts';
export { VIEW_LAYOUTS } from '../../shared/wire/requests/wall-views.ts';
import { isUniqueViolation } from '../store/sql/errors.ts';

export const MAX_VIEWS_PER_USER = 50;

export interface WallViewsDeps {
  views: WallViewRepo;
  users: UserRepo;
  groups: CameraGroupRepo;
  rights: RightsService;
  cameraExists: (id: string) => boolean;
}

export function wallViewsRouter(d: WallViewsDeps): Router {
  const r = Router();
  const visibleTo = (u: Pick<User, 'cameras' | 'groups'>) => {
    const rights = d.rights.of(u);
    return (id: string) => d.cameraExists(id) && (rights.all || rights.cameras.has(id));
  };
  /** What a reader gets: tiles the owner may no longer see (or that are gone) are empty. */
  const shown = (v: WallView, owner: User | undefined): WallView => {
    const ok = owner ? visibleTo(owner) : () => false;
    return { ...v, tiles: v.tiles.map((c) => (c !== null && ok(c) ? c : null)) };
  };
  const checkTiles = (list: (string | null)[], owner: User) => {
    const ok = visibleTo(owner);
    const bad = list.map((c, i) => [c, i] as const).filter(([c]) => c !== null && !ok(c));
    if (bad.length) throw badRequest(bad.map(([c, i]) => `tiles.${i}: unknown camera "${c}"`).join('; '), 'unknown_camera', { ids: bad.map(([c]) => c).join(', ') });
  };
  const me = (req: Request) => req.user!;
  /** A view the requester may change: their own, or any as admin; otherwise 404. */
  const mine = async (req: Request): Promise<WallView> => {
    const v = await d.views.get(intParam(req.params.id, 'wall view'));
    if (!v || (v.userId !== me(req).id && me(req).role !== 'admin')) throw notFound('no such wall view');
    return v;
  };
  const tooMany = () => conflict(`at most ${MAX_VIEWS_PER_USER} wall views per user`, 'too_many_views', { n: MAX_VIEWS_PER_USER });
  const exists = (name: string) => conflict(`a wall view named "${name}" exists`, 'exists', { what: 'wall_view', name });
  const unique = async (userId: number, name: string, id?: number) => {
    const other = await d.views.byName(userId, name);
    if (other && other.id !== id) throw exists(name);
  };
  /** a write that lost a race with another of the same name (the table's UNIQUE (user_id, name)) is a 409 too */
  const named = <T>(name: string, p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      throw isUniqueViolation(err) ? exists(name) : err;
    });

  r.get('/', async (req, res) => {
    let owner = me(req);
    if (req.query.user !== undefined) {
      if (owner.role !== 'admin') throw forbidden('only an admin lists the views of another user');
      const u = d.users.get(intParam(req.query.user, 'user'));
      if (!u) throw notFound('no such user');
      owner = u;
    }
    const display = typeof req.query.display === 'string' ? req.query.display : undefined;
    const list = (await d.views.list(owner.id)).filter((v) => display === undefined || v.display === display);
    res.json(list.map((v) => shown(v, owner)));
  });
  r.get('/groups', (req, res) => {
    const ok = visibleTo(me(req));
    const out = d.groups
      .list()
      .map((g): WallTreeGroup => ({ id: g.id, name: g.name, members: g.cameras.filter(ok) }))
      .filter((g) => g.members.length > 0);
    res.json(out);
  });
  r.post('/', async (req, res) => {
    const body = parseBody(createSchema, req.body);
    let owner = me(req);
    if (body.userId !== undefined && body.userId !== owner.id) {
      if (owner.role !== 'admin') throw forbidden('only an admin saves a view for another user');
      const u = d.users.get(body.userId);
      if (!u) throw badRequest(`userId: no such user ${body.userId}`, 'unknown_user', { id: body.userId });
      owner = u;
    }
    checkTiles(body.tiles, owner);
    await unique(owner.id, body.name);
    if ((await d.views.count(owner.id)) >= MAX_VIEWS_PER_USER) throw tooMany();
    const v = await named(body.name, d.views.create(owner.id, body, Date.now(), MAX_VIEWS_PER_USER)).catch((err: unknown) => {
      throw err instanceof TooManyViewsError ? tooMany() : err; // lost a race with another save of this user
    });
    res.status(201).location(`/api/wall-views/${v.id}`).json(shown(v, owner));
  });
  r.get('/:id', async (req, res) => {
    const v = await mine(req);
    res.json(shown(v, d.users.get(v.userId)));
  });
  r.put('/:id', async (req, res) => {
    const v = await mine(req);
    const body = parseBody(replaceSchema, req.body);
    const owner = d.users.get(v.userId)!;
    checkTiles(body.tiles, owner);
    await unique(owner.id, body.name, v.id);
    res.json(shown((await named(body.name, d.views.replace(v.id, body)))!, owner));
  });
  r.delete('/:id', async (req, res) => {
    await d.views.delete((await mine(req)).id);
    res.status(204).end();
  });
  return r;
}
