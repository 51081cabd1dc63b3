import { Router, type Request } from 'express';
import { z } from 'zod';
import { verifyPassword } from '../../auth/password.ts';
import type { FailureLimiter } from '../../auth/rate-limit.ts';
import type { SessionRepo } from '../../store/sessions.ts';
import type { UserRepo } from '../../store/users.ts';
import { AppError } from '../../util/errors.ts';
import { createLogger } from '../../util/log.ts';
import { parseBody } from '../errors.ts';
import { clearSessionCookie, requireSession, setSessionCookie } from '../auth.ts';

const log = createLogger('auth');
const loginSchema = z.strictObject({
  username: z.string().min(1, 'is required').max(100),
  password: z.string().min(1, 'is required').max(500),
});

// A hash to verify against when the user does not exist, so timing does not reveal usernames.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface SessionDeps {
  users: UserRepo;
  sessions: SessionRepo;
  limiter: FailureLimiter;
  ttlMs: number;
}

const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

export function sessionRouter({ users, sessions, limiter, ttlMs }: SessionDeps): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const { username, password } = parseBody(loginSchema, req.body);
    const ip = clientIp(req);
    const keys = [`user:${username.toLowerCase()}`, `ip:${ip}`];
    const wait = limiter.retryAfterMs(keys);
    if (wait > 0) {
      const secs = Math.ceil(wait / 1000);
      throw new AppError(429, 'rate_limited', `too many failed logins; try again in ${secs} s`, {
        'Retry-After': String(secs),
      });
    }
    const found = users.findForLogin(username);
    const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
    if (!found || !ok || found.user.disabled) {
      limiter.fail(keys);
      log.warn('login failed', { username, ip });
      throw new AppError(401, 'bad_credentials', 'wrong username or password');
    }
    limiter.reset([keys[0]!]);
    const token = sessions.create(found.user.id, { ip, userAgent: req.get('user-agent') });
    setSessionCookie(req, res, token, ttlMs);
    log.info('login', { username: found.user.username, role: found.user.role, ip });
    res.json({ user: found.user });
  });

  r.get('/', requireSession(sessions), (req, res) => {
    res.json({ user: req.user });
  });

  r.delete('/', requireSession(sessions), (req, res) => {
    sessions.destroy(req.sessionToken!);
    log.info('logout', { username: req.user!.username });
    clearSessionCookie(req, res);
    res.status(204).end();
  });
  return r;
}
