/**
 * Audit hooks for the HTTP layer, as middlewares so the routers they watch stay unaware of them:
 *  - auditLogins: POST/DELETE /api/session → `login`, `login.failed`, `login.rate_limited`, `logout`
 *  - auditChanges: mutating requests on cameras, users, zones and config → `<kind>.create|update|delete`,
 *    and `<kind>.denied` when the role was refused; field names are recorded, secrets never
 *  - auditLiveViews: live playlist polling under /hls → ViewTracker (`live.view.start` / `live.view.stop`)
 * Entries are written when the response has finished, with the status the client actually got.
 */
import type { Request, RequestHandler } from 'express';
import type { UserRepo } from '../store/users.ts';
import { stripCredentials } from '../cameras/types.ts';
import type { AuditActor, AuditLog } from './log.ts';
import type { ViewTracker } from './views.ts';

export const clientIp = (req: Request): string | null => req.ip ?? req.socket.remoteAddress ?? null;

export function actorOf(req: Request): AuditActor {
  const u = req.user;
  return { id: u?.id ?? null, username: u?.username ?? null, role: u?.role ?? null, ip: clientIp(req) };
}

export function auditLogins(audit: AuditLog, users: UserRepo): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const ip = clientIp(req);
      const body = (req.body ?? {}) as { username?: unknown };
      const name = typeof body.username === 'string' ? body.username.slice(0, 100) : null;
      if (req.method === 'POST') {
        if (res.statusCode === 200 && name) {
          const u = users.byName(name); // the login just refreshed it in the cache
          audit.record({ action: 'login', actor: { id: u?.id ?? null, username: u?.username ?? name, role: u?.role ?? null, ip } });
        } else if (res.statusCode === 401) {
          audit.record({ action: 'login.failed', actor: { username: name, ip } });
        } else if (res.statusCode === 429) {
          audit.record({ action: 'login.rate_limited', actor: { username: name, ip } });
        }
      } else if (req.method === 'DELETE' && res.statusCode === 204 && req.user) {
        audit.record({ action: 'logout', actor: actorOf(req) });
      }
    });
    next();
  };
}

/** Which resource a mutating /api path changes (mounted at /api: req.path is relative to it). */
export function changeKind(path: string, method = 'POST'): { kind: string; id: string | null; action?: string; deniedOnly?: boolean } | undefined {
  const p = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  // POST /cameras/test probes a source: not a change (PATCH/DELETE /cameras/test is the camera with id "test")
  if (p[0] === 'cameras' && p[1] === 'test' && p.length === 2 && method === 'POST') return undefined;
  if (p[0] === 'cameras') {
    const zi = p.indexOf('zones');
    if (zi > 0 && p[zi + 1] === 'relearn') return { kind: 'zone', id: p[1] ?? null, action: 'zone.relearn' };
    if (zi > 0) return { kind: 'zone', id: p[zi + 1] ?? p[1] ?? null };
    return { kind: 'camera', id: p[1] ?? null };
  }
  if (p[0] === 'users') return { kind: 'user', id: p[1] ?? null };
  if (p[0] === 'camera-groups') return { kind: 'camera_group', id: p[1] ?? null };
  // operations that are not a create/update/delete of their resource get their own action name
  if (p[0] === 'alarms' && p[2] && ['ack', 'dispatch', 'resolve'].includes(p[2])) return { kind: 'alarm', id: p[1]!, action: `alarm.${p[2]}` };
  if (p[0] === 'alarms' && p[1] === 'ack') return { kind: 'alarm', id: null, action: 'alarm.ack' };
  // a guard's answers to a dispatch (issue L point 2): on my way / arrived / handled, and each photo
  if (p[0] === 'dispatches' && p[2] === 'step') return { kind: 'dispatch', id: p[1]!, action: 'dispatch.step' };
  if (p[0] === 'dispatches' && p[2] === 'photos') return { kind: 'dispatch', id: p[1]!, action: 'dispatch.photo' };
  if (p[0] === 'onvif' && p[1] === 'probe') return { kind: 'onvif', id: null, action: 'onvif.probe' };
  if (p[0] === 'onvif' && p[1] === 'cameras' && p[3] === 'presets' && p[5] === 'goto') return { kind: 'ptz', id: p[2]!, action: 'ptz.goto' };
  // manual PTZ: a gesture is audited once as ptz.move by PtzControl (not each repeat); only a refusal here
  if (p[0] === 'onvif' && p[1] === 'cameras' && p[3] === 'ptz' && (p[4] === 'move' || p[4] === 'stop')) return { kind: 'ptz', id: p[2]!, action: `ptz.${p[4]}`, deniedOnly: true };
  if (p[0] === 'onvif' && p[1] === 'cameras' && !p[2]) return { kind: 'onvif', id: null, action: 'onvif.onboard' };
  if (p[0] === 'discovery') return { kind: 'onvif', id: null, action: 'onvif.discover' };
  if (p[0] === 'patrol' && p[1] === 'routes') return { kind: 'patrol_route', id: p[2] ?? null };
  if (p[0] === 'sessions') return { kind: 'session', id: p[1] ?? null };
  if (p[0] === 'zones') return { kind: 'zone', id: p[1] ?? null };
  if (p[0] === 'config' || p[0] === 'settings') return { kind: 'config', id: p[1] ?? null };
  return undefined;
}

const SECRET_RE = /pass|secret|token|key|credential/i;

/** Changed fields: names always, values only when short, not secret, and with credentials stripped. */
export function describeFields(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // a raw upload (a dispatch photo): its size, not its bytes
  if (Buffer.isBuffer(body)) return { bytes: body.length };
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>).slice(0, 40)) {
    if (SECRET_RE.test(k)) out[k] = '(changed)';
    else if (typeof v === 'string') out[k] = stripCredentials(v).slice(0, 200);
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out[k] = v;
    else out[k] = '(object)';
  }
  return out;
}

const VERB: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

export function auditChanges(audit: AuditLog): RequestHandler {
  return (req, res, next) => {
    const verb = VERB[req.method];
    const what = verb ? changeKind(req.path, req.method) : undefined;
    if (!verb || !what) return next();
    const path = req.originalUrl.split('?')[0]!.slice(0, 200);
    res.on('finish', () => {
      const s = res.statusCode;
      if (s === 403) {
        const cameraId = what.kind === 'camera' || what.kind === 'zone' || what.kind === 'ptz' ? what.id : null;
        audit.record({ action: `${what.kind}.denied`, actor: actorOf(req), cameraId, target: what.id, detail: { method: req.method, path } });
        return;
      }
      if (s < 200 || s >= 300 || what.deniedOnly) return;
      // a sub-resource action (POST /users/5/password) is an update of its parent
      const action = what.action ?? `${what.kind}.${verb === 'create' && what.id ? 'update' : verb}`;
      const loc = res.getHeader('location');
      const target = what.id ?? (typeof loc === 'string' ? decodeURIComponent(loc.split('/').pop() ?? '') : null);
      audit.record({
        action,
        actor: actorOf(req),
        cameraId: what.kind === 'camera' || what.kind === 'zone' || what.kind === 'ptz' ? (path.match(/\/cameras\/([^/]+)/)?.[1] ?? target) : null,
        target,
        detail: { method: req.method, path, fields: describeFields(req.body) },
      });
    });
    next();
  };
}

const LIVE_PLAYLIST_RE = /^\/([a-z0-9][a-z0-9_-]{0,62})\/(?:main\/)?index\.m3u8$/;

/** Mount under /hls after the session check: every served live playlist counts as watching. */
export function auditLiveViews(views: ViewTracker): RequestHandler {
  return (req, res, next) => {
    const m = req.method === 'GET' ? LIVE_PLAYLIST_RE.exec(req.path) : null;
    if (m && req.user && req.sessionToken) {
      const cameraId = m[1]!;
      const session = req.sessionToken;
      res.on('finish', () => {
        if (res.statusCode === 200) views.touch({ session, actor: actorOf(req), cameraId, kind: 'live' });
      });
    }
    next();
  };
}
