/**
 * Detection zones per camera and a still to draw them on:
 *   GET /api/cameras/:id/zones · PUT /api/cameras/:id/zones {zones:[…]} (admin, supervisor)
 *   GET /api/cameras/:id/zones/reference.jpg?zone=NAME[&view=current] — an exit zone's learned "clear"
 *   reference (grey, the zone bright, the rest dimmed), or what the zone looks like now (issue H point 2)
 *   POST /api/cameras/:id/zones/relearn {zone} (admin, supervisor) — forget it and learn it again; audited
 *   as zone.update with the zone name in its fields (audit/http.ts auditChanges)
 *   GET /api/cameras/:id/snapshot.jpg — a frame of the newest live HLS segment (the ONVIF service's snapshot
 *   when it is there), cached ~2 s per camera.
 */
import { Router } from 'express';
import { parseZonesFile, ZoneValidationError, type Zone } from '../../analytics/zones.ts';
import type { ZoneRepo } from '../../alarms/zone-repo.ts';
import type { CameraService } from '../../cameras/service.ts';
import { grabFrame } from '../../onvif/snapshot.ts';
import { newestLiveSegment } from '../../patrol/snapshot.ts';
import { runningScenes, type SceneAccess } from '../../analytics/live/running.ts';
import { AppError, badRequest, conflict, notFound } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';
import type { ZoneRelearnBody } from '../../../shared/wire/zones.ts';
import { fieldsFromZod } from '../error-fields.ts';

export interface ZonesDeps {
  cameras: CameraService;
  zones: ZoneRepo;
  /** called after zones were saved (restarts the camera's analysis) */
  changed: (cameraId: string) => void;
  liveDir: (cameraId: string) => string;
  ffmpegPath: string;
  /** the ONVIF service's snapshot, when present */
  snapshot?: (cameraId: string) => Promise<Buffer>;
  /** exit zones' clear references (default: the running live analytics) */
  scene?: SceneAccess;
}


const CACHE_MS = 2000;

export function zonesRouter(d: ZonesDeps): Router {
  const r = Router();
  const cache = new Map<string, { at: number; p: Promise<Buffer> }>();
  const scene = (): SceneAccess => {
    const a = d.scene ?? runningScenes();
    if (!a) throw new AppError(503, 'analytics_off', 'live analytics are not running');
    return a;
  };
  /** the camera and its exit zone named in the request, or a 400/404 */
  const exitZone = (id: string, name: unknown) => {
    const cam = d.cameras.require(id);
    if (typeof name !== 'string' || !name) throw badRequest('zone (the name of an exit zone) is required', 'invalid_zone');
    const z = d.zones.get(cam.id).zones.find((x) => x.name === name);
    if (!z) throw notFound(`camera "${cam.id}" has no zone "${name}"`, { what: 'zone', camera: cam.id, name });
    if (z.kind !== 'exit') throw badRequest(`zone "${name}" is a ${z.kind} zone: only exit zones have a clear reference`, 'invalid_zone', { what: 'not_exit', name, kind: z.kind });
    return { cam, zone: z };
  };

  // before the generic zone routes
  r.get('/:id/zones/reference.jpg', async (req, res) => {
    const { cam, zone } = exitZone(String(req.params.id), req.query.zone);
    const a = scene();
    const jpeg = await a.zoneImage(cam.id, zone.name, req.query.view === 'current' ? 'current' : 'reference');
    if (!jpeg) {
      const st = a.status().cameras.find((c) => c.cameraId === cam.id)?.scenes.find((s) => s.zone === zone.name);
      const why = st ? `${st.state}${st.reason ? `: ${st.reason}` : ''}` : 'the camera is not analysed yet';
      throw new AppError(404, 'no_reference', `zone "${zone.name}" has no learned reference yet (${why})`, {}, { params: { name: zone.name, state: st?.state ?? 'not_analysed', ...(st?.reason ? { reason: st.reason } : {}) } });
    }
    res.set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'no-store' }).send(jpeg);
  });

  r.post('/:id/zones/relearn', requireRole('admin', 'supervisor'), (req, res) => {
    const body = (req.body ?? {}) as { [K in keyof ZoneRelearnBody]?: unknown };
    const { cam, zone } = exitZone(String(req.params.id), body.zone);
    if (!scene().relearnZone(cam.id, zone.name)) throw conflict(`camera "${cam.id}" is not analysed right now (offline or disabled): nothing to re-learn`, 'not_analysed', { camera: cam.id });
    res.json({ cameraId: cam.id, zone: zone.name, state: 'learning' });
  });

  r.get('/:id/zones', (req, res) => {
    const cam = d.cameras.require(String(req.params.id));
    const z = d.zones.get(cam.id);
    res.set('Cache-Control', 'no-store').json({ cameraId: cam.id, zones: z.zones, updatedAt: z.updatedAt, updatedBy: z.updatedBy });
  });

  r.put('/:id/zones', requireRole('admin', 'supervisor'), async (req, res) => {
    const cam = d.cameras.require(String(req.params.id));
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('expected a JSON object {"zones": [...]}');
    let zones: Zone[];
    try {
      zones = parseZonesFile(body);
    } catch (e) {
      if (e instanceof ZoneValidationError) throw new AppError(400, 'invalid_zone', e.message, {}, { params: { what: 'zones' }, ...(e.issues ? { fields: fieldsFromZod(e.issues) } : {}) });
      throw e;
    }
    await d.zones.set(cam.id, zones, req.user?.username ?? '?');
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
        if (!seg) throw new AppError(503, 'no_video', `camera "${cam.id}" has no live video yet`, {}, { params: { camera: cam.id } });
        try {
          return await grabFrame(d.ffmpegPath, seg);
        } catch (e) {
          throw new AppError(503, 'no_video', `no frame from camera "${cam.id}": ${(e as Error).message}`, {}, { params: { camera: cam.id, detail: (e as Error).message } });
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
