import { Router } from 'express';
import type { NodeView } from '../../../shared/wire/nodes.ts';

/** GET /api/nodes (issue J). One box today: the node itself, online while it answers. */
export function nodesRouter(self: () => NodeView[]): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(self());
  });
  return r;
}
