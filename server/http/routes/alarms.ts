/**
 * Alarms: GET /api/alarms?status=open|all&camera=… · GET /api/alarms/stats?camera=&days=30 · GET /api/alarms/:id ·
 * GET /api/alarms/:id/snapshot.jpg · POST /api/alarms/ack {ids, note?} (bulk, a result per id) ·
 * POST /api/alarms/:id/ack {note?} · POST /api/alarms/:id/dispatch {to, note?} or {guard, note?} (`to` or `guard` naming a
 * guard account sends it to the guard's phone, issue L point 2; other free text is a radio dispatch) ·
 * POST /api/alarms/:id/resolve {outcome: genuine|false_alarm|test, note?} (operator, supervisor, admin).
 * A step out of order is a 409. A resolve without `outcome` (clients older than issue H point 4) is still
 * accepted and stored without one ("unclassified" in the stats, not counted as genuine).
 */
import { Router } from 'express';
import { existsSync } from 'node:fs';
import type { AlarmService } from '../../alarms/service.ts';
import { badRequest, notFound } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';
import type { DispatchService } from '../../dispatch/service.ts';
import type { User, UserRepo } from '../../store/users.ts';
import { parseBody } from '../errors.ts';
import { ackSchema, bulkAckSchema, dispatchSchema, resolveSchema } from '../../../shared/wire/requests/alarms.ts';

/** Dispatch to a guard account (issue L point 2). */
export interface GuardDispatch {
  dispatch: DispatchService;
  users: UserRepo;
  canSee: (user: User, cameraId: string) => boolean;
}

function alarmId(raw: unknown): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw notFound(`no alarm ${String(raw)}`, { what: 'alarm', id: String(raw) });
  return id;
}

export function alarmsRouter(alarms: AlarmService, guards?: GuardDispatch): Router {
  const r = Router();
  const handle = requireRole('operator', 'supervisor', 'admin');

  r.get('/', async (req, res) => {
    const status = String(req.query.status ?? 'open');
    if (status !== 'open' && status !== 'all') throw badRequest('status must be open or all');
    const camera = typeof req.query.camera === 'string' && req.query.camera ? req.query.camera : undefined;
    res.set('Cache-Control', 'no-store').json({ alarms: await alarms.list(status, camera) });
  });
  r.get('/stats', async (req, res) => {
    const days = req.query.days === undefined || req.query.days === '' ? 30 : Number(req.query.days);
    if (!Number.isFinite(days) || days <= 0 || days > 3660) throw badRequest('days must be a number of days (1–3660)');
    const camera = typeof req.query.camera === 'string' && req.query.camera ? req.query.camera : undefined;
    res.set('Cache-Control', 'no-store').json({ days, zones: await alarms.stats({ days, cameraId: camera }) });
  });
  r.get('/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await alarms.require(alarmId(req.params.id)));
  });
  r.get('/:id/snapshot.jpg', async (req, res) => {
    const id = alarmId(req.params.id);
    await alarms.require(id);
    const p = await alarms.snapshotPath(id);
    if (!p || !existsSync(p)) throw notFound(`alarm ${id} has no snapshot`, { what: 'alarm_snapshot', id });
    res.set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=86400' }).sendFile(p);
  });
  r.post('/ack', handle, async (req, res) => {
    const b = parseBody(bulkAckSchema, req.body);
    const visible = res.locals.visibleCamera as ((id: string) => boolean) | undefined;
    res.json({ results: await alarms.acknowledgeMany(b.ids, req.user!.username, b.note || undefined, visible) });
  });
  r.post('/:id/ack', handle, async (req, res) => {
    const b = parseBody(ackSchema, req.body ?? {});
    res.json(await alarms.acknowledge(alarmId(req.params.id), req.user!.username, b.note || undefined));
  });
  r.post('/:id/dispatch', handle, async (req, res) => {
    const b = parseBody(dispatchSchema, req.body);
    const id = alarmId(req.params.id);
    // a guard account named by `guard`, or by `to` (free text that is not a guard's username stays a radio dispatch)
    const named = b.guard ?? b.to!;
    const found = guards?.users.byName(named);
    const guard = found && (found.role === 'guard' || b.guard !== undefined) ? found : undefined;
    if (b.guard !== undefined && !guard) throw badRequest(`no guard account "${b.guard}"`, 'not_a_guard', { what: 'no_account', name: b.guard });
    if (guard && guards) {
      const a = await alarms.require(id);
      if (guard.role === 'guard' && !guards.canSee(guard, a.cameraId)) {
        throw badRequest(`guard ${guard.username} may not see camera ${a.cameraId}`, 'guard_cannot_see_camera', { guard: guard.username, camera: a.cameraId });
      }
      return void res.json((await guards.dispatch.dispatch(id, req.user!.username, guard, b.note || undefined)).alarm);
    }
    res.json(await alarms.dispatch(id, req.user!.username, b.to ?? named, b.note || undefined));
  });
  r.post('/:id/resolve', handle, async (req, res) => {
    const b = parseBody(resolveSchema, req.body ?? {});
    res.json(await alarms.resolve(alarmId(req.params.id), req.user!.username, b.note || undefined, b.outcome ?? null));
  });
  return r;
}
