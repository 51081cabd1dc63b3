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
import { AlarmRepo } from '../alarms/repo.ts';
import { ExportRepo } from '../evidence/jobs.ts';
import type { SqlDb } from '../store/sql/db.ts';
import { notFound } from '../util/errors.ts';
import { filterVisible, type RightsService } from './rights.ts';

type Resolver = (id: string) => Promise<string[] | undefined> | string[] | undefined;

export interface GuardSources {
  /** the camera of an alarm (the alarm service's, same table); without it the guard reads the alarms table itself */
  alarmCamera?: (id: number) => Promise<string | undefined>;
}

const jsonList = (text: string, pick: (v: unknown) => string[]): string[] => {
  try {
    return pick(JSON.parse(text));
  } catch {
    return [];
  }
};
const stopsOf = (v: unknown) => (Array.isArray(v) ? v.map((s) => String((s as { cameraId?: unknown }).cameraId)) : []);
/** ids of the tables whose key is `integer` on PostgreSQL (patrol routes and rounds, dispatches; alarms: AlarmRepo) */
const INT32 = 2 ** 31 - 1;
/** a path's number as a row id; anything else (too long, not safe, beyond the column's type) names no row */
const rowId = (id: string, max: number): number | undefined => {
  const n = Number(id);
  return Number.isSafeInteger(n) && n <= max ? n : undefined;
};

/**
 * Path patterns whose first capture is a camera id, or a record id resolved to its cameras. Every record (alarms,
 * dispatches, segments, duty-log entries, evidence locks, exports, patrol routes and rounds) is read through the
 * SQL layer: one code path for SQLite and PostgreSQL. Alarms through the alarm service when it is given.
 */
function resolvers(s: SqlDb, src: GuardSources): [RegExp, Resolver][] {
  const q = s.db;
  const alarms = AlarmRepo.of(s);
  const alarmCamera = src.alarmCamera ?? ((n: number) => alarms.cameraOf(n));
  const exportJobs = new ExportRepo(s);
  const byId = (fn: (n: number) => Promise<string[] | undefined>, max = Number.MAX_SAFE_INTEGER): Resolver => (id) => {
    const n = rowId(id, max);
    return n === undefined ? undefined : fn(n);
  };
  const camera = (r: { c: string } | undefined) => (r ? [r.c] : undefined);
  return [
    [/^\/api\/cameras\/([^/]+)/, (id) => [id]],
    [/^\/api\/onvif\/cameras\/([^/]+)/, (id) => [id]],
    [/^\/hls\/([^/]+)\//, (id) => [id]],
    [/^\/api\/alarms\/(\d+)/, async (id) => {
      const c = await alarmCamera(Number(id));
      return c === undefined ? undefined : [c];
    }],
    [/^\/api\/dispatches\/(\d+)/, byId(async (n) => camera(await q.selectFrom('dispatches').select('camera_id as c').where('id', '=', n).executeTakeFirst()), INT32)],
    [/^\/api\/recordings\/(\d+)/, byId(async (n) => camera(await q.selectFrom('segments').select('camera_id as c').where('id', '=', n).executeTakeFirst()))],
    [/^\/api\/dutylog\/(\d+)/, byId(async (n) => {
      const r = await q.selectFrom('duty_log').select('camera_id').where('seq', '=', n).executeTakeFirst();
      return r?.camera_id ? [r.camera_id] : undefined;
    })],
    [/^\/api\/locks\/(\d+)/, byId(async (n) => camera(await q.selectFrom('evidence_locks').select('camera_id as c').where('id', '=', n).executeTakeFirst()))],
    [/^\/api\/exports\/([^/]+)/, (id) => exportJobs.camerasOf(id)],
    [
      /^\/api\/patrol\/routes\/(\d+)/,
      byId(async (n) => {
        const r = await q.selectFrom('patrol_routes').select('stops_json').where('id', '=', n).executeTakeFirst();
        return r && jsonList(r.stops_json, stopsOf);
      }, INT32),
    ],
    // a round with no stops (or no such round) names no camera: [] as the legacy json_group_array gave
    [/^\/api\/patrol\/rounds\/(\d+)/, byId(async (n) => (await q.selectFrom('patrol_stops').select('camera_id').where('round_id', '=', n).execute()).map((r) => r.camera_id), INT32)],
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

/** Async where a record is looked up (Express 5 passes a rejected promise to the error handler). */
export function cameraGuard(rights: RightsService, s: SqlDb, src: GuardSources = {}): RequestHandler {
  const table = resolvers(s, src);
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
