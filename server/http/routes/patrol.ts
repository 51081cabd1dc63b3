/** Patrol routes, due rounds, doing rounds, spot-checks and compliance (docs/patrol.md). */
import { Router, type Request } from 'express';
import { existsSync } from 'node:fs';
import type { Patrol } from '../../patrol/index.ts';
import type { Actor, Round, RouteInput } from '../../patrol/types.ts';
import { AppError, badRequest, notFound } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';
import { confirmSchema, reasonSchema, routeSchema, spotSchema, startSchema } from '../../../shared/wire/requests/patrol.ts';


export const actor = (req: Request): Actor => ({ id: req.user!.id, username: req.user!.username, role: req.user!.role });

/** The largest id of a table whose ids are `integer` (32-bit on PostgreSQL: users, groups, routes, rounds …). */
export const MAX_ROW_ID = 2 ** 31 - 1;

/**
 * A numeric id from the path or query: anything else, or an id no row can have (beyond `max`: PostgreSQL would
 * refuse to compare it with an `integer` column, a 500), is a 404 "no such …". The duty log's seq is 64-bit: `max`.
 */
export function intParam(v: unknown, what: string, max = MAX_ROW_ID): number {
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n > max) throw notFound(`no such ${what}: ${String(v)}`, { what, id: String(v) });
  return n;
}

/** Optional epoch-ms query parameter. */
export function msQuery(v: unknown, what: string, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw badRequest(`${what}: must be epoch milliseconds`, 'invalid_request', { what: 'epoch_ms', field: what });
  // issue F: out-of-range times are a 400, never a 500 from new Date(…).toISOString()
  if (n > 253402300799999) throw badRequest(`${what}: out of range (expected a time before 9999-12-31)`, 'time_out_of_range', { field: what });
  return n;
}

export interface PatrolRouterDeps {
  patrol: Patrol;
  snapshotPath: (file: string) => string | undefined;
}

export function patrolRouter({ patrol, snapshotPath }: PatrolRouterDeps): Router {
  const r = Router();
  const doer = requireRole('operator', 'supervisor', 'admin');
  const boss = requireRole('supervisor', 'admin');
  const viewer = requireRole('supervisor', 'admin', 'investigator');

  const checkCameras = (input: RouteInput) => {
    const bad = input.stops.filter((s) => patrol.cameras.name(s.cameraId) === undefined).map((s) => s.cameraId);
    if (bad.length) throw new AppError(400, 'unknown_camera', `stops: no camera ${bad.map((b) => `"${b}"`).join(', ')}`, {}, { params: { ids: bad.join(', ') } });
  };

  /** A round with its grade as of now and the on-time deadline (the stepper shows them when the round ends). */
  const graded = async (round: Round): Promise<Round> => {
    const route = await patrol.routes.get(round.routeId);
    return route ? { ...round, ...patrol.compliance.result(route, round) } : round;
  };

  r.get('/routes', async (req, res) => res.json(await patrol.routes.list(req.query.all === '1')));
  r.get('/routes/:id', async (req, res) => {
    const route = await patrol.routes.get(intParam(req.params.id, 'route'));
    if (!route) throw notFound('no such route');
    res.json(route);
  });
  r.post('/routes', boss, async (req, res) => {
    const input = parseBody(routeSchema, req.body);
    checkCameras(input);
    res.status(201).json(await patrol.routes.create(input));
  });
  r.put('/routes/:id', boss, async (req, res) => {
    const id = intParam(req.params.id, 'route');
    if (!(await patrol.routes.get(id))) throw notFound('no such route');
    const input = parseBody(routeSchema, req.body);
    checkCameras(input);
    const route = await patrol.routes.update(id, input);
    if (!route) throw notFound('no such route');
    res.json(route);
  });

  r.get('/shifts', (_req, res) => res.json(patrol.compliance.shiftList));
  r.get('/due', async (_req, res) => res.json({ now: patrol.clock.now(), items: await patrol.compliance.due() }));

  r.get('/rounds/current', async (req, res) => res.json({ round: (await patrol.rounds.current(actor(req))) ?? null, now: patrol.clock.now() }));
  r.get('/rounds', async (req, res) => {
    const me = actor(req);
    const now = patrol.clock.now();
    const list = await patrol.roundRepo.list({
      from: msQuery(req.query.from, 'from', now - 7 * 24 * 3600_000),
      to: msQuery(req.query.to, 'to', now + 1),
      userId: me.role === 'operator' ? me.id : req.query.user ? Number(req.query.user) : undefined,
      routeId: req.query.route ? Number(req.query.route) : undefined,
      limit: 500,
    });
    res.json(list);
  });
  r.get('/rounds/:id', async (req, res) => {
    const me = actor(req);
    const round = await patrol.rounds.require(intParam(req.params.id, 'round'));
    if (me.role === 'operator' && round.userId !== me.id) throw new AppError(403, 'forbidden', `round ${round.id} belongs to ${round.username}`, {}, { params: { what: 'round', id: round.id, owner: round.username } });
    res.json({ ...(await graded(round)), spotChecks: await patrol.roundRepo.spotChecks(round.id) });
  });
  r.post('/rounds', doer, async (req, res) => {
    const { routeId } = parseBody(startSchema, req.body);
    res.status(201).json(await patrol.rounds.start(actor(req), routeId));
  });
  r.post('/rounds/:id/stops/:idx/confirm', doer, async (req, res) => {
    const body = parseBody(confirmSchema, req.body);
    res.json(await graded(await patrol.rounds.confirm(actor(req), intParam(req.params.id, 'round'), intParam(req.params.idx, 'stop'), body)));
  });
  r.post('/rounds/:id/stops/:idx/skip', doer, async (req, res) => {
    const { reason } = parseBody(reasonSchema, req.body);
    res.json(await graded(await patrol.rounds.skip(actor(req), intParam(req.params.id, 'round'), intParam(req.params.idx, 'stop'), reason)));
  });
  r.post('/rounds/:id/abandon', doer, async (req, res) => {
    const { reason } = parseBody(reasonSchema, req.body);
    res.json(await graded(await patrol.rounds.abandon(actor(req), intParam(req.params.id, 'round'), reason)));
  });
  r.post('/rounds/:id/stops/:idx/spot-check', boss, async (req, res) => {
    const { verdict, note } = parseBody(spotSchema, req.body);
    res.status(201).json(await patrol.review.spotCheck(actor(req), intParam(req.params.id, 'round'), intParam(req.params.idx, 'stop'), verdict, note));
  });
  r.get('/rounds/:id/stops/:idx/snapshot.jpg', async (req, res, next) => {
    const me = actor(req);
    const round = await patrol.rounds.require(intParam(req.params.id, 'round'));
    if (me.role === 'operator' && round.userId !== me.id) throw new AppError(403, 'forbidden', 'not your round');
    const file = await patrol.roundRepo.snapshotFile(round.id, intParam(req.params.idx, 'stop'));
    const p = file ? snapshotPath(file) : undefined;
    if (!p || !existsSync(p)) throw notFound('this stop has no snapshot');
    res.sendFile(p, { headers: { 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=3600' } }, (err) => {
      if (err && !res.headersSent) next(notFound('snapshot gone'));
    });
  });

  r.get('/compliance', viewer, async (req, res) => {
    const now = patrol.clock.now();
    const to = msQuery(req.query.to, 'to', now);
    const from = msQuery(req.query.from, 'from', to - 24 * 3600_000);
    if (to <= from || to - from > 62 * 24 * 3600_000) throw badRequest('from/to: a range of at most 62 days');
    res.json(await patrol.compliance.compliance(from, to));
  });

  return r;
}
