import type { Request, RequestHandler, Response } from 'express';
import type { SessionRepo } from '../store/sessions.ts';
import type { Role, User } from '../store/users.ts';
import { forbidden, unauthenticated } from '../util/errors.ts';

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

/** Resolves the session cookie into req.user; 401 when there is none. */
export function requireSession(sessions: SessionRepo): RequestHandler {
  return (req, _res, next) => {
    const token = readCookie(req, SESSION_COOKIE);
    const user = token ? sessions.resolve(token) : undefined;
    if (!user) return next(unauthenticated());
    req.user = user;
    req.sessionToken = token;
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user || !roles.includes(req.user.role)) return next(forbidden(`needs role ${roles.join(' or ')}`));
    next();
  };
}
