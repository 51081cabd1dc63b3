/**
 * Video through another node (issue J, docs/cluster.md "Port: video through another node"), mounted on /hls before
 * the node's own HLS routes:
 *  - on the node asked (A): GET /hls/<camera>/<file> (and /main/<file>) for a camera that is not A's own but one
 *    another node (B) published on the MQTT broker is streamed from B. Login is checked as for any /hls request;
 *    only users who may see every camera get it (403 `forbidden`/`remote_cameras`, audited `remote_video.denied`).
 *    Views are audited on A as A's own (live.view.start/stop). A signs the exact request for B (token.ts) and never forwards the user's cookie. B offline, without an
 *    announced URL or unreachable: 503 `recorder_down` {node}; B refusing A's token: 502 `recorder_refused` {node}.
 *  - on the node holding the video (B): a request with a node token is served by its own HLS routes as the token's
 *    user with all-cameras rights for that one request when the token is valid for exactly this method, path and
 *    query, this node and now; otherwise 401 `unauthenticated`, as without a session. Never proxied further.
 * Without `cluster.secret` nothing of this runs: a remote camera is 404 `not_found` as before, a token is 401.
 * Everything else (A's own cameras, unknown ones, odd ids) goes on to the HLS routes untouched.
 */
import http from 'node:http';
import https from 'node:https';
import type { Request, RequestHandler, Response } from 'express';
import { CAMERA_ID_RE } from '../../shared/wire/cameras.ts';
import type { RightsService } from '../access/rights.ts';
import type { AuditLog } from '../audit/log.ts';
import { actorOf } from '../audit/http.ts';
import type { User } from '../store/users.ts';
import { AppError, forbidden, unauthenticated } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { TOKEN_HEADER, signToken, verifyToken } from './token.ts';

const log = createLogger('cluster');

/** a file name the HLS routes could serve; anything else is never sent to another node */
const FILE_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,100}(\.[A-Za-z0-9]{1,8})?$/;
/** LL-HLS delivery directives and the like: plain ASCII */
const QUERY_RE = /^[A-Za-z0-9_=&.-]{0,300}$/;
const PASSED_HEADERS = ['content-type', 'content-length', 'cache-control', 'etag', 'last-modified', 'expires'];
const CONNECT_MS = 3000;
/** longer than any blocking playlist reload the other node holds */
const IDLE_MS = 20_000;

export interface Holder {
  node: string;
  url?: string;
  online: boolean;
}

export interface ClusterVideoDeps {
  self: string;
  /** cluster.secret; undefined: no proxy */
  secret?: string;
  isLocal(cameraId: string): boolean;
  holderOf(cameraId: string): Holder | undefined;
  auth: RequestHandler;
  rights: RightsService;
  audit?: AuditLog;
  /** the live-view audit of this node (audit/http.ts auditLiveViews): proxied views are this node's viewers' */
  liveViews?: RequestHandler;
  /** this node's own HLS routes (served to a valid node token) */
  local: RequestHandler;
}

const recorderDown = (node: string, why: string) => new AppError(503, 'recorder_down', `the recorder "${node}" that holds this video cannot be reached (${why})`, {}, { params: { node } });

/** /<camera>/<file> or /<camera>/main/<file> with plain names only, else undefined. */
export function parseHlsPath(url: string): { camera: string; rest: string; query: string } | undefined {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const seg = path.split('/');
  if (seg[0] !== '') return undefined;
  const [, camera, ...rest] = seg;
  if (!camera || !CAMERA_ID_RE.test(camera)) return undefined;
  const ok = (rest.length === 1 || (rest.length === 2 && rest[0] === 'main')) && FILE_RE.test(rest.at(-1)!);
  if (!ok || !QUERY_RE.test(query)) return undefined;
  return { camera, rest: rest.join('/'), query };
}

export function clusterVideo(d: ClusterVideoDeps): RequestHandler {
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };
  return (req, res, next) => {
    const token = req.headers[TOKEN_HEADER];
    if (token !== undefined) return served(req, res, next, token);
    if (!d.secret || req.method !== 'GET') return next();
    const p = parseHlsPath(req.url);
    if (!p || d.isLocal(p.camera)) return next();
    const holder = d.holderOf(p.camera);
    if (!holder) return next();
    d.auth(req, res, (err?: unknown) => {
      if (err) return next(err);
      const user = req.user!;
      if (!d.rights.of(user).all) {
        d.audit?.record({ action: 'remote_video.denied', actor: actorOf(req), cameraId: p.camera, target: holder.node, detail: { method: req.method, path: req.originalUrl.split('?')[0] } });
        return next(forbidden("another node's cameras are shown only to users who may see every camera", { what: 'remote_cameras' }));
      }
      if (!holder.online) return next(recorderDown(holder.node, 'it is offline'));
      if (!holder.url) return next(recorderDown(holder.node, 'it announces no cluster.url'));
      const go = () => forward(req, res, next, holder as Required<Holder>, `/hls/${p.camera}/${p.rest}${p.query ? `?${p.query}` : ''}`, user);
      if (d.liveViews) d.liveViews(req, res, go);
      else go();
    });
  };

  function served(req: Request, res: Response, next: (e?: unknown) => void, token: string | string[]): void {
    const claims = d.secret && !Array.isArray(token) ? verifyToken(d.secret, token, { method: req.method, path: req.originalUrl, self: d.self }) : null;
    if (!claims) return next(unauthenticated('log in first (the node token is missing, forged, expired or not for this request)'));
    // the other node checked the user may see every camera; this request only
    const peer: User = { id: 0, username: claims.u, role: 'operator', disabled: false, cameras: null, groups: [] };
    req.user = peer;
    d.local(req, res, next);
  }

  function forward(req: Request, res: Response, next: (e?: unknown) => void, holder: Required<Holder>, path: string, user: User): void {
    const base = new URL(holder.url);
    const mod = base.protocol === 'https:' ? https : http;
    const t = signToken(d.secret!, { m: 'GET', p: path, u: user.username, iss: d.self, aud: holder.node });
    const up = mod.request(
      { protocol: base.protocol, hostname: base.hostname, port: base.port, path, method: 'GET', agent: base.protocol === 'https:' ? agents.https : agents.http, headers: { [TOKEN_HEADER]: t, accept: String(req.headers.accept ?? '*/*') }, timeout: IDLE_MS },
      (ur) => {
        clearTimeout(connect);
        const status = ur.statusCode ?? 502;
        if (status === 401 || status === 403) {
          ur.resume();
          log.warn('another node refused this node\'s token (is cluster.secret the same on both?)', { node: holder.node, status });
          return next(new AppError(502, 'recorder_refused', `the recorder "${holder.node}" refused this node (check cluster.secret on both)`, {}, { params: { node: holder.node } }));
        }
        res.status(status);
        for (const h of PASSED_HEADERS) if (ur.headers[h] !== undefined) res.setHeader(h, ur.headers[h]!);
        ur.pipe(res);
        ur.on('error', () => res.destroy());
      },
    );
    const connect = setTimeout(() => up.destroy(new Error('connect timeout')), CONNECT_MS);
    up.on('socket', (s) => {
      if (!s.connecting) clearTimeout(connect);
      else s.once('connect', () => clearTimeout(connect));
    });
    up.on('timeout', () => up.destroy(new Error('no answer')));
    up.on('error', (e) => {
      clearTimeout(connect);
      if (res.headersSent) return void res.destroy();
      if (!res.destroyed) next(recorderDown(holder.node, (e as NodeJS.ErrnoException).code ?? e.message));
    });
    // the viewer went away: so does the request to the other node
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    up.end();
  }
}
