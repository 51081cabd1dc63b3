/**
 * User lifecycle (admin; issue G): list, create, change role / rights / display name, disable and enable,
 * reset a password (the user must choose a new one at next login). Users are never deleted: records name them.
 * Disabling a user or changing their role, rights or password ends their sessions and live streams at once.
 * The last enabled admin cannot be disabled or demoted.
 */
import { Router } from 'express';
import { hashPassword } from '../../auth/password.ts';
import { passwordProblem } from '../../auth/password-policy.ts';
import type { CameraGroupRepo } from '../../store/camera-groups.ts';
import type { SessionRepo } from '../../store/sessions.ts';
import { LastAdminError, type User, type UserRepo } from '../../store/users.ts';
import type { UserView } from '../../../shared/wire/users.ts';
import { AppError, badRequest, conflict, notFound } from '../../util/errors.ts';
import { createLogger } from '../../util/log.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';
import { intParam } from './patrol.ts';
import { createSchema, patchSchema, resetSchema } from '../../../shared/wire/requests/users.ts';
import { isUniqueViolation } from '../../store/sql/errors.ts';

const log = createLogger('users');

export interface UsersDeps {
  users: UserRepo;
  sessions: SessionRepo;
  groups: CameraGroupRepo;
  cameraExists: (id: string) => boolean;
}

export function checkPassword(password: string, username: string): void {
  const p = passwordProblem(password, username);
  if (p) throw new AppError(400, 'weak_password', `password: ${p}`, {}, { params: { problem: p } });
}

/** Unknown camera or group ids in rights are a 400 naming them. */
function checkRights(d: UsersDeps, cameras: string[] | null | undefined, groups: number[] | undefined): void {
  const badCams = (cameras ?? []).filter((c) => !d.cameraExists(c));
  if (badCams.length) throw badRequest(`cameras: unknown camera ${badCams.map((c) => `"${c}"`).join(', ')}`, 'unknown_camera', { ids: badCams.join(', ') });
  const badGroups = (groups ?? []).filter((g) => !d.groups.get(g));
  if (badGroups.length) throw badRequest(`groups: unknown camera group ${badGroups.join(', ')}`, 'unknown_group', { ids: badGroups.join(', ') });
}

export const userView = (u: User & { createdAt?: number }): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName ?? null,
  role: u.role,
  disabled: u.disabled,
  mustChangePassword: u.mustChangePassword ?? false,
  cameras: u.cameras ?? null,
  groups: u.groups ?? [],
  ...(u.createdAt !== undefined ? { createdAt: u.createdAt } : {}),
});

export function usersRouter(d: UsersDeps): Router {
  const r = Router();
  const exists = (name: string) => conflict(`user "${name}" exists`, 'exists', { what: 'user', name });
  r.use(requireRole('admin'));
  r.get('/', async (_req, res) => {
    res.json((await d.users.list()).map(userView));
  });
  r.post('/', async (req, res) => {
    const body = parseBody(createSchema, req.body);
    if (await d.users.findForLogin(body.username)) throw exists(body.username);
    checkPassword(body.password, body.username);
    checkRights(d, body.cameras, body.groups);
    const u = await d.users.create(body.username, await hashPassword(body.password), body.role, body.displayName ?? null).catch((err: unknown) => {
      throw isUniqueViolation(err) ? exists(body.username) : err; // lost a race with another of the same name
    });
    const full = body.cameras !== undefined || body.groups !== undefined ? (await d.users.update(u.id, { cameras: body.cameras, groups: body.groups }))! : u;
    log.info('user created', { user: u.username, role: u.role, by: req.user?.username });
    res.status(201).location(`/api/users/${u.id}`).json(userView(full));
  });
  r.get('/:id', (req, res) => {
    const u = d.users.get(intParam(req.params.id, 'user'));
    if (!u) throw notFound('no such user');
    res.json(userView(u));
  });
  r.patch('/:id', async (req, res) => {
    const id = intParam(req.params.id, 'user');
    const before = d.users.get(id);
    if (!before) throw notFound('no such user');
    const body = parseBody(patchSchema, req.body);
    checkRights(d, body.cameras, body.groups);
    const losesAdmin = before.role === 'admin' && !before.disabled && ((body.role !== undefined && body.role !== 'admin') || body.disabled === true);
    if (losesAdmin && d.users.activeAdmins() <= 1) throw conflict('this is the last enabled admin: make another admin first', 'last_admin');
    const after = (await d.users.update(id, body).catch((err: unknown) => {
      throw err instanceof LastAdminError ? conflict(err.message, 'last_admin') : err; // lost a race with another demotion
    }))!;
    const cut =
      (body.role !== undefined && body.role !== before.role) ||
      (body.disabled === true && !before.disabled) ||
      body.cameras !== undefined ||
      body.groups !== undefined;
    if (cut) await d.sessions.revokeUser(id);
    log.info('user updated', { user: after.username, fields: Object.keys(body), sessionsEnded: cut, by: req.user?.username });
    res.json(userView(after));
  });
  r.post('/:id/password', async (req, res) => {
    const id = intParam(req.params.id, 'user');
    const u = d.users.get(id);
    if (!u) throw notFound('no such user');
    const { password } = parseBody(resetSchema, req.body);
    checkPassword(password, u.username);
    await d.users.setPassword(id, await hashPassword(password), true);
    await d.sessions.revokeUser(id);
    log.info('password reset', { user: u.username, by: req.user?.username });
    res.json(userView(d.users.get(id)!));
  });
  r.get('/:id/sessions', async (req, res) => {
    res.json(await d.sessions.list(intParam(req.params.id, 'user')));
  });
  return r;
}
