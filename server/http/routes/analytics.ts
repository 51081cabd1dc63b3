/** GET /api/analytics/status: enabled (or why not), settings, per camera analysed fps and dropped frames. */
import { Router } from 'express';
import type { LiveAnalytics } from '../../analytics/live/service.ts';

export function analyticsRouter(analytics: LiveAnalytics): Router {
  const r = Router();
  r.get('/status', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(analytics.status());
  });
  return r;
}
