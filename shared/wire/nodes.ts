/**
 * Issue J: the nodes of a Watchpost installation, as GET /api/nodes gives them. Today one box: the standalone
 * node itself; a central will list its recorders (their status from their heartbeats).
 * (shared/wire: types, constants and pure functions only, no imports — see dispatch.ts.)
 */
export const NODE_ROLES = ['standalone', 'recorder', 'central'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** A node id (cluster.nodeId): also a topic level and a file-name part. */
export const NODE_ID_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

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

/**
 * A camera of a node as GET /api/nodes/:id/cameras gives it: for another node, its state as that node last
 * published it on MQTT — and `offline` with the reason `recorder down` while the node itself is offline.
 */
export interface NodeCameraView {
  id: string;
  name: string;
  /** starting | online | offline | disabled */
  status: string;
  /** the offline reason (`recorder down` when its node is offline), else null */
  reason: string | null;
  /** ms since the epoch of the state's start, or null */
  since: number | null;
}

export const RECORDER_DOWN = 'recorder down';
