import { Router } from 'express';
import type { CameraService } from '../../cameras/service.ts';
import type { ProbeResult } from '../../media/probe.ts';
import { AppError, conflict } from '../../util/errors.ts';
import type { CameraView } from '../../../shared/wire/cameras.ts';
import type { User } from '../../store/users.ts';
import { parseBody } from '../errors.ts';
import { requireRole } from '../auth.ts';
import { createSchema, patchSchema, testSchema } from '../../../shared/wire/requests/cameras.ts';


/** host:port of an rtsp URL (default port 554), to keep saved credentials on the camera they belong to. */
function hostPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname.toLowerCase()}:${u.port || (u.protocol === 'rtsps:' ? '322' : '554')}`;
  } catch {
    return '';
  }
}

/** Probe a source (ffprobe, bounded); the URL as given, credentials apart. Never logs or returns the password. */
export type SourceProber = (s: { url: string; username?: string; password?: string }) => Promise<ProbeResult>;

/** Stable codes of a failed test (the console translates them); the wire types live in shared/wire/cameras.ts. */
import type { CameraTestCode as TestErrorCode, CameraTestResult as TestResult } from '../../../shared/wire/cameras.ts';
export type { TestErrorCode, TestResult };

export function testResult(p: ProbeResult): TestResult {
  if (p.ok) {
    return { ok: true, codec: p.codec, width: p.width ?? null, height: p.height ?? null, fps: p.fps ? Math.round(p.fps * 100) / 100 : null, bitrateKbps: p.bitrateKbps ?? null };
  }
  const code: TestErrorCode =
    p.reason === 'authentication failed'
      ? 'auth_failed'
      : p.reason === 'no video'
        ? 'not_video'
        : p.reason === 'unreachable'
          ? /^no answer within|timed out/i.test(p.detail) ? 'timeout' : 'unreachable'
          : 'probe_failed';
  return { ok: false, code, detail: p.detail };
}

function splitCredentials<T extends { url?: string; username?: string; password?: string }>(body: T): T {
  if (!body.url) return body;
  const u = new URL(body.url);
  if (!u.username) return body;
  const out = { ...body };
  out.username ??= decodeURIComponent(u.username);
  out.password ??= decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  out.url = u.toString();
  return out;
}

/** Other nodes' cameras (server/cluster/remote-cameras.ts), and who may see them (users who may see every camera). */
export interface RemoteCameraList {
  list(): CameraView[];
  get(id: string): CameraView | undefined;
  mayView(user: User): boolean;
}

/**
 * `remote`: other nodes' cameras, listed after this node's own for users who may see them; read-only here — a
 * PATCH or DELETE of one is `409 remote_camera` {id, node} (change it on the node that holds it), never a 500.
 */
export function camerasRouter(cameras: CameraService, probe?: SourceProber, remote?: RemoteCameraList): Router {
  const r = Router();
  /** another node's camera of this id the user may see (this node's own camera of the id wins) */
  const remoteOf = (id: string, user: User | undefined) => (remote && user && !cameras.get(id) && remote.mayView(user) ? remote.get(id) : undefined);
  const refuseRemote = (id: string, user: User | undefined) => {
    const c = remoteOf(id, user);
    if (c) throw conflict(`camera "${id}" is held by node "${c.node}": change it on that node`, 'remote_camera', { id, node: c.node });
  };
  // before /:id; admin only, as creating a camera (the form it serves is the admin's)
  r.post('/test', requireRole('admin'), async (req, res) => {
    const body = splitCredentials(parseBody(testSchema, req.body));
    if (!probe) throw new AppError(503, 'probe_unavailable', 'source probing is not available on this server');
    let username = body.username || undefined;
    let password = body.password || undefined;
    if (body.cameraId && !username && !password) {
      const saved = cameras.require(body.cameraId).source;
      const here = hostPort(body.url);
      if (here && [saved.url, saved.subUrl].some((u) => u && hostPort(u) === here)) {
        username = saved.username;
        password = saved.password;
      }
    }
    res.json(testResult(await probe({ url: body.url, username, password })));
  });
  r.get('/', (req, res) => {
    const own = cameras.list().map((c) => cameras.view(c));
    res.json(remote && req.user && remote.mayView(req.user) ? [...own, ...remote.list()] : own);
  });
  r.get('/:id', (req, res) => {
    const other = remoteOf(req.params.id, req.user);
    res.json(other ?? cameras.view(cameras.require(req.params.id)));
  });
  r.post('/', requireRole('admin'), async (req, res) => {
    const body = splitCredentials(parseBody(createSchema, req.body));
    const cam = await cameras.create(body);
    res.status(201).location(`/api/cameras/${cam.id}`).json(cameras.view(cam));
  });
  r.patch('/:id', requireRole('admin'), async (req, res) => {
    const id = String(req.params.id);
    refuseRemote(id, req.user);
    cameras.require(id);
    const body = splitCredentials(parseBody(patchSchema, req.body));
    res.json(cameras.view(await cameras.update(id, body)));
  });
  r.delete('/:id', requireRole('admin'), async (req, res) => {
    refuseRemote(String(req.params.id), req.user);
    await cameras.remove(String(req.params.id));
    res.status(204).end();
  });
  return r;
}
