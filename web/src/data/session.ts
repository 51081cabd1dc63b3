/** Who is logged in. The session itself is the httpOnly `wp_session` cookie. */
import { api, ApiError, onUnauthorized } from './api';
import { Store } from './store';
import type { User } from './types';
import type { LoginBody } from '../../../shared/wire/requests/session';
import type { SessionAnswer } from '../../../shared/wire/site';
import { setSiteTimeZone } from './site-time';

export type SessionStatus = 'checking' | 'unreachable' | 'authenticated' | 'anonymous';

export interface SessionState {
  status: SessionStatus;
  user: User | null;
}

export const session = new Store<SessionState>({ status: 'checking', user: null });

/** Every time is shown and read in the site's zone (issue K) — set before any page renders. */
function learnSite(res: Partial<SessionAnswer<User>>): void {
  if (res.site?.timeZone) setSiteTimeZone(res.site.timeZone);
}

let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryAttempt = 0;

onUnauthorized(() => {
  if (session.value.status !== 'anonymous') session.set({ status: 'anonymous', user: null });
});

/** Ask the server who we are; retries (with backoff) while the server cannot be reached. */
export async function checkSession(): Promise<void> {
  clearTimeout(retryTimer);
  try {
    const res = await api<SessionAnswer<User>>('GET', '/api/session', { noAuthSignal: true });
    retryAttempt = 0;
    learnSite(res);
    session.set({ status: 'authenticated', user: res.user });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      retryAttempt = 0;
      session.set({ status: 'anonymous', user: null });
      return;
    }
    // Server down or restarting (kiosk reloaded at the wrong moment): keep trying.
    if (session.value.status === 'checking' || session.value.status === 'unreachable') {
      session.set({ status: 'unreachable', user: null });
    }
    const delay = Math.min(10_000, 1000 * 2 ** retryAttempt++);
    retryTimer = setTimeout(() => void checkSession(), delay);
  }
}

/** Throws ApiError (bad_credentials, rate_limited with retryAfter, network). */
export async function login(username: string, password: string): Promise<User> {
  const res = await api<SessionAnswer<User>>('POST', '/api/session', {
    body: { username, password } satisfies LoginBody,
    noAuthSignal: true,
  });
  learnSite(res);
  session.set({ status: 'authenticated', user: res.user });
  return res.user;
}

export async function logout(): Promise<void> {
  try {
    await api<void>('DELETE', '/api/session', { noAuthSignal: true });
  } catch {
    // the cookie is gone either way once the server is back; drop local state regardless
  }
  session.set({ status: 'anonymous', user: null });
}

export function isAdmin(user: User | null): boolean {
  return user?.role === 'admin';
}
