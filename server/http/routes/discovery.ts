import { Router } from 'express';
import type { OnvifService } from '../../onvif/service.ts';
import { requireRole } from '../auth.ts';

/** POST /api/discovery (admin): WS-Discovery on the site network, only when asked. */
export function discoveryRouter(onvif: OnvifService): Router {
  const r = Router();
  r.post('/', requireRole('admin'), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await onvif.discover());
  });
  return r;
}
