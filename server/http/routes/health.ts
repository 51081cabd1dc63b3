import { Router } from 'express';
import type { CameraService } from '../../cameras/service.ts';

export function healthRouter(cameras: CameraService, version: string): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', version, cameras: cameras.counts() });
  });
  return r;
}
