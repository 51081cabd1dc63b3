/**
 * The live multiplex (issue I): a console page's tiles fetch their playlists, parts and segments over ONE
 * long-lived response instead of one HTTP/1.1 connection each, so Chromium's 6 connections per host stop
 * queueing a 16-tile wall behind its blocking playlist reloads.
 *
 *   GET  /hls-mux             opens a channel: a stream of frames (shared/wire/mux-frame.ts), the first naming it
 *   POST /hls-mux/:channel    {id, path: "/hls/…"} asks for one live file → 202 at once; the answer comes on the
 *                             channel as frame `id`, whenever it is ready (a blocked reload delays only itself).
 *                             {cancel: id} drops one.
 *
 * Every request is answered by the server itself, over loopback, with the caller's own cookie: the same session
 * check, per-camera rights guard, live-view audit and /hls handler as a plain GET /hls/:cameraId/… (a camera the
 * user may not see is the same 404). A channel belongs to the session that opened it. A page that does not read
 * its channel does not grow memory: past MAX_BUFFERED bytes unread the channel is closed (with a log line) and the
 * page falls back to plain HTTP.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { encodeFrame } from '../../../shared/wire/mux-frame.ts';
import { createLogger } from '../../util/log.ts';
import { AppError, badRequest, conflict } from '../../util/errors.ts';

const log = createLogger('hls-mux');

/** unread bytes on a channel before it is closed */
export const MAX_BUFFERED = 16 * 1024 * 1024;
/** requests in flight per channel */
const MAX_PENDING = 256;
/** requests in one POST */
const MAX_BATCH = 64;
/** channels per session (a page opens one; reloads and tabs add more): the oldest goes */
const MAX_CHANNELS_PER_SESSION = 8;
/** largest answer carried (a main-stream segment is a few MB) */
const MAX_ANSWER = 24 * 1024 * 1024;
const KEEPALIVE_MS = 15_000;
const PATH_RE = /^\/hls\/[^?#\s]{1,256}(\?[^#\s]{0,256})?$/;

/** header marking the server's own loopback requests, and the caller's address for the audit (live views) */
export const MUX_SECRET_HEADER = 'x-wp-mux';
export const MUX_IP_HEADER = 'x-wp-mux-ip';

interface Channel {
  id: string;
  session: string;
  user: string;
  res: Response;
  pending: Map<number, http.ClientRequest>;
  closed: boolean;
}

export interface HlsMux {
  router: Router;
  /** before the session check on /hls: the caller's address on the server's own loopback requests */
  callerIp: RequestHandler;
}

export function hlsMux(): HlsMux {
  const secret = randomBytes(24).toString('hex');
  const channels = new Map<string, Channel>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const r = Router();

  const closeChannel = (c: Channel, why?: string) => {
    if (c.closed) return;
    c.closed = true;
    channels.delete(c.id);
    for (const req of c.pending.values()) req.destroy();
    c.pending.clear();
    if (why) log.warn('channel closed', { why, user: c.user });
    c.res.destroy();
  };

  const send = (c: Channel, frame: Uint8Array) => {
    if (c.closed) return;
    c.res.write(frame);
    if (c.res.writableLength > MAX_BUFFERED) closeChannel(c, `${c.res.writableLength} bytes unread (client not reading)`);
  };

  r.get('/', (req, res) => {
    const session = req.sessionToken!;
    const mine = [...channels.values()].filter((c) => c.session === session);
    if (mine.length >= MAX_CHANNELS_PER_SESSION) closeChannel(mine[0]!, 'too many channels for one session');
    const c: Channel = { id: randomBytes(16).toString('hex'), session, user: req.user?.username ?? '', res, pending: new Map(), closed: false };
    channels.set(c.id, c);
    res.status(200).set({ 'Content-Type': 'application/vnd.watchpost.mux', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    send(c, encodeFrame(0, 200, { channel: c.id }));
    const keep = setInterval(() => send(c, encodeFrame(0, 204, {})), KEEPALIVE_MS);
    res.on('close', () => {
      clearInterval(keep);
      closeChannel(c);
    });
  });

  /** one request (or cancel) of a channel; an error message when it is refused */
  /** a refused request as the API's errors (the console's loader falls back to plain HTTP on any of them) */
  const muxRefusal = (e: { status: number; message: string }) =>
    e.status === 400 ? badRequest(e.message, 'invalid_request', { field: 'request' }) : e.status === 409 ? conflict(e.message) : new AppError(429, 'too_many_requests', e.message, {}, { params: { max: MAX_PENDING } });
  const handle = (c: Channel, req: Request, item: unknown): { id?: number; status: number; message: string } | undefined => {
    const body = (item ?? {}) as { id?: unknown; path?: unknown; cancel?: unknown };
    if (typeof body.cancel === 'number') {
      c.pending.get(body.cancel)?.destroy();
      c.pending.delete(body.cancel);
      return undefined;
    }
    const { id, path } = body;
    const okId = typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 0xffffffff ? id : undefined;
    if (okId === undefined || typeof path !== 'string' || !PATH_RE.test(path) || path.includes('..')) {
      return { id: okId, status: 400, message: 'expected {id: 1…2^32-1, path: "/hls/…"} or {cancel: id}' };
    }
    if (c.pending.has(okId)) return { id: okId, status: 409, message: `request ${okId} is in flight` };
    if (c.pending.size >= MAX_PENDING) return { id: okId, status: 429, message: `${MAX_PENDING} requests in flight` };
    const addr = req.socket.address() as AddressInfo;
    const fail = () => {
      if (c.pending.delete(okId)) send(c, encodeFrame(okId, 502, {}));
    };
    const out = http.get(
      {
        host: addr.address,
        family: addr.family === 'IPv6' ? 6 : 4,
        port: addr.port,
        path,
        agent,
        headers: { cookie: req.headers.cookie ?? '', [MUX_SECRET_HEADER]: secret, [MUX_IP_HEADER]: req.ip ?? '' },
      },
      (ans) => {
        const parts: Buffer[] = [];
        let size = 0;
        ans.on('data', (b: Buffer) => {
          size += b.byteLength;
          if (size > MAX_ANSWER) return ans.destroy(new Error('answer too large'));
          parts.push(b);
        });
        ans.on('end', () => {
          if (!c.pending.delete(okId)) return;
          send(c, encodeFrame(okId, ans.statusCode ?? 502, { ct: String(ans.headers['content-type'] ?? '') }, Buffer.concat(parts)));
        });
        ans.on('error', fail);
      },
    );
    out.on('error', fail);
    c.pending.set(okId, out);
    return undefined;
  };

  r.post('/:channel', (req: Request, res) => {
    const c = channels.get(String(req.params.channel));
    // another session's channel is as unknown as a closed one
    if (!c || c.session !== req.sessionToken) return res.status(404).json({ error: { code: 'not_found', message: 'no such channel' } });
    const batch = (req.body as { requests?: unknown } | undefined)?.requests;
    if (batch === undefined) {
      const err = handle(c, req, req.body);
      if (err) throw muxRefusal(err);
      return res.status(202).end();
    }
    // {requests: [...]}: many at once (the page sends what queued up while its previous POST was out); a refused
    // one is answered on the channel with its status, or (no usable id) counted in the reply
    if (!Array.isArray(batch) || batch.length > MAX_BATCH) throw badRequest(`requests: expected an array of at most ${MAX_BATCH}`, 'invalid_request', { field: 'requests', max: MAX_BATCH });
    let refused = 0;
    for (const item of batch) {
      const err = handle(c, req, item);
      if (!err) continue;
      if (err.id !== undefined && err.status !== 409) send(c, encodeFrame(err.id, err.status, { ct: 'text/plain' }, new TextEncoder().encode(err.message)));
      else refused++;
    }
    res.status(202).json({ refused });
  });

  const callerIp: RequestHandler = (req, _res, next) => {
    const mark = req.headers[MUX_SECRET_HEADER];
    if (mark !== undefined) {
      const ip = req.headers[MUX_IP_HEADER];
      delete req.headers[MUX_SECRET_HEADER];
      delete req.headers[MUX_IP_HEADER];
      // the secret never leaves this process but on its own loopback requests: a forged header is ignored
      if (mark === secret && typeof ip === 'string' && ip) Object.defineProperty(req, 'ip', { value: ip, configurable: true });
    }
    next();
  };

  // (no close(): shutdown's closeAllConnections ends the channels, and the agent's sockets are the server's own)
  return { router: r, callerIp };
}
