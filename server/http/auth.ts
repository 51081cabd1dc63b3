import type { Request, RequestHandler, Response } from 'express';
import type { SessionRepo } from '../store/sessions.ts';
import type { Role, User } from '../store/users.ts';
import { AppError, forbidden, unauthenticated } from '../util/errors.ts';

export const SESSION_COOKIE = 'wp_session';

declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
    sessionToken?: string;
  }
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: '/',
    maxAge: maxAgeMs,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/**
 * What a wall-display account may do: watch the live wall, get alarm pop-ups (with a guard's photos) and show the
 * next patrol round due (the wall's banner). GET only.
 */
const WALL_ALLOWED = [/^\/api\/patrol\/due\/?$/, /^\/api\/wall-views(\/(\d+|groups))?\/?$/, /^\/api\/cameras\/?$/, /^\/api\/cameras\/[^/]+\/?$/, /^\/api\/events\/?$/, /^\/api\/alarms\/?$/, /^\/api\/alarms\/\d+(\/snapshot\.jpg)?\/?$/, /^\/api\/dispatches\/\d+\/photos\/\d+\/?$/, /^\/hls\//];

/**
 * Resolves the session cookie into req.user; 401 when there is none. The cookie is re-issued whenever the
 * session's expiry slides, so a wall that stays on never logs itself out. A user who must change their
 * password gets 403 password_change_required everywhere but the password change (and logout).
 */
export function requireSession(sessions: SessionRepo, opts: { allowPasswordChange?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req, SESSION_COOKIE);
    const s = token ? await sessions.resolveSliding(token) : undefined;
    if (!s) return next(unauthenticated());
    req.user = s.user;
    req.sessionToken = token;
    if (s.slid) setSessionCookie(req, res, token!, sessions.ttlMs);
    if (s.user.mustChangePassword && !opts.allowPasswordChange) {
      return next(new AppError(403, 'password_change_required', 'choose a new password first (POST /api/session/password)'));
    }
    next();
  };
}

/** After the camera guard (a hidden camera is 404 for a wall account too): the wall only watches. */
export const wallOnly: RequestHandler = (req, _res, next) => {
  if (req.user?.role !== 'wall') return next();
  if (req.method === 'GET' && WALL_ALLOWED.some((re) => re.test(req.originalUrl.split('?')[0]!))) return next();
  next(forbidden('a wall-display account only shows the live wall and alarm pop-ups'));
};

/** What a guard's phone may do (issue L point 2): its own dispatches (ownership is checked by the routes) and the event stream. */
const GUARD_ALLOWED: Record<string, RegExp[]> = {
  GET: [/^\/api\/events\/?$/, /^\/api\/dispatches\/mine\/?$/, /^\/api\/dispatches\/\d+(\/snapshot\.jpg|\/photos\/\d+)?\/?$/],
  POST: [/^\/api\/dispatches\/\d+\/(step|photos)\/?$/],
};

/** After the camera guard: a guard account sees the dispatches sent to it, nothing else of the console. */
export const guardOnly: RequestHandler = (req, _res, next) => {
  if (req.user?.role !== 'guard') return next();
  const path = req.originalUrl.split('?')[0]!;
  if ((GUARD_ALLOWED[req.method] ?? []).some((re) => re.test(path))) return next();
  next(forbidden('a guard account only sees the dispatches sent to it (/guard)'));
};

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user || !roles.includes(req.user.role)) return next(forbidden(`needs role ${roles.join(' or ')}`, { what: 'role', roles: roles.join(', ') }));
    next();
  };
}
