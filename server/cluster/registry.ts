/**
 * Which other Watchpost nodes share this node's MQTT broker, and whether they are up (issue J): subscribes to every
 * node's status and heartbeat topics (docs/mqtt.md) on a connection of its own and keeps them in a NodeTable.
 * GET /api/nodes lists them after the node itself. Never in the way of the server: a broker that is away only
 * means no news (every node it knew turns offline after its missed heartbeats), nothing throws.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { NodeCameraView, NodeView } from '../../shared/wire/nodes.ts';
import { createLogger } from '../util/log.ts';
import { clientOptions } from '../mqtt/types.ts';
import { redactUrl } from '../mqtt/topics.ts';
import { NodeTable, parseInfo } from './node-table.ts';

const log = createLogger('cluster');

const TOPIC_RE = /^watchpost\/([^/]+)\/(status|info)$/;
const CAMERA_RE = /^watchpost\/([^/]+)\/camera\/([^/]+)\/state$/;

export interface NodeRegistryOptions {
  url: string;
  nodeId: string;
  reconnectMs?: number;
  now?: () => number;
}

export class NodeRegistry {
  private client: MqttClient | undefined;
  private readonly table: NodeTable;
  private readonly now: () => number;

  constructor(private readonly o: NodeRegistryOptions) {
    this.table = new NodeTable(o.nodeId);
    this.now = o.now ?? Date.now;
  }

  start(): void {
    // its own client id (the publisher's is watchpost-<node>) and no Last Will: the publisher's connection has it
    const c = mqtt.connect(clientOptions(this.o.url, `watchpost-${this.o.nodeId}-nodes`, undefined, this.o.reconnectMs ?? 5000));
    this.client = c;
    c.on('connect', () => {
      c.subscribe(['watchpost/+/status', 'watchpost/+/info', 'watchpost/+/camera/+/state'], { qos: 1 }, (err) => {
        if (err) log.warn('could not subscribe to the other nodes', { url: redactUrl(this.o.url), reason: err.message });
      });
    });
    c.on('error', () => undefined); // the publisher logs the broker's troubles once; this one stays quiet
    c.on('message', (topic, payload, packet) => this.onMessage(topic, payload.toString('utf8'), packet.retain === true));
  }

  private onMessage(topic: string, payload: string, retained: boolean): void {
    const cam = CAMERA_RE.exec(topic);
    if (cam) return this.table.camera(cam[1]!, cam[2]!, payload);
    const m = TOPIC_RE.exec(topic);
    if (!m) return;
    const node = m[1]!;
    const now = this.now();
    if (m[2] === 'status') {
      const wasOnline = this.table.isOnline(node, now);
      this.table.status(node, payload, now);
      if (wasOnline && payload === 'offline') log.warn('node offline', { node });
      return;
    }
    if (payload === '') return this.table.forget(node); // its retained info cleared: removed from the installation
    const info = parseInfo(payload);
    if (!info || info.node !== node) return;
    const wasOnline = this.table.isOnline(node, now);
    this.table.info(info, retained, now);
    if (!wasOnline && this.table.isOnline(node, now)) log.info('node online', { node, role: info.role, cameras: info.cameras });
  }

  /** Another node's cameras (offline `recorder down` while it is); undefined for a node not heard of. */
  cameras(node: string): NodeCameraView[] | undefined {
    return this.table.cameras(node, this.now());
  }

  /** Every camera the other nodes published, with its node (NodeTable.allCameras). */
  allCameras(): { node: string; camera: NodeCameraView }[] {
    return this.table.allCameras(this.now());
  }

  /** The other node holding camera `id`, its announced URL and whether it is up now; undefined: no node published it. */
  holderOf(id: string): { node: string; url?: string; online: boolean } | undefined {
    const h = this.table.holderOf(id);
    return h && { ...h, online: this.table.isOnline(h.node, this.now()) };
  }

  /** The other nodes, by id (this node is not among them). */
  list(): NodeView[] {
    return this.table.list(this.now());
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }
}
