/**
 * Camera groups (issue G): a site, a building, an area — named sets of cameras that users are given rights to.
 * Admin only. A camera removed from a group stops being served to the group's users at their next request
 * (every camera route asks the access service); their live event streams are told to reload.
 */
import { Router } from 'express';
import type { CameraGroupRepo } from '../../store/camera-groups.ts';
import { badRequest, conflict, notFound } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';
import { intParam } from './patrol.ts';
import { createSchema, patchSchema } from '../../../shared/wire/requests/camera-groups.ts';
import { isUniqueViolation } from '../../store/sql/errors.ts';


export interface CameraGroupsDeps {
  groups: CameraGroupRepo;
  cameraExists: (id: string) => boolean;
  /** the rights of these users changed (their live streams reload) */
  rightsChanged: (userIds: number[]) => void;
}

export function cameraGroupsRouter(d: CameraGroupsDeps): Router {
  const r = Router();
  r.use(requireRole('admin'));
  const check = (list: string[] | undefined) => {
    const bad = (list ?? []).filter((c) => !d.cameraExists(c));
    if (bad.length) throw badRequest(`cameras: unknown camera ${bad.map((c) => `"${c}"`).join(', ')}`, 'unknown_camera', { ids: bad.join(', ') });
  };
  const exists = (name: string) => conflict(`camera group "${name}" exists`, 'exists', { what: 'camera_group', name });
  /** a write that lost a race with another of the same name (the table's unique name) is a 409 too */
  const named = <T>(name: string, p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      throw isUniqueViolation(err) ? exists(name) : err;
    });
  r.get('/', (_req, res) => res.json(d.groups.list()));
  r.post('/', async (req, res) => {
    const body = parseBody(createSchema, req.body);
    check(body.cameras);
    if (d.groups.byName(body.name)) throw exists(body.name);
    const g = await named(body.name, d.groups.create(body.name, body.cameras));
    res.status(201).location(`/api/camera-groups/${g.id}`).json(g);
  });
  r.get('/:id', (req, res) => {
    const g = d.groups.get(intParam(req.params.id, 'group'));
    if (!g) throw notFound('no such camera group');
    res.json(g);
  });
  r.patch('/:id', async (req, res) => {
    const id = intParam(req.params.id, 'group');
    if (!d.groups.get(id)) throw notFound('no such camera group');
    const body = parseBody(patchSchema, req.body);
    check(body.cameras);
    if (body.name !== undefined) {
      const other = d.groups.byName(body.name);
      if (other && other.id !== id) throw exists(body.name);
    }
    const g = (await named(body.name ?? '', d.groups.update(id, body)))!;
    d.rightsChanged(await d.groups.members(id));
    res.json(g);
  });
  r.delete('/:id', async (req, res) => {
    const id = intParam(req.params.id, 'group');
    const members = await d.groups.members(id);
    if (!(await d.groups.delete(id))) throw notFound('no such camera group');
    d.rightsChanged(members);
    res.status(204).end();
  });
  return r;
}
