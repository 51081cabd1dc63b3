/** History-API routes of the console. The server answers index.html for all of these paths. */
import { isLayout, type Layout } from './data/prefs';

export type Route =
  | { name: 'login'; next: string }
  | { name: 'wall'; kiosk: boolean; layout?: Layout; page: number; cycle: number }
  | { name: 'camera'; id: string }
  | { name: 'cameras' }
  | { name: 'rounds' }
  | { name: 'dutylog' }
  | { name: 'handover' }
  | { name: 'compliance' }
  | { name: 'alarms' }
  | { name: 'review'; camera: string; t?: number }
  | { name: 'audit' }
  | { name: 'users' }
  | { name: 'password' }
  | { name: 'equipment' }
  | { name: 'nodes' }
  | { name: 'guard' }
  | { name: 'notfound' };

export function parseRoute(loc: { pathname: string; search: string }): Route {
  const q = new URLSearchParams(loc.search);
  const path = loc.pathname.replace(/\/+$/, '') || '/';
  if (path === '/login') return { name: 'login', next: safeNext(q.get('next')) };
  if (path === '/' || path === '/wall' || path === '/kiosk') {
    const layout = Number(q.get('layout'));
    const page = Math.max(1, Math.floor(Number(q.get('page')) || 1));
    const cycle = Math.max(0, Math.floor(Number(q.get('cycle')) || 0));
    const kiosk = path === '/kiosk' || q.get('kiosk') === '1' || q.get('kiosk') === 'true';
    return { name: 'wall', kiosk, layout: isLayout(layout) ? layout : undefined, page, cycle };
  }
  const cam = /^\/camera\/([^/]+)$/.exec(path);
  if (cam?.[1]) return { name: 'camera', id: decodeURIComponent(cam[1]) };
  if (path === '/cameras') return { name: 'cameras' };
  if (path === '/alarms') return { name: 'alarms' };
  const review = /^\/review(?:\/([^/]+))?$/.exec(path);
  if (review) {
    const t = Number(q.get('t'));
    return { name: 'review', camera: review[1] ? decodeURIComponent(review[1]) : '', t: q.get('t') && Number.isFinite(t) ? t : undefined };
  }
  if (path === '/audit') return { name: 'audit' };
  if (path === '/users') return { name: 'users' };
  if (path === '/password') return { name: 'password' };
  if (path === '/equipment') return { name: 'equipment' };
  if (path === '/nodes') return { name: 'nodes' };
  if (path === '/guard') return { name: 'guard' };
  if (path === '/rounds' || path === '/dutylog' || path === '/handover' || path === '/compliance') {
    return { name: path.slice(1) as 'rounds' | 'dutylog' | 'handover' | 'compliance' };
  }
  return { name: 'notfound' };
}

/** Only same-origin absolute paths are accepted as a post-login destination. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/wall';
  if (next.startsWith('/login')) return '/wall';
  return next;
}

export function wallPath(opts: { kiosk: boolean; layout: Layout; page: number; cycle?: number }): string {
  const q = new URLSearchParams();
  if (opts.kiosk) q.set('kiosk', '1');
  q.set('layout', String(opts.layout));
  if (opts.page > 1) q.set('page', String(opts.page));
  if (opts.cycle) q.set('cycle', String(opts.cycle));
  return `/wall?${q.toString()}`;
}

export interface NavigateDetail {
  path: string;
  replace?: boolean;
}

/** Ask <wp-app> to navigate (events up; the app owns the history). */
export function fireNavigate(from: EventTarget, path: string, replace = false): void {
  from.dispatchEvent(
    new CustomEvent<NavigateDetail>('wp-navigate', { detail: { path, replace }, bubbles: true, composed: true }),
  );
}

declare global {
  interface HTMLElementEventMap {
    'wp-navigate': CustomEvent<NavigateDetail>;
  }
}
