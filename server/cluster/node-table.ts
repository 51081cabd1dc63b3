/**
 * The nodes one node sees on the shared MQTT broker (issue J), as pure state: fed with what arrives on
 * `watchpost/<node>/status` and `watchpost/<node>/info` (docs/mqtt.md), asked with a time. A node is offline when
 * its status says so (a clean stop, or the Last Will the broker sends when the node's connection dies) or when no
 * heartbeat came for 3 of its heartbeat intervals (a broker that missed the link cut, a node that hangs).
 * Its cameras (their retained state topics) are then offline with the reason `recorder down`, whatever their own
 * last state said. (Taking them over on a standby comes with the shared camera table: docs/cluster.md.)
 */
import { z } from 'zod';
import { CAMERA_ID_RE } from '../../shared/wire/cameras.ts';
import { nodeUrl } from '../config/schema.ts';
import { NODE_ID_RE, NODE_ROLES, RECORDER_DOWN, type NodeCameraView, type NodeRole, type NodeView } from '../../shared/wire/nodes.ts';

/** A node missing this many heartbeats in a row is offline. */
export const MISSED_HEARTBEATS = 3;
/** The heartbeat interval assumed for a node whose info does not say (the default of cluster.mqtt.heartbeatSeconds). */
export const DEFAULT_HEARTBEAT_MS = 4000;

export interface NodeInfo {
  node: string;
  role: NodeRole;
  version?: string;
  /** the node's own clock when it sent the heartbeat, ms */
  at: number;
  cameras: number;
  online?: number;
  heartbeatMs?: number;
  /** the URL other nodes reach it at (cluster.url), when it announces one */
  url?: string;
}

interface Entry {
  id: string;
  role: NodeRole;
  cameras: number;
  /** our clock: when its last heartbeat arrived (for a retained one: the time it carries) */
  lastSeen: number;
  heartbeatMs: number;
  /** what its status topic said last (undefined: nothing yet) */
  status?: 'online' | 'offline';
  url?: string;
}

/** A JSON payload, or undefined when it is not JSON. */
function json(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

// what other programs on the broker send is checked like a request body; a field that is merely odd is dropped
const cameraStateSchema = z.object({
  id: z.string().regex(CAMERA_ID_RE),
  name: z.string().transform((n) => n.slice(0, 200)),
  status: z.string().max(20),
  reason: z.string().transform((r) => r.slice(0, 100)).nullable().catch(null),
  since: z.number().nullable().catch(null),
});

const infoSchema = z.object({
  node: z.string().regex(NODE_ID_RE),
  role: z.enum(NODE_ROLES),
  version: z.string().optional().catch(undefined),
  at: z.number(),
  cameras: z.number().int().min(0),
  online: z.number().int().min(0).optional().catch(undefined),
  heartbeatMs: z.number().min(1000).max(300_000).optional().catch(undefined),
  // a URL that is not a plain http(s) one is dropped: this node never connects to it
  url: nodeUrl.optional().catch(undefined),
});

/** A retained camera state payload (docs/mqtt.md) of camera `id`, checked; null for anything else. */
export function parseCameraState(id: string, payload: string): NodeCameraView | null {
  const r = cameraStateSchema.safeParse(json(payload));
  return r.success && r.data.id === id ? r.data : null;
}

/** A heartbeat payload, checked; null for anything that is not one (another program on the broker, a bad node). */
export function parseInfo(payload: string): NodeInfo | null {
  const r = infoSchema.safeParse(json(payload));
  return r.success ? r.data : null;
}

export class NodeTable {
  private readonly nodes = new Map<string, Entry>();
  private readonly cams = new Map<string, Map<string, NodeCameraView>>();

  constructor(private readonly self: string) {}

  /**
   * A heartbeat. `retained`: the broker kept it from before we subscribed, so it is as old as the time it carries
   * (never newer than now); a live one counts from its arrival (the sender's clock may be off).
   */
  info(i: NodeInfo, retained: boolean, now: number): void {
    if (i.node === this.self) return;
    const prev = this.nodes.get(i.node);
    const seen = retained ? Math.min(i.at, now) : now;
    this.nodes.set(i.node, {
      id: i.node,
      role: i.role,
      cameras: i.cameras,
      lastSeen: Math.max(seen, prev?.lastSeen ?? 0),
      heartbeatMs: i.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      url: i.url,
      // a live heartbeat means it runs, whatever a retained status said before
      status: retained ? prev?.status : 'online',
    });
  }

  /** The node's status topic: "online" or "offline" (anything else is ignored). */
  status(node: string, value: string, now: number): void {
    if (node === this.self || !NODE_ID_RE.test(node) || (value !== 'online' && value !== 'offline')) return;
    const prev = this.nodes.get(node);
    if (!prev) {
      // a status before any heartbeat: known to exist, nothing else yet
      this.nodes.set(node, { id: node, role: 'standalone', cameras: 0, lastSeen: value === 'online' ? now : 0, heartbeatMs: DEFAULT_HEARTBEAT_MS, status: value });
      return;
    }
    prev.status = value;
    if (value === 'online') prev.lastSeen = Math.max(prev.lastSeen, now);
  }

  /** A node's retained topics were cleared (it was removed from the installation). */
  forget(node: string): void {
    this.nodes.delete(node);
    this.cams.delete(node);
  }

  /** A camera's retained state topic: its state, or '' when the camera was removed. */
  camera(node: string, id: string, payload: string): void {
    if (node === this.self || !NODE_ID_RE.test(node)) return;
    if (payload === '') {
      this.cams.get(node)?.delete(id);
      return;
    }
    const c = parseCameraState(id, payload);
    if (!c) return;
    let m = this.cams.get(node);
    if (!m) this.cams.set(node, (m = new Map()));
    m.set(id, c);
  }

  /** The cameras another node published, by id; offline `recorder down` while the node is; undefined: no such node. */
  cameras(node: string, now: number): NodeCameraView[] | undefined {
    const e = this.nodes.get(node);
    if (!e) return undefined;
    const up = this.isOnline(node, now);
    return [...(this.cams.get(node)?.values() ?? [])]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((c) => (up ? c : { ...c, status: 'offline', reason: RECORDER_DOWN, since: e.lastSeen || null }));
  }

  /** The node that published camera `id` (another node's), with the URL it announced; undefined: none did. */
  holderOf(id: string): { node: string; url?: string } | undefined {
    for (const [node, m] of this.cams) if (m.has(id) && this.nodes.has(node)) return { node, url: this.nodes.get(node)!.url };
    return undefined;
  }

  /**
   * Every camera other nodes published, each once with its node (the first node heard publishing an id, as holderOf
   * picks), offline `recorder down` while its node is offline.
   */
  allCameras(now: number): { node: string; camera: NodeCameraView }[] {
    const out: { node: string; camera: NodeCameraView }[] = [];
    const seen = new Set<string>();
    for (const node of this.cams.keys()) {
      for (const c of this.cameras(node, now) ?? []) {
        if (seen.has(c.id)) continue;
        seen.add(c.id);
        out.push({ node, camera: c });
      }
    }
    return out;
  }

  isOnline(node: string, now: number): boolean {
    const e = this.nodes.get(node);
    if (!e || e.status === 'offline') return false;
    return now - e.lastSeen <= MISSED_HEARTBEATS * e.heartbeatMs;
  }

  /** Every other node, by id. */
  list(now: number): NodeView[] {
    return [...this.nodes.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((e) => ({ id: e.id, role: e.role, status: this.isOnline(e.id, now) ? 'online' : 'offline', lastSeen: e.lastSeen, cameras: e.cameras }));
  }
}
