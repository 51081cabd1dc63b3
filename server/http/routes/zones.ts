/**
 * Detection zones per camera and a still to draw them on:
 *   GET /api/cameras/:id/zones · PUT /api/cameras/:id/zones {zones:[…]} (admin, supervisor)
 *   GET /api/cameras/:id/snapshot.jpg — a frame of the newest live HLS segment (the ONVIF service's snapshot
 *   when it is there), cached ~2 s per camera.
 */
import { Router } from 'express';
import { parseZonesFile, ZoneValidationError, type Zone } from '../../analytics/zones.ts';
import type { ZoneRepo } from '../../alarms/repo.ts';
import type { CameraService } from '../../cameras/service.ts';
import { grabFrame } from '../../onvif/snapshot.ts';
import { newestLiveSegment } from '../../patrol/snapshot.ts';
import { AppError, badRequest } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';

export interface ZonesDeps {
  cameras: CameraService;
  zones: ZoneRepo;
  /** called after zones were saved (restarts the camera's analysis) */
  changed: (cameraId: string) => void;
  liveDir: (cameraId: string) => string;
  ffmpegPath: string;
  /** the ONVIF service's snapshot, when present */
  snapshot?: (cameraId: string) => Promise<Buffer>;
}

const CACHE_MS = 2000;

export function zonesRouter(d: ZonesDeps): Router {
  const r = Router();
  const cache = new Map<string, { at: number; p: Promise<Buffer> }>();

  r.get('/:id/zones', (req, res) => {
    const cam = d.cameras.require(String(req.params.id));
    const z = d.zones.get(cam.id);
    res.set('Cache-Control', 'no-store').json({ cameraId: cam.id, zones: z.zones, updatedAt: z.updatedAt, updatedBy: z.updatedBy });
  });

  r.put('/:id/zones', requireRole('admin', 'supervisor'), (req, res) => {
    const cam = d.cameras.require(String(req.params.id));
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('expected a JSON object {"zones": [...]}');
    let zones: Zone[];
    try {
      zones = parseZonesFile(body);
    } catch (e) {
      if (e instanceof ZoneValidationError) throw badRequest(e.message, 'invalid_zone');
      throw e;
    }
    d.zones.set(cam.id, zones, req.user?.username ?? '?');
    d.changed(cam.id);
    const z = d.zones.get(cam.id);
    res.json({ cameraId: cam.id, zones: z.zones, updatedAt: z.updatedAt, updatedBy: z.updatedBy });
  });

  r.get('/:id/snapshot.jpg', async (req, res) => {
    const cam = d.cameras.require(String(req.params.id));
    const now = Date.now();
    let hit = cache.get(cam.id);
    if (!hit || now - hit.at > CACHE_MS) {
      const grab = async (): Promise<Buffer> => {
        if (d.snapshot) return d.snapshot(cam.id);
        const seg = newestLiveSegment(d.liveDir(cam.id));
        if (!seg) throw new AppError(503, 'no_video', `camera "${cam.id}" has no live video yet`);
        try {
          return await grabFrame(d.ffmpegPath, seg);
        } catch (e) {
          throw new AppError(503, 'no_video', `no frame from camera "${cam.id}": ${(e as Error).message}`);
        }
      };
      hit = { at: now, p: grab() };
      hit.p.catch(() => cache.delete(cam.id));
      cache.set(cam.id, hit);
    }
    const jpeg = await hit.p;
    res.set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=2' }).send(jpeg);
  });
  return r;
}
