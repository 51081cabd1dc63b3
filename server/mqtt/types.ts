/** The MQTT publisher's options, what it reads from the server, what it reports, and the client options it connects with. */
import type { IClientOptions } from 'mqtt';
import type { EventBus } from '../events/bus.ts';
import type { AlarmView } from '../alarms/types.ts';
import type { AlarmOutbox } from '../alarms/service.ts';
import type { LogEntry } from '../dutylog/chain.ts';
import type { MqttOutbox } from './outbox.ts';
import type { CameraFacts, ZoneFacts } from './topics.ts';

/** What the publisher reads from the rest of the server. */
export interface MqttSources {
  cameras(): CameraFacts[];
  camera(id: string): CameraFacts | undefined;
  /** the drawn detection zones of every camera */
  zones(): ZoneFacts[];
  /** alarms whose condition still holds (endMs null) */
  holdingAlarms(): Pick<AlarmView, 'id' | 'cameraId' | 'zone' | 'kind'>[];
  /** the newest alarm snapshot of a camera, if any (alarms are read through the SQL layer: may be async) */
  latestSnapshot(cameraId: string): Buffer | undefined | Promise<Buffer | undefined>;
  alarmSnapshot(alarmId: number): Buffer | undefined | Promise<Buffer | undefined>;
}

export interface MqttOptions {
  url: string;
  nodeId: string;
  role: string;
  version: string;
  snapshots: boolean;
  discovery: boolean;
  discoveryPrefix: string;
  bus: EventBus;
  sources: MqttSources;
  /** the URL other nodes reach this node at (cluster.url), announced in the heartbeat */
  nodeUrl?: string;
  /** heartbeat interval (default 4 s: cluster.mqtt.heartbeatSeconds) */
  heartbeatMs?: number;
  reconnectMs?: number;
  /** alarm events and duty-log entries go through it (outbox.ts, sender.ts) */
  outbox: MqttOutbox;
  /** rows the outbox may hold before duty-log entries are left out (default 100 000; alarm events never are) */
  outboxCap?: number;
  /**
   * The alarm service, when its alarms are in the outbox's database: while the publisher runs, an alarm event's
   * outbox row is written in the alarm's own write transaction (AlarmService.outbox), not after it.
   */
  alarms?: { outbox?: AlarmOutbox };
  /** the server's duty log: each new entry is published (watchpost/<node>/dutylog/entry) */
  dutyLog?: { onAppend(fn: (e: LogEntry) => void): () => void };
}

export interface MqttStatus {
  connected: boolean;
  /** the broker refused the login (wrong user name or password, not authorised) */
  authFailed: boolean;
  lastError: string | null;
  /** successful connections since start */
  connects: number;
  published: number;
  /** outbox rows (alarm events, duty-log entries) waiting for the broker's PUBACK */
  queued: number;
}

/**
 * mqtt.js options for a broker URL: user name and password taken from the URL (percent-decoded), the client id, the
 * Last Will "offline" (retained) on the status topic when one is given, reconnecting also after a refused login.
 */
export function clientOptions(url: string, clientId: string, statusTopic: string | undefined, reconnectMs: number): IClientOptions {
  const u = new URL(url);
  return {
    protocol: u.protocol === 'mqtts:' ? 'mqtts' : 'mqtt',
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : u.protocol === 'mqtts:' ? 8883 : 1883,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    clientId,
    protocolVersion: 4,
    clean: true,
    // the broker gives up on a silent link after 1.5 × this (12 s) and sends the Last Will: "offline" on every node
    keepalive: 8,
    connectTimeout: 10_000,
    reconnectPeriod: reconnectMs,
    reconnectOnConnackError: true,
    queueQoSZero: false,
    // the node's own connection carries its Last Will; a second one (the node registry) has none
    ...(statusTopic ? { will: { topic: statusTopic, payload: Buffer.from('offline'), qos: 1 as const, retain: true } } : {}),
  };
}
