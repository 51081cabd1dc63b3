/**
 * MQTT topics and payloads (docs/mqtt.md), pure functions: the publisher (publisher.ts) sends what these build.
 *
 *   watchpost/<node>/status                            "online" retained; Last Will "offline" retained
 *   watchpost/<node>/info                              retained JSON heartbeat {node, role, version, at, cameras, online}
 *   watchpost/<node>/camera/<id>/state                 retained JSON {id, name, status, reason, detail, since, state: "ON"|"OFF"}
 *   watchpost/<node>/camera/<id>/snapshot              retained JPEG bytes (the newest alarm snapshot)
 *   watchpost/<node>/alarm/<camera>/<zone key>/state   retained "ON" while an alarm of the zone holds, else "OFF"
 *   watchpost/<node>/alarm/<camera>/<zone key>/event   JSON {event: "raised"|"updated"|"ended", node, alarm}, QoS 1, not retained
 *   <discovery prefix>/<component>/watchpost-<node>/<object>/config   Home Assistant discovery, retained
 *
 * Topics hold ids only (camera ids, node id, a zone key); names (any Unicode) travel in the JSON payloads.
 */
import { createHash } from 'node:crypto';
import type { CameraStatus } from '../cameras/types.ts';
import type { AlarmKind, AlarmView } from '../alarms/types.ts';
import type { LogEntry } from '../dutylog/chain.ts';

export interface CameraFacts {
  id: string;
  name: string;
  status: CameraStatus;
  reason: string | null;
  detail: string | null;
  since: number | null;
}

/** A zone as it gets a binary_sensor: drawn zones (loitering / exit) and the tamper "zone" (the whole view). */
export interface ZoneFacts {
  cameraId: string;
  name: string;
  kind: 'loitering' | 'exit' | 'tamper';
}

export const ON = 'ON';
export const OFF = 'OFF';

/**
 * A topic-safe key for a zone name: the name itself when it is already [a-z0-9_-] (max 40), else its ASCII
 * letters and digits (lowercased, max 24) and 8 hex digits of its sha256, so distinct names never collide.
 */
export function zoneKey(name: string): string {
  if (/^[a-z0-9][a-z0-9_-]{0,39}$/.test(name)) return name;
  const ascii = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24).replace(/-+$/, '');
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
  return ascii ? `${ascii}-${hash}` : `z-${hash}`;
}

/** The kind of zone an alarm kind belongs to. */
export function zoneKindOf(kind: AlarmKind): ZoneFacts['kind'] {
  return kind === 'blocked_exit' ? 'exit' : kind === 'camera_tamper' ? 'tamper' : 'loitering';
}

/** Home Assistant binary_sensor device class per zone kind. */
export const ZONE_DEVICE_CLASS: Record<ZoneFacts['kind'], string> = { loitering: 'motion', exit: 'safety', tamper: 'tamper' };

export class Topics {
  readonly base: string;
  constructor(
    readonly node: string,
    readonly discoveryPrefix = 'homeassistant',
  ) {
    this.base = `watchpost/${node}`;
  }
  get status(): string {
    return `${this.base}/status`;
  }
  get info(): string {
    return `${this.base}/info`;
  }
  cameraState(id: string): string {
    return `${this.base}/camera/${id}/state`;
  }
  snapshot(id: string): string {
    return `${this.base}/camera/${id}/snapshot`;
  }
  zoneState(cameraId: string, zone: string): string {
    return `${this.base}/alarm/${cameraId}/${zoneKey(zone)}/state`;
  }
  alarmEvent(cameraId: string, zone: string): string {
    return `${this.base}/alarm/${cameraId}/${zoneKey(zone)}/event`;
  }
  /** each new duty-log entry, QoS 1 through the outbox (not retained) */
  get dutyLogEntry(): string {
    return `${this.base}/dutylog/entry`;
  }
  private discovery(component: 'binary_sensor' | 'camera', object: string): string {
    return `${this.discoveryPrefix}/${component}/watchpost-${this.node}/${object}/config`;
  }
  cameraOnlineConfig(id: string): string {
    return this.discovery('binary_sensor', `${id}_online`);
  }
  cameraEntityConfig(id: string): string {
    return this.discovery('camera', id);
  }
  zoneConfig(cameraId: string, zone: string): string {
    return this.discovery('binary_sensor', `${cameraId}_zone_${zoneKey(zone)}`);
  }
  nodeConfig(): string {
    return this.discovery('binary_sensor', 'node_status');
  }
}

/** The retained camera state: the camera's state plus the ON/OFF Home Assistant reads (ON only when online). */
export function cameraStatePayload(c: CameraFacts): string {
  return JSON.stringify({ id: c.id, name: c.name, status: c.status, reason: c.reason, detail: c.detail, since: c.since, state: c.status === 'online' ? ON : OFF });
}

export function alarmEventPayload(node: string, event: 'raised' | 'updated' | 'ended', alarm: AlarmView): string {
  return JSON.stringify({ event, node, alarm });
}

/** A duty-log entry as stored and hashed (seq, ts, …, prevHash, hash), so a central can verify the chain. */
export function dutyLogEntryPayload(node: string, entry: LogEntry): string {
  return JSON.stringify({ node, entry });
}

export interface DiscoveryContext {
  topics: Topics;
  version: string;
}

const origin = (ctx: DiscoveryContext) => ({ name: 'Watchpost', sw_version: ctx.version });
const availability = (ctx: DiscoveryContext) => ({ availability_topic: ctx.topics.status, payload_available: 'online', payload_not_available: 'offline' });
const nodeIdent = (ctx: DiscoveryContext) => `watchpost_${ctx.topics.node}`;
const cameraDevice = (ctx: DiscoveryContext, c: { id: string; name: string }) => ({
  identifiers: [`${nodeIdent(ctx)}_${c.id}`],
  name: c.name,
  manufacturer: 'Watchpost',
  model: 'CCTV camera',
  via_device: nodeIdent(ctx),
});

/** The node itself: a connectivity binary_sensor on the status topic (its own availability is that topic too). */
export function nodeDiscovery(ctx: DiscoveryContext): Record<string, unknown> {
  return {
    name: 'Node',
    unique_id: `${nodeIdent(ctx)}_status`,
    device_class: 'connectivity',
    state_topic: ctx.topics.status,
    payload_on: 'online',
    payload_off: 'offline',
    device: { identifiers: [nodeIdent(ctx)], name: `Watchpost ${ctx.topics.node}`, manufacturer: 'Watchpost', model: 'Watchpost node', sw_version: ctx.version },
    origin: origin(ctx),
  };
}

/** Camera online/offline: binary_sensor, device_class connectivity, reading `state` of the camera's state JSON. */
export function cameraOnlineDiscovery(ctx: DiscoveryContext, c: { id: string; name: string }): Record<string, unknown> {
  const t = ctx.topics;
  return {
    name: 'Connection',
    unique_id: `${nodeIdent(ctx)}_${c.id}_online`,
    device_class: 'connectivity',
    state_topic: t.cameraState(c.id),
    value_template: '{{ value_json.state }}',
    payload_on: ON,
    payload_off: OFF,
    json_attributes_topic: t.cameraState(c.id),
    ...availability(ctx),
    device: cameraDevice(ctx, c),
    origin: origin(ctx),
  };
}

/** The camera entity: the newest alarm snapshot (JPEG) on the snapshot topic. */
export function cameraEntityDiscovery(ctx: DiscoveryContext, c: { id: string; name: string }): Record<string, unknown> {
  const t = ctx.topics;
  return {
    name: 'Alarm snapshot',
    unique_id: `${nodeIdent(ctx)}_${c.id}_snapshot`,
    topic: t.snapshot(c.id),
    ...availability(ctx),
    device: cameraDevice(ctx, c),
    origin: origin(ctx),
  };
}

/** A zone alarm: binary_sensor ON while an alarm of the zone holds; the last alarm event as its attributes. */
export function zoneDiscovery(ctx: DiscoveryContext, camera: { id: string; name: string }, z: ZoneFacts): Record<string, unknown> {
  const t = ctx.topics;
  return {
    name: z.kind === 'tamper' ? 'Tamper' : `Zone ${z.name}`,
    unique_id: `${nodeIdent(ctx)}_${camera.id}_zone_${zoneKey(z.name)}`,
    device_class: ZONE_DEVICE_CLASS[z.kind],
    state_topic: t.zoneState(camera.id, z.name),
    payload_on: ON,
    payload_off: OFF,
    json_attributes_topic: t.alarmEvent(camera.id, z.name),
    json_attributes_template: '{{ value_json.alarm | tojson }}',
    ...availability(ctx),
    device: cameraDevice(ctx, camera),
    origin: origin(ctx),
  };
}

export { redactUrl } from '../util/url.ts';
