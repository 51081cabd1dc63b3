/** fetch wrapper for the Watchpost JSON API. */

export type { FieldProblem } from '../../../shared/wire/errors';
import type { FieldProblem } from '../../../shared/wire/errors';

/** The `params` of an error body, when they are plain values. */
export function paramsOf(v: unknown): Record<string, string | number> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const ok = Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number');
  return ok ? (v as Record<string, string | number>) : undefined;
}

/** The `fields` of an error body, when it is a list of problems. */
export function problemsOf(v: unknown): FieldProblem[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const ok = v.every((p) => p && typeof p === 'object' && typeof (p as FieldProblem).path === 'string' && typeof (p as FieldProblem).code === 'string');
  return ok ? (v as FieldProblem[]) : undefined;
}

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 for a network failure (server down, connection reset). */
    readonly status: number,
    /** Server error code ("bad_credentials", "invalid_request", …) or "network" / "http_<status>". */
    readonly code: string,
    message: string,
    /** Seconds from a Retry-After header (429). */
    readonly retryAfter?: number,
    /** A 400's validation problems as codes with parameters (shared/wire/errors.ts). */
    readonly fields?: FieldProblem[],
    /** What a code's text needs, e.g. {name} of what already exists (error.params). */
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Called whenever the server answers 401 to an authenticated request: the session is gone. */
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export function signalUnauthorized(): void {
  for (const fn of [...unauthorizedListeners]) fn();
}

export interface ApiOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat a 401 as "logged out" (the login request itself). */
  noAuthSignal?: boolean;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export async function api<T>(method: string, path: string, opts: ApiOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: opts.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }

  if (res.status === 204) return undefined as T;

  let data: unknown = undefined;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!res.ok) {
    const e = (data as { error?: { code?: unknown; message?: unknown; fields?: unknown; params?: unknown } } | undefined)?.error;
    const code = typeof e?.code === 'string' ? e.code : `http_${res.status}`;
    const message = typeof e?.message === 'string' ? e.message : res.statusText || code;
    if (res.status === 401 && !opts.noAuthSignal) signalUnauthorized();
    throw new ApiError(res.status, code, message, parseRetryAfter(res.headers.get('retry-after')), problemsOf(e?.fields), paramsOf(e?.params));
  }
  return data as T;
}
