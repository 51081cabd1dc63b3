/**
 * Sessions (issue G): everyone lists and revokes their own; an admin lists and revokes anyone's
 * (`?all=1`, `?user=ID`). Revoking ends the session's live event streams at once.
 */
import { Router } from 'express';
import type { SessionRepo } from '../../store/sessions.ts';
import { badRequest, notFound } from '../../util/errors.ts';
import { intParam } from './patrol.ts';

export function sessionsRouter(sessions: SessionRepo): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const u = req.user!;
    const admin = u.role === 'admin';
    let userId: number | undefined = u.id;
    if (req.query.all === '1') {
      if (!admin) throw badRequest('all: only an admin lists everyone\'s sessions');
      userId = undefined;
    } else if (typeof req.query.user === 'string') {
      const other = intParam(req.query.user, 'user');
      if (!admin && other !== u.id) throw notFound('no such user');
      userId = other;
    }
    const current = req.sessionToken ? sessions.idOf(req.sessionToken) : undefined;
    res.set('Cache-Control', 'no-store').json((await sessions.list(userId)).map((s) => ({ ...s, current: s.id === current })));
  });
  r.delete('/:id', async (req, res) => {
    const id = intParam(req.params.id, 'session');
    const u = req.user!;
    const mine = (await sessions.list(u.id)).some((s) => s.id === id);
    if (!mine && u.role !== 'admin') throw notFound('no such session');
    if ((await sessions.revoke(id)) === undefined) throw notFound('no such session');
    res.status(204).end();
  });
  return r;
}
