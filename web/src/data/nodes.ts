/** The nodes of the installation and their cameras (server/http/routes/nodes.ts, issue J). */
import { api } from './api';

import type { NodeCameraView, NodeView } from '../../../shared/wire/nodes';
export type { NodeCameraView, NodeRole, NodeView } from '../../../shared/wire/nodes';
export { RECORDER_DOWN } from '../../../shared/wire/nodes';

export function fetchNodes(): Promise<NodeView[]> {
  return api('GET', '/api/nodes');
}

export function fetchNodeCameras(id: string): Promise<NodeCameraView[]> {
  return api('GET', `/api/nodes/${encodeURIComponent(id)}/cameras`);
}
