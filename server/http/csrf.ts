/**
 * Cross-site request forgery guard and the console's Content-Security-Policy (issue G).
 *
 * A state-changing request (POST, PUT, PATCH, DELETE) is `403 csrf` when its `Origin` names another site than
 * this server (or a configured `server.allowedOrigins` entry), when `Sec-Fetch-Site` says cross-site, or when
 * it carries a body that is not `application/json` — a cross-site form can send urlencoded, multipart or
 * text/plain without a preflight, never JSON. Scripts and tools that send no Origin keep working; the session
 * cookie is SameSite=Strict on top of this.
 */
import type { RequestHandler } from 'express';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function csrfGuard(allowedOrigins: readonly string[] = []): RequestHandler {
  const allowed = new Set(allowedOrigins.map((o) => o.replace(/\/$/, '').toLowerCase()));
  return (req, res, next) => {
    if (!UNSAFE.has(req.method)) return next();
    const refuse = (why: string, params: Record<string, string>) => res.status(403).json({ error: { code: 'csrf', message: `cross-site request refused: ${why}`, params } });
    const origin = req.get('origin');
    if (origin !== undefined) {
      let sameHost = false;
      try {
        sameHost = origin !== 'null' && new URL(origin).host.toLowerCase() === (req.get('host') ?? '').toLowerCase();
      } catch {
        /* not a URL: foreign */
      }
      if (!sameHost && !allowed.has(origin.toLowerCase())) return refuse(`Origin ${origin} is not this server`, { what: 'origin', origin });
    }
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none' && !(origin && allowed.has(origin.toLowerCase()))) {
      return refuse(`Sec-Fetch-Site is ${site}`, { what: 'site', site });
    }
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    // a guard's photo (issue L point 2) is sent as image/jpeg or image/png: like JSON, no cross-site form can send
    // those without a CORS preflight
    const photo = req.method === 'POST' && /^\/api\/dispatches\/\d+\/photos\/?$/.test(req.originalUrl.split('?')[0]!) && req.is(['image/jpeg', 'image/png']);
    if (hasBody && !photo && !req.is('application/json')) return refuse('the body must be application/json', { what: 'content_type' });
    next();
  };
}

/**
 * The console's policy: scripts, styles, workers and connections from this server only; hls.js plays through
 * MediaSource blob: URLs (media-src blob:) and may start its transmuxer as a blob: worker (worker-src blob:).
 * Lit adopts constructed style sheets, which CSP does not restrict; the printable reports keep their own policy.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');
