/**
 * The MQTT start step (docs/mqtt.md): when `cluster.mqtt` (or WATCHPOST_MQTT_URL) is set, a publisher that
 * feeds the broker from the event bus; otherwise nothing. Reads cameras, zones and alarms from their services.
 */
import { readFileSync } from 'node:fs';
import type { ClusterConfig } from '../config/schema.ts';
import type { EventBus } from '../events/bus.ts';
import type { CameraService } from '../cameras/service.ts';
import type { AlarmService } from '../alarms/service.ts';
import type { ZoneRepo } from '../alarms/zone-repo.ts';
import type { SqlDb } from '../store/sql/db.ts';
import { MqttOutbox } from './outbox.ts';
import { MqttPublisher, type MqttOptions, type MqttSources } from './publisher.ts';
import type { CameraFacts, ZoneFacts } from './topics.ts';

export { MqttPublisher, type MqttStatus } from './publisher.ts';

export interface MqttDeps {
  cluster: ClusterConfig;
  version: string;
  bus: EventBus;
  cameras: CameraService;
  alarms: AlarmService;
  zones: ZoneRepo;
  /** the SQL layer: the outbox lives there (table mqtt_outbox) */
  sql: SqlDb;
  /** the server's duty log: its new entries are published too */
  dutyLog?: MqttOptions['dutyLog'];
}

/** The publisher for the configured broker, not started yet; undefined when no broker is configured. */
export function createMqtt(d: MqttDeps): MqttPublisher | undefined {
  const m = d.cluster.mqtt;
  if (!m) return undefined;
  return new MqttPublisher({
    url: m.url,
    nodeId: d.cluster.nodeId,
    role: d.cluster.role,
    version: d.version,
    snapshots: m.snapshots,
    discovery: m.discovery,
    discoveryPrefix: m.discoveryPrefix,
    heartbeatMs: m.heartbeatSeconds * 1000,
    nodeUrl: d.cluster.url,
    bus: d.bus,
    sources: sources(d),
    outbox: new MqttOutbox(d.sql),
    // the alarms are in the same database as the outbox: their event rows are written in the alarm's transaction
    alarms: d.alarms.sql === d.sql ? d.alarms : undefined,
    dutyLog: d.dutyLog,
  });
}

function sources(d: MqttDeps): MqttSources {
  const facts = (id: string): CameraFacts | undefined => {
    const c = d.cameras.get(id);
    if (!c) return undefined;
    const v = d.cameras.view(c);
    return { id: v.id, name: v.name, status: v.status, reason: v.statusReason, detail: v.statusDetail, since: v.statusSince };
  };
  const read = (path: string | undefined): Buffer | undefined => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  };
  return {
    cameras: () => d.cameras.list().flatMap((c) => facts(c.id) ?? []),
    camera: facts,
    zones: () => {
      const out: ZoneFacts[] = [];
      for (const [cameraId, zs] of d.zones.all()) {
        if (!d.cameras.get(cameraId)) continue;
        for (const z of zs) out.push({ cameraId, name: z.name, kind: z.kind });
      }
      return out;
    },
    holdingAlarms: () => d.alarms.holding(),
    latestSnapshot: async (cameraId) => {
      for (const a of await d.alarms.list('all', cameraId, 5)) {
        const jpeg = read(await d.alarms.snapshotPath(a.id));
        if (jpeg) return jpeg;
      }
      return undefined;
    },
    alarmSnapshot: async (id) => read(await d.alarms.snapshotPath(id)),
  };
}
