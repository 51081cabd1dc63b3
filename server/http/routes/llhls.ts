/**
 * Serving one stream's LL-HLS from its PartRing (issue I point 1): the media playlist with blocking reload
 * (_HLS_msn / _HLS_part, RFC 8216bis 6.2.5.2), parts (a part not there yet — the preload hint — is held
 * until it is), complete segments and init segments, all from memory.
 *  - _HLS_msn / _HLS_part not plain integers → 400; a directive too far beyond the live edge → 400 at once;
 *    not satisfied within 3 target durations → 503 (the player retries).
 *  - a part, segment or init that has left the ring → 404.
 *  - bounded: at most MAX_WAITERS blocked requests per stream (then 503); a response the client does not
 *    read within SLOW_CLIENT_MS is dropped (connection closed, one log line), so a client that never reads
 *    pins at most one buffer already held by the ring.
 */
import type { NextFunction, Request, Response } from 'express';
import type { PartRing } from '../../media/llhls/part-ring.ts';
import { directiveReady, directiveTooFar, parseDirective, parseLlFile, writePlaylist } from '../../media/llhls/playlist.ts';
import { createLogger } from '../../util/log.ts';
import { AppError, badRequest, notFound } from '../../util/errors.ts';

const log = createLogger('llhls');
export const MAX_WAITERS = 256;
export const SLOW_CLIENT_MS = 10_000;
/** part ids ahead of the next one that are still worth holding a request for */
const PART_AHEAD_LIMIT = 15;

const unavailable = (m: string) => new AppError(503, 'unavailable', m, { 'Retry-After': '1' });

/** The client asks for LL-HLS: `?ll=1` or delivery directives. */
export function wantsLowLatency(q: Record<string, unknown>): boolean {
  return q.ll === '1' || q._HLS_msn !== undefined || q._HLS_part !== undefined;
}

function send(req: Request, res: Response, body: Buffer | string, type: string, cache: string): void {
  res.status(200);
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cache);
  const timer = setTimeout(() => {
    if (res.writableFinished) return;
    log.warn('LL-HLS client does not read, connection dropped', { path: req.path, ip: req.ip, pending: res.writableLength });
    res.destroy();
  }, SLOW_CLIENT_MS);
  timer.unref();
  res.on('close', () => clearTimeout(timer));
  res.end(body);
}

/** Wait for ready() on the ring, bounded by time, waiter count and the client going away. */
async function hold(ring: PartRing, res: Response, ready: () => boolean): Promise<boolean> {
  if (ready()) return true;
  if (ring.waiting >= MAX_WAITERS) throw unavailable('too many blocked requests on this stream');
  const ac = new AbortController();
  const onClose = () => ac.abort();
  res.on('close', onClose);
  try {
    return await ring.waitUntil(ready, ring.targetDuration * 3000, ac.signal);
  } finally {
    res.off('close', onClose);
  }
}

export async function servePlaylist(ring: PartRing, req: Request, res: Response, next: NextFunction): Promise<void> {
  try {
    const d = parseDirective(req.query as Record<string, unknown>);
    if (d === 'bad') throw badRequest('_HLS_msn and _HLS_part must be non-negative integers (_HLS_part only with _HLS_msn)');
    if (d) {
      if (directiveTooFar(ring, d)) throw badRequest('_HLS_msn/_HLS_part too far beyond the live edge');
      const ok = await hold(ring, res, () => directiveReady(ring, d));
      if (res.destroyed) return;
      if (!ok) throw unavailable('the requested segment or part did not arrive in time');
    }
    send(req, res, writePlaylist(ring), 'application/vnd.apple.mpegurl', 'no-store');
  } catch (e) {
    next(e);
  }
}

export async function serveFile(ring: PartRing, file: string, req: Request, res: Response, next: NextFunction): Promise<void> {
  try {
    const f = parseLlFile(file);
    if (!f) throw notFound();
    const { kind, n } = f;
    const media = 'private, max-age=60';
    if (kind === 'init') {
      const data = ring.initData(n);
      if (!data) throw notFound('init segment gone');
      // init ids restart with the server: never reuse a cached one
      return send(req, res, data, 'video/mp4', 'no-cache');
    }
    if (kind === 's') {
      const data = ring.segment(n)?.data;
      if (!data) throw notFound(n < (ring.segments[0]?.msn ?? 0) ? 'segment gone' : 'segment not complete');
      return send(req, res, data, 'video/mp4', media);
    }
    if (ring.partGone(n)) throw notFound('part gone');
    if (n > ring.nextId + PART_AHEAD_LIMIT) throw notFound('no such part');
    // the preload hint: held until ffmpeg delivers it
    const ok = await hold(ring, res, () => ring.part(n) !== undefined || ring.partGone(n));
    if (res.destroyed) return;
    const part = ring.part(n);
    if (!part) throw ok ? notFound('part gone') : unavailable('the part did not arrive in time');
    send(req, res, part.data, 'video/mp4', media);
  } catch (e) {
    next(e);
  }
}
