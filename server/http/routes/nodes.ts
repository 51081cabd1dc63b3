import { Router } from 'express';
import type { NodeCameraView, NodeView } from '../../../shared/wire/nodes.ts';
import type { CameraService } from '../../cameras/service.ts';
import type { RightsService } from '../../access/rights.ts';
import { forbidden, notFound } from '../../util/errors.ts';

/** What the routes read of the cluster (server/cluster/index.ts). */
export interface NodesView {
  list(): NodeView[];
  self: string;
  remoteCameras(node: string): NodeCameraView[] | undefined;
}

/**
 * GET /api/nodes (issue J): this node, then the other nodes heard on the MQTT broker.
 * GET /api/nodes/:id/cameras: a node's cameras and their state — this node's as the camera list says (only the
 * cameras the user may see), another node's as it last published them, offline `recorder down` while it is down.
 * Another node's cameras are not covered by this node's per-camera rights, so only users who may see every camera
 * get them (403 for the others).
 */
export function nodesRouter(nodes: NodesView, cameras: CameraService, rights: RightsService): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(nodes.list());
  });
  r.get('/:id/cameras', (req, res) => {
    const id = String(req.params.id);
    const user = req.user!;
    if (id === nodes.self) {
      const own = cameras
        .list()
        .filter((c) => rights.canSee(user, c.id))
        .map((c): NodeCameraView => {
          const v = cameras.view(c);
          return { id: v.id, name: v.name, status: v.status, reason: v.statusReason, since: v.statusSince };
        });
      res.set('Cache-Control', 'no-store').json(own);
      return;
    }
    const list = nodes.remoteCameras(id);
    if (!list) throw notFound(`no node "${id}" is known (not heard of on the MQTT broker)`, { what: 'node', id });
    if (!rights.of(user).all) throw forbidden("another node's cameras are shown only to users who may see every camera", { what: 'remote_cameras' });
    res.set('Cache-Control', 'no-store').json(list);
  });
  return r;
}
