/**
 * Dispatch to a guard's phone (issue L point 2):
 *  GET  /api/dispatches/mine                  the guard's own dispatches (open ones, and those handled in the last 12 h)
 *  GET  /api/dispatches/guards                guard accounts the post can dispatch to (operator, supervisor, admin)
 *  GET  /api/dispatches/times?from=&to=       response times per local day and the dispatches (compliance)
 *  GET  /api/dispatches/:id                   one dispatch (the addressed guard, or the post)
 *  GET  /api/dispatches/:id/snapshot.jpg      the alarm's snapshot
 *  GET  /api/dispatches/:id/photos/:n         a photo the guard took
 *  POST /api/dispatches/:id/step {step: on_way|arrived|handled, note?}   the addressed guard only (403), in order (409)
 *  POST /api/dispatches/:id/photos            the photo as the raw body, Content-Type image/jpeg or image/png,
 *                                             at most 8 MB, at most 3 per dispatch, after on_way and before handled
 * A dispatch is made with POST /api/alarms/:id/dispatch {to: <guard username>} or {guard: <username>}.
 */
import express, { Router, type RequestHandler } from 'express';
import { existsSync } from 'node:fs';
import type { AlarmService } from '../../alarms/service.ts';
import type { DispatchService } from '../../dispatch/service.ts';
import { dispatchTimes } from '../../dispatch/times.ts';
import type { UserRepo } from '../../store/users.ts';
import { badRequest, notFound } from '../../util/errors.ts';
import { INT32_MAX } from '../../store/sql/filters.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';
import { MAX_PHOTO_BYTES, type GuardAccount } from '../../../shared/wire/dispatch.ts';
import { stepSchema } from '../../../shared/wire/requests/dispatches.ts';


function idOf(raw: unknown, what = 'dispatch'): number {
  const id = Number(raw);
  // beyond an `integer` key (PostgreSQL would refuse to compare it: a 500): no such row
  if (!Number.isInteger(id) || id <= 0 || id > INT32_MAX) throw notFound(`no ${what} ${String(raw)}`, { what, id: String(raw) });
  return id;
}

/** The raw photo body; too large is a 400 (not body-parser's 413) so the phone shows one clear message. */
const photoBody: RequestHandler = (req, res, next) => {
  express.raw({ type: () => true, limit: MAX_PHOTO_BYTES })(req, res, (err?: unknown) => {
    if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
      return next(badRequest(`a photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`, 'photo_too_large', { mb: MAX_PHOTO_BYTES / 1024 / 1024 }));
    }
    next(err);
  });
};

export function dispatchesRouter(d: { dispatch: DispatchService; alarms: AlarmService; users: UserRepo }): Router {
  const r = Router();
  const guardOnly = requireRole('guard');

  r.get('/mine', guardOnly, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ dispatches: await d.dispatch.mine(req.user!.id), acceptSeconds: d.dispatch.acceptMs / 1000 });
  });
  r.get('/guards', requireRole('operator', 'supervisor', 'admin'), async (_req, res) => {
    const guards: GuardAccount[] = (await d.users.list())
      .filter((u) => u.role === 'guard' && !u.disabled)
      .map((u) => ({ id: u.id, username: u.username, displayName: u.displayName ?? null }));
    res.set('Cache-Control', 'no-store').json({ guards });
  });
  r.get('/times', requireRole('operator', 'supervisor', 'admin', 'investigator'), async (req, res) => {
    const date = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    res.set('Cache-Control', 'no-store').json(await dispatchTimes(d.dispatch.repo, { from: date(req.query.from), to: date(req.query.to), now: Date.now() }, d.dispatch));
  });
  r.get('/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await d.dispatch.forUser(idOf(req.params.id), req.user!));
  });
  r.get('/:id/snapshot.jpg', async (req, res) => {
    const x = await d.dispatch.forUser(idOf(req.params.id), req.user!);
    const p = await d.alarms.snapshotPath(x.alarmId);
    if (!p || !existsSync(p)) throw notFound(`alarm ${x.alarmId} has no snapshot`, { what: 'alarm_snapshot', id: x.alarmId });
    res.set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=86400' }).sendFile(p);
  });
  r.get('/:id/photos/:n', async (req, res) => {
    const x = await d.dispatch.forUser(idOf(req.params.id), req.user!);
    const p = await d.dispatch.photoPath(x.id, idOf(req.params.n, 'photo'));
    if (!p || !existsSync(p.path)) throw notFound(`dispatch ${x.id} has no photo ${req.params.n}`, { what: 'dispatch_photo', id: x.id, n: String(req.params.n) });
    res.set({ 'Content-Type': p.mime, 'Cache-Control': 'private, max-age=86400' }).sendFile(p.path);
  });
  r.post('/:id/step', guardOnly, express.json({ limit: '64kb' }), async (req, res) => {
    const b = parseBody(stepSchema, req.body);
    res.json(await d.dispatch.step(idOf(req.params.id), req.user!, b.step, b.note || undefined));
  });
  r.post('/:id/photos', guardOnly, photoBody, async (req, res) => {
    res.status(201).json(await d.dispatch.addPhoto(idOf(req.params.id), req.user!, req.body));
  });
  return r;
}
