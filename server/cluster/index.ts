/**
 * The cluster start step (issue J, docs/cluster.md): the list GET /api/nodes answers — this node, then the other
 * nodes seen on the shared MQTT broker (registry.ts) when `cluster.mqtt` is set.
 */
import type { NodeCameraView, NodeView } from '../../shared/wire/nodes.ts';
import type { ClusterConfig } from '../config/schema.ts';
import { NodeRegistry } from './registry.ts';

export { NodeRegistry } from './registry.ts';

export interface Nodes {
  list(): NodeView[];
  /** this node's id */
  self: string;
  /** another node's cameras as it published them (undefined: not heard of, or no broker) */
  remoteCameras(node: string): NodeCameraView[] | undefined;
  /** every camera the other nodes published, each with its node ([] without a broker) */
  allRemoteCameras(): { node: string; camera: NodeCameraView }[];
  /** the other node that published camera `id` (its URL, whether it is up); undefined: none, or no broker */
  holderOf(id: string): { node: string; url?: string; online: boolean } | undefined;
  start(): void;
  stop(): Promise<void>;
}

/** `cameras`: how many cameras this node holds now. */
export function createNodes(cluster: ClusterConfig, cameras: () => number): Nodes {
  const registry = cluster.mqtt ? new NodeRegistry({ url: cluster.mqtt.url, nodeId: cluster.nodeId }) : undefined;
  // this node: online while it answers
  const self = (): NodeView => ({ id: cluster.nodeId, role: cluster.role, status: 'online', lastSeen: Date.now(), cameras: cameras() });
  return {
    list: () => [self(), ...(registry?.list() ?? [])],
    self: cluster.nodeId,
    remoteCameras: (node) => registry?.cameras(node),
    allRemoteCameras: () => registry?.allCameras() ?? [],
    holderOf: (id) => registry?.holderOf(id),
    start: () => registry?.start(),
    stop: async () => registry?.stop(),
  };
}
