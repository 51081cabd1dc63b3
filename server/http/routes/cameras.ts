import { Router } from 'express';
import type { CameraService } from '../../cameras/service.ts';
import type { ProbeResult } from '../../media/probe.ts';
import { AppError } from '../../util/errors.ts';
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

export function camerasRouter(cameras: CameraService, probe?: SourceProber): Router {
  const r = Router();
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
  r.get('/', (_req, res) => {
    res.json(cameras.list().map((c) => cameras.view(c)));
  });
  r.get('/:id', (req, res) => {
    res.json(cameras.view(cameras.require(req.params.id)));
  });
  r.post('/', requireRole('admin'), async (req, res) => {
    const body = splitCredentials(parseBody(createSchema, req.body));
    const cam = await cameras.create(body);
    res.status(201).location(`/api/cameras/${cam.id}`).json(cameras.view(cam));
  });
  r.patch('/:id', requireRole('admin'), async (req, res) => {
    const id = String(req.params.id);
    cameras.require(id);
    const body = splitCredentials(parseBody(patchSchema, req.body));
    res.json(cameras.view(await cameras.update(id, body)));
  });
  r.delete('/:id', requireRole('admin'), async (req, res) => {
    await cameras.remove(String(req.params.id));
    res.status(204).end();
  });
  return r;
}
