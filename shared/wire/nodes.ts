/**
 * Issue J: the nodes of a Watchpost installation, as GET /api/nodes gives them. Today one box: the standalone
 * node itself; a central will list its recorders (their status from their heartbeats).
 * (shared/wire: types, constants and pure functions only, no imports — see dispatch.ts.)
 */
export type NodeRole = 'standalone' | 'recorder' | 'central';

export interface NodeView {
  /** cluster.nodeId (WATCHPOST_NODE_ID); also `node` on each camera of GET /api/cameras */
  id: string;
  role: NodeRole;
  status: 'online' | 'offline';
  /** ms since the epoch of its last heartbeat (the standalone node: now) */
  lastSeen: number;
  /** how many cameras this node holds */
  cameras: number;
}
