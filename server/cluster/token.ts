/**
 * The short-lived token one node sends another with a proxied video request (docs/cluster.md, "Port: video
 * through another node"): HMAC-SHA256 under the shared `cluster.secret` over the method, the exact path and query,
 * the user name, the sending node (iss), the receiving node (aud) and an expiry at most 30 s ahead.
 * Format: `v1.<base64url(JSON claims)>.<base64url(HMAC of that JSON text)>`, in the X-Watchpost-Node-Token header.
 * The receiver checks the MAC in constant time, then the expiry, its own node id as audience and that the claims
 * name exactly this request; anything else is null (the caller answers 401 like a request without a session).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOKEN_HEADER = 'x-watchpost-node-token';
/** the longest a token may live */
export const MAX_TOKEN_MS = 30_000;
/** a receiver's clock may be this far behind the sender's */
const SKEW_MS = 5_000;

export interface TokenClaims {
  /** method */
  m: string;
  /** path and query, exactly as sent (req.originalUrl on the receiver) */
  p: string;
  /** user name on the sending node */
  u: string;
  /** sending node */
  iss: string;
  /** receiving node */
  aud: string;
  /** expiry, ms since the epoch */
  exp: number;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const mac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest();

export function signToken(secret: string, c: Omit<TokenClaims, 'exp'>, now = Date.now(), ttlMs = 10_000): string {
  const text = JSON.stringify({ ...c, exp: now + Math.min(ttlMs, MAX_TOKEN_MS) } satisfies TokenClaims);
  return `v1.${b64(text)}.${b64(mac(secret, text))}`;
}

export interface Expected {
  method: string;
  path: string;
  /** this node */
  self: string;
}

/** The claims of a token valid for this request on this node now; null for anything else (never throws). */
export function verifyToken(secret: string, token: unknown, want: Expected, now = Date.now()): TokenClaims | null {
  if (typeof token !== 'string' || token.length > 4096) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return null;
  const text = Buffer.from(parts[1]!, 'base64url').toString('utf8');
  const given = Buffer.from(parts[2]!, 'base64url');
  const expected = mac(secret, text);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let c: Partial<TokenClaims>;
  try {
    c = JSON.parse(text) as Partial<TokenClaims>;
  } catch {
    return null;
  }
  if (typeof c !== 'object' || c === null) return null;
  const { m, p, u, iss, aud, exp } = c;
  if (typeof m !== 'string' || typeof p !== 'string' || typeof u !== 'string' || typeof iss !== 'string' || typeof aud !== 'string' || typeof exp !== 'number') return null;
  if (!Number.isFinite(exp) || exp <= now || exp > now + MAX_TOKEN_MS + SKEW_MS) return null;
  if (aud !== want.self || iss === want.self || m !== want.method || p !== want.path || u === '') return null;
  return { m, p, u, iss, aud, exp };
}
