/** Minimal user management (admin only): list and create users with a role. */
import { Router } from 'express';
import { z } from 'zod';
import { hashPassword } from '../../auth/password.ts';
import type { Db } from '../../store/db.ts';
import { ROLES, type UserRepo } from '../../store/users.ts';
import { conflict } from '../../util/errors.ts';
import { createLogger } from '../../util/log.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';

const log = createLogger('users');
const createSchema = z.strictObject({
  username: z.string().trim().min(1, 'is required').max(64).regex(/^[^\s:]+$/, 'no spaces or colons'),
  password: z.string().min(8, 'at least 8 characters').max(500),
  role: z.enum(ROLES),
});

export function usersRouter(users: UserRepo, db: Db): Router {
  const r = Router();
  r.use(requireRole('admin'));
  r.get('/', (_req, res) => {
    const rows = db.prepare('SELECT id, username, role, disabled, created_at FROM users ORDER BY id').all() as {
      id: number; username: string; role: string; disabled: number; created_at: number;
    }[];
    res.json(rows.map((u) => ({ id: u.id, username: u.username, role: u.role, disabled: u.disabled === 1, createdAt: u.created_at })));
  });
  r.post('/', async (req, res) => {
    const body = parseBody(createSchema, req.body);
    if (users.findForLogin(body.username)) throw conflict(`user "${body.username}" exists`, 'exists');
    const u = users.create(body.username, await hashPassword(body.password), body.role);
    log.info('user created', { user: u.username, role: u.role, by: req.user?.username });
    res.status(201).json(u);
  });
  return r;
}
