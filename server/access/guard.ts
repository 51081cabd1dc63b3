/**
 * The HTTP side of per-camera rights (issue G), mounted once after the session check on /api and /hls:
 *  1. the request names a camera — in its path (`/api/cameras/:id/…`, `/hls/:id/…`, `/api/onvif/cameras/:id/…`),
 *     through a record it addresses (an alarm, a guard dispatch, a recording segment, a duty-log entry, an export, a lock, a
 *     patrol route or round), in `?camera=`, or in the body (`camera`, `cameraId`, `cameras`, route `stops`) —
 *     and the user may not see it: 404, as if it did not exist;
 *  2. every JSON response to a user with limited rights has the records of hidden cameras removed
 *     (rights.ts filterVisible), so lists, reports and handover items only carry visible cameras.
 * Users who see everything pay nothing.
 */
import type { RequestHandler } from 'express';
import type { Db } from '../store/db.ts';
import { notFound } from '../util/errors.ts';
import { filterVisible, type RightsService } from './rights.ts';

type Resolver = (id: string) => string[] | undefined | Promise<string[] | undefined>;

export interface GuardSources {
  /** the camera of an alarm, through the SQL layer (alarms are not in the legacy handle's reach on PostgreSQL) */
  alarmCamera?: (id: number) => Promise<string | undefined>;
}

/** Path patterns whose first capture is a camera id, or a record id resolved to its cameras. */
function resolvers(db: Db, src: GuardSources): [RegExp, Resolver][] {
  const one = (sql: string): Resolver => (id) => {
    const r = db.prepare(sql).get(id) as { c: string } | undefined;
    return r ? [r.c] : undefined;
  };
  const json = (sql: string, pick: (v: unknown) => string[]): Resolver => (id) => {
    const r = db.prepare(sql).get(id) as { c: string } | undefined;
    if (!r) return undefined;
    try {
      return pick(JSON.parse(r.c));
    } catch {
      return [];
    }
  };
  const stopsOf = (v: unknown) => (Array.isArray(v) ? v.map((s) => String((s as { cameraId?: unknown }).cameraId)) : []);
  return [
    [/^\/api\/cameras\/([^/]+)/, (id) => [id]],
    [/^\/api\/onvif\/cameras\/([^/]+)/, (id) => [id]],
    [/^\/hls\/([^/]+)\//, (id) => [id]],
    [/^\/api\/alarms\/(\d+)/, src.alarmCamera ? async (id) => {
      const c = await src.alarmCamera!(Number(id));
      return c === undefined ? undefined : [c];
    } : one('SELECT camera_id AS c FROM alarms WHERE id = ?')],
    [/^\/api\/dispatches\/(\d+)/, one('SELECT camera_id AS c FROM dispatches WHERE id = ?')],
    [/^\/api\/recordings\/(\d+)/, one('SELECT camera_id AS c FROM segments WHERE id = ?')],
    [/^\/api\/dutylog\/(\d+)/, one('SELECT camera_id AS c FROM duty_log WHERE seq = ? AND camera_id IS NOT NULL')],
    [/^\/api\/locks\/(\d+)/, one('SELECT camera_id AS c FROM evidence_locks WHERE id = ?')],
    [/^\/api\/exports\/([^/]+)/, json('SELECT camera_ids AS c FROM exports WHERE id = ?', (v) => (Array.isArray(v) ? v.map(String) : []))],
    [/^\/api\/patrol\/routes\/(\d+)/, json('SELECT stops_json AS c FROM patrol_routes WHERE id = ?', stopsOf)],
    [/^\/api\/patrol\/rounds\/(\d+)/, json(`SELECT json_group_array(camera_id) AS c FROM patrol_stops WHERE round_id = ?`, (v) => (Array.isArray(v) ? v.map(String) : []))],
  ];
}

/** Camera ids a request body names. */
function bodyCameras(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, unknown>;
  const out: string[] = [];
  for (const k of ['camera', 'cameraId']) if (typeof b[k] === 'string') out.push(b[k]);
  if (Array.isArray(b.cameras)) for (const c of b.cameras) if (typeof c === 'string') out.push(c);
  if (Array.isArray(b.stops)) for (const s of b.stops) if (s && typeof (s as { cameraId?: unknown }).cameraId === 'string') out.push((s as { cameraId: string }).cameraId);
  return out;
}

/** Paths where a body's `cameras` are rights being granted, not cameras being used. */
const ADMIN_RIGHTS = /^\/api\/(users|camera-groups)(\/|$)/;

export function cameraGuard(rights: RightsService, db: Db, src: GuardSources = {}): RequestHandler {
  const table = resolvers(db, src);
  const routeCameras = table.find(([re]) => re.source.includes('patrol\\/routes'))![1];
  return async (req, res, next) => {
    const user = req.user;
    if (!user) return next();
    const r = rights.of(user);
    if (r.all) return next();
    const visible = (id: string) => r.cameras.has(id);
    const path = req.originalUrl.split('?')[0]!;
    const hidden = (ids: string[] | undefined) => ids !== undefined && !ids.every(visible);
    for (const [re, resolve] of table) {
      const m = re.exec(path);
      if (!m) continue;
      let id = m[1]!;
      try {
        id = decodeURIComponent(id);
      } catch {
        /* as is */
      }
      if (hidden(await resolve(id))) return next(notFound('not found'));
      break;
    }
    const q = req.query.camera ?? req.query.cameraId;
    if (typeof q === 'string' && q && !visible(q)) return next(notFound(`no camera "${q}"`, { what: 'camera', id: q }));
    if (!ADMIN_RIGHTS.test(path) && hidden(bodyCameras(req.body))) return next(notFound('no such camera'));
    const routeId = (req.body as { routeId?: unknown } | undefined)?.routeId;
    if (typeof routeId === 'number' && hidden(await routeCameras(String(routeId)))) return next(notFound(`no such route: ${routeId}`, { what: 'route', id: routeId }));
    res.locals.visibleCamera = visible; // for responses that are not JSON (CSV, HTML reports)
    const json = res.json.bind(res);
    // the camera list itself names cameras by `id`
    const isCameraList = req.method === 'GET' && /^\/api\/cameras\/?$/.test(path);
    res.json = (body: unknown) =>
      json(isCameraList && Array.isArray(body) ? body.filter((c) => visible(String((c as { id?: unknown }).id))) : filterVisible(body, visible));
    next();
  };
}
