import { Router, type Request } from 'express';
import type { CameraService } from '../../cameras/service.ts';
import type { OnvifService } from '../../onvif/service.ts';
import { ptzMoveSchema, ptzStopSchema, type PtzActor } from '../../onvif/ptz-control.ts';
import { clientIp } from '../../audit/http.ts';
import { imageType } from '../../onvif/snapshot.ts';
import { parseBody } from '../errors.ts';
import { requireRole } from '../auth.ts';
import { onboardSchema, probeSchema } from '../../../shared/wire/requests/onvif.ts';
import type { z } from 'zod';
import type { Equal } from '../../../shared/wire/requests/common.ts';
import type { PtzVelocity } from '../../../shared/wire/ptz.ts';

/** The PTZ move body (its schema lives in ptz-control.ts) is what the console sends, shared/wire/ptz.ts's
 *  PtzVelocity: parsed it is exactly that type, and a PtzVelocity is a valid body — else a compile error here. */
type MustBeTrue<T extends true> = T;
export type _PtzMoveParsesToVelocity = MustBeTrue<Equal<z.output<typeof ptzMoveSchema>, PtzVelocity>>;
export type _PtzVelocityIsMoveBody = MustBeTrue<PtzVelocity extends z.input<typeof ptzMoveSchema> ? true : false>;

const OPERATE = ['operator', 'supervisor', 'admin'] as const;
const actor = (req: Request): PtzActor => ({ id: req.user!.id, username: req.user!.username, role: req.user!.role, ip: clientIp(req) });

/**
 * /api/onvif: probe a device, onboard it, snapshots and thumbnails of any camera, PTZ presets.
 * Credentials are accepted, used and stored encrypted; never returned.
 */
export function onvifRouter(onvif: OnvifService, cameras: CameraService): Router {
  const r = Router();
  r.post('/probe', requireRole('admin'), async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await onvif.probe(parseBody(probeSchema, req.body)));
  });
  r.post('/cameras', requireRole('admin'), async (req, res) => {
    const cam = await onvif.onboard(parseBody(onboardSchema, req.body));
    res.status(201).location(`/api/cameras/${cam.id}`).json(cameras.view(cam));
  });
  r.get('/cameras/:id/snapshot', async (req, res) => {
    // the real type: a camera's PNG is a PNG, whatever Content-Type it came with
    const still = await onvif.still(String(req.params.id));
    res.set({ 'Content-Type': still.type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).send(still.body);
  });
  r.get('/cameras/:id/thumbnail', async (req, res) => {
    const thumb = await onvif.thumbnail(String(req.params.id)); // made by sharp: a JPEG, checked from its bytes
    res.set({ 'Content-Type': imageType(thumb) ?? 'image/jpeg', 'Cache-Control': 'private, max-age=30' }).send(thumb);
  });
  r.get('/cameras/:id/presets', async (req, res) => {
    res.json({ presets: await onvif.presets(String(req.params.id)) });
  });
  // PTZ from the single view (ptz-control.ts): operators, supervisors and admins who may see the camera (the camera
  // guard answers 404 for the others); refused 409 ptz_patrol while a patrol round drives the camera
  r.post('/cameras/:id/presets/:token/goto', requireRole(...OPERATE), async (req, res) => {
    await onvif.ptzControl.gotoPreset(String(req.params.id), actor(req), String(req.params.token));
    res.status(204).end();
  });
  r.post('/cameras/:id/ptz/move', requireRole(...OPERATE), async (req, res) => {
    const v = parseBody(ptzMoveSchema, req.body);
    res.set('Cache-Control', 'no-store').json(await onvif.ptzControl.move(String(req.params.id), actor(req), v));
  });
  r.post('/cameras/:id/ptz/stop', requireRole(...OPERATE), async (req, res) => {
    parseBody(ptzStopSchema, req.body ?? {});
    await onvif.ptzControl.stop(String(req.params.id), actor(req));
    res.status(204).end();
  });
  return r;
}
