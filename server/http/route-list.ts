/**
 * The app's route table, read from Express's own router stack: `GET /api/meta/routes` (admin) lists every
 * method and path, so tests can be generated from it (the per-camera rights matrix) and a route added
 * without thinking about rights shows up there.
 */
import type { Express } from 'express';

export interface RouteEntry {
  method: string;
  path: string;
}

interface Layer {
  name: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

export function listRoutes(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const l of stack) {
      const raw = typeof l.rawPath === 'string' ? l.rawPath : '';
      if (l.route) {
        const paths = Array.isArray(l.route.path) ? l.route.path : [l.route.path];
        for (const p of paths) {
          if (typeof p !== 'string') continue;
          for (const m of Object.keys(l.route.methods)) out.push({ method: m.toUpperCase(), path: (prefix + p).replace(/\/+$/, '') || '/' });
        }
      } else if (l.handle.stack) {
        walk(l.handle.stack, prefix + (raw === '/' ? '' : raw));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  const seen = new Set<string>();
  return out.filter((r) => {
    const k = `${r.method} ${r.path}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
