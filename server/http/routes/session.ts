/**
 * Login, logout, the current user, changing one's own password (issue G).
 *
 * Login abuse: failures are counted per (user name, address) — five within the window lock that pair only — and
 * per address (a generous limit). Per user name they only slow the answer down (up to 4 s), so wrong passwords
 * from one address never stop the right password from another. Every lockout is reported to `onLockout`.
 */
import { Router, type Request } from 'express';
import { hashPassword, verifyPassword } from '../../auth/password.ts';
import type { FailureLimiter } from '../../auth/rate-limit.ts';
import type { SessionRepo } from '../../store/sessions.ts';
import type { UserRepo } from '../../store/users.ts';
import { AppError } from '../../util/errors.ts';
import { createLogger } from '../../util/log.ts';
import { parseBody } from '../errors.ts';
import { clearSessionCookie, requireSession, setSessionCookie } from '../auth.ts';
import { checkPassword, userView } from './users.ts';
import { changeSchema, loginSchema } from '../../../shared/wire/requests/session.ts';
import type { SessionAnswer, SiteView } from '../../../shared/wire/site.ts';
import type { UserView } from '../../../shared/wire/users.ts';

const log = createLogger('auth');

// A hash to verify against when the user does not exist, so timing does not reveal usernames.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
/** failures of one user name (from anywhere) after which each attempt is slowed */
const SLOW_AFTER = 5;
const MAX_DELAY_MS = 4000;

export interface SessionDeps {
  users: UserRepo;
  sessions: SessionRepo;
  /** keys `pair:<user>|<ip>` (locks), `ip:<ip>` (locks), `user:<name>` (counts, slows) */
  limiter: FailureLimiter;
  ttlMs: number;
  onLockout?: (e: { username: string; ip: string; scope: 'pair' | 'ip'; retryAfterMs: number }) => void;
  /** the site's time zone (config site.timeZone) the console shows every time in; default: the process's */
  timeZone?: string;
}

const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function sessionRouter({ users, sessions, limiter, ttlMs, onLockout, timeZone }: SessionDeps): Router {
  const r = Router();
  const site: SiteView = { timeZone: timeZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC') };
  const answer = (u: UserView): SessionAnswer<UserView> => ({ user: u, site });

  r.post('/', async (req, res) => {
    const { username, password } = parseBody(loginSchema, req.body);
    const ip = clientIp(req);
    const name = username.toLowerCase();
    const pair = `pair:${name}|${ip}`;
    const keys = [pair, `ip:${ip}`];
    const wait = limiter.retryAfterMs(keys);
    if (wait > 0) {
      const secs = Math.ceil(wait / 1000);
      throw new AppError(429, 'rate_limited', `too many failed logins from this address; try again in ${secs} s`, { 'Retry-After': String(secs) }, { params: { s: secs } });
    }
    const userFails = limiter.count(`user:${name}`);
    if (userFails >= SLOW_AFTER) await sleep(Math.min(MAX_DELAY_MS, 250 * 2 ** (userFails - SLOW_AFTER)));
    const found = await users.findForLogin(username);
    const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
    if (!found || !ok || found.user.disabled) {
      limiter.fail([...keys, `user:${name}`]);
      log.warn('login failed', { username, ip });
      for (const [scope, key] of [['pair', pair], ['ip', `ip:${ip}`]] as const) {
        const locked = limiter.retryAfterMs([key]);
        if (locked > 0) onLockout?.({ username, ip, scope, retryAfterMs: locked });
      }
      throw new AppError(401, 'bad_credentials', 'wrong username or password');
    }
    limiter.reset([pair]);
    const token = await sessions.create(found.user.id, { ip, userAgent: req.get('user-agent') });
    setSessionCookie(req, res, token, ttlMs);
    log.info('login', { username: found.user.username, role: found.user.role, ip });
    res.json(answer(userView(found.user)));
  });

  r.get('/', requireSession(sessions, { allowPasswordChange: true }), (req, res) => {
    res.json(answer(userView(req.user!)));
  });

  /** Change one's own password; the other sessions of the user end, this one stays. */
  r.post('/password', requireSession(sessions, { allowPasswordChange: true }), async (req, res) => {
    const { current, password } = parseBody(changeSchema, req.body);
    const u = req.user!;
    if (!(await verifyPassword(current, users.passwordHash(u.id) ?? DUMMY_HASH))) {
      throw new AppError(400, 'bad_credentials', 'current: the current password is wrong');
    }
    checkPassword(password, u.username);
    if (await verifyPassword(password, users.passwordHash(u.id)!)) throw new AppError(400, 'weak_password', 'password: choose a new password');
    await users.setPassword(u.id, await hashPassword(password), false);
    await sessions.revokeUser(u.id, req.sessionToken);
    log.info('password changed', { user: u.username });
    res.json(answer(userView(users.get(u.id)!)));
  });

  r.delete('/', requireSession(sessions, { allowPasswordChange: true }), async (req, res) => {
    await sessions.destroy(req.sessionToken!);
    log.info('logout', { username: req.user!.username });
    clearSessionCookie(req, res);
    res.status(204).end();
  });
  return r;
}
