/**
 * Publishes the node's events to an MQTT broker (docs/mqtt.md): camera states, alarm events and per-zone alarm
 * states, alarm snapshots, the node's status with a Last Will, and Home Assistant discovery. Topics: topics.ts;
 * what an earlier run left retained and is gone: sweep.ts.
 *
 * The broker is never in the way of the server: nothing here blocks or throws into the event bus. While the
 * broker is away, retained states are not queued (the newest of each is republished on every (re)connect, so a
 * broker restart loses nothing that matters); alarm events and duty-log entries are written to the durable
 * outbox first and go out from there, in seq order, QoS 1, deleted after the PUBACK (sender.ts, outbox.ts).
 * One log line per outage, not per message; a refused login is logged once and retried every minute.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Kysely } from 'kysely';
import type { AlarmOutbox } from '../alarms/service.ts';
import type { SqlSchema } from '../store/sql/schema.ts';
import type { AlarmView } from '../alarms/types.ts';
import { createLogger } from '../util/log.ts';
import { OutboxSender } from './sender.ts';
import { MqttState } from './state.ts';
import { expectedTopics, sweepStale } from './sweep.ts';
import { clientOptions, type MqttOptions, type MqttStatus } from './types.ts';
import {
  OFF, ON, Topics, alarmEventPayload, dutyLogEntryPayload, cameraEntityDiscovery, cameraOnlineDiscovery, cameraStatePayload, nodeDiscovery,
  redactUrl, zoneDiscovery, zoneKindOf, type CameraFacts, type DiscoveryContext, type ZoneFacts,
} from './topics.ts';

export type { MqttOptions, MqttSources, MqttStatus } from './types.ts';

const log = createLogger('mqtt');

const AUTH_CODES = new Set([4, 5, 134, 135]);
/** outbox rows before duty-log entries are left out (alarm events never are): ~50–100 MB (~0.5 KB a message) */
const OUTBOX_CAP = 100_000;
const AUTH_RETRY_MS = 60_000;
/** Drawn zones have no event of their own: they are re-read this often. */
const ZONE_RESYNC_MS = 30_000;

export class MqttPublisher {
  readonly topics: Topics;
  private readonly ctx: DiscoveryContext;
  private client: MqttClient | undefined;
  private readonly st = new MqttState();
  private readonly sender: OutboxSender;
  private readonly offs: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private zoneTimer: NodeJS.Timeout | undefined;
  private connected = false;
  private authFailed = false;
  private lastError: string | null = null;
  private outageLogged = false;
  private downSince: number | null = null;
  private connects = 0;
  private published = 0;
  /** alarm events whose outbox row the alarm's transaction wrote: what the zone state was before (onAlarm) */
  private readonly inTx = new WeakMap<AlarmView, { isNew: boolean; wasOn: boolean }>();

  constructor(private readonly o: MqttOptions) {
    this.topics = new Topics(o.nodeId, o.discoveryPrefix);
    this.ctx = { topics: this.topics, version: o.version };
    this.sender = new OutboxSender({ outbox: o.outbox, cap: o.outboxCap ?? OUTBOX_CAP, client: () => (this.connected ? this.client : undefined) });
  }

  private get heartbeatMs(): number {
    return this.o.heartbeatMs ?? 4000;
  }

  start(): void {
    const opts = clientOptions(this.o.url, `watchpost-${this.o.nodeId}`, this.topics.status, this.o.reconnectMs ?? 5000);
    this.st.load(this.o.sources);
    log.info('connecting to the MQTT broker', { url: redactUrl(this.o.url), node: this.o.nodeId });
    this.downSince = Date.now();
    const c = mqtt.connect(opts);
    this.client = c;
    c.on('connect', () => this.onConnect());
    c.on('error', (err: Error & { code?: number | string }) => this.onError(err));
    c.on('close', () => this.onClose());
    this.offs.push(
      this.o.bus.on('camera.state', (e) => this.publishCamera(e.cameraId)),
      this.o.bus.on('camera.changed', (e) => (e.removed ? this.removeCamera(e.cameraId) : this.cameraChanged(e.cameraId))),
      this.o.bus.on('alarm.raised', (a) => this.onAlarm(a, 'raised')),
      this.o.bus.on('alarm.updated', (a) => this.onAlarm(a, 'updated')),
    );
    const alarms = this.o.alarms;
    if (alarms) {
      const hook: AlarmOutbox = { write: (tx, a, kind) => this.writeAlarm(tx, a, kind), committed: () => this.sender.written() };
      alarms.outbox = hook;
      this.offs.push(() => {
        if (alarms.outbox === hook) alarms.outbox = undefined;
      });
    }
    if (this.o.dutyLog) this.offs.push(this.o.dutyLog.onAppend((e) => this.sender.enqueue(this.topics.dutyLogEntry, dutyLogEntryPayload(this.o.nodeId, e), true)));
    this.timer = setInterval(() => this.publishInfo(), this.heartbeatMs);
    this.timer.unref();
    this.zoneTimer = setInterval(() => this.resyncZones(), ZONE_RESYNC_MS);
    this.zoneTimer.unref();
  }

  status(): MqttStatus {
    return { connected: this.connected, authFailed: this.authFailed, lastError: this.lastError, connects: this.connects, published: this.published + this.sender.sent, queued: this.sender.queued };
  }

  /** Graceful stop: "offline" on the status topic (the Last Will covers a crash), then disconnect. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.zoneTimer);
    for (const off of this.offs.splice(0)) off();
    await this.sender.drain(); // what was queued is in the outbox; what is in flight acknowledged if it can be
    const c = this.client;
    if (!c) return;
    if (this.connected) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, 2000);
        c.publish(this.topics.status, 'offline', { qos: 1, retain: true }, () => {
          clearTimeout(t);
          r();
        });
      });
    }
    await new Promise<void>((r) => c.end(true, {}, () => r()));
  }

  // ---- connection ----

  private onConnect(): void {
    this.connected = true;
    this.connects++;
    this.authFailed = false;
    this.lastError = null;
    this.outageLogged = false;
    if (this.client) this.client.options.reconnectPeriod = this.o.reconnectMs ?? 5000;
    const downMs = this.downSince === null ? 0 : Date.now() - this.downSince;
    this.downSince = null;
    const n = this.republishAll();
    this.sender.pump(); // the outbox after the retained states, in seq order (mqtt.js resent its own unacked first)
    if (this.connects === 1 && this.client) void this.sweep(this.client);
    log.info(this.connects === 1 ? 'MQTT connected' : 'MQTT connected again', { url: redactUrl(this.o.url), retained: n, downSeconds: Math.round(downMs / 1000) });
  }

  /** Once per start: clear what an earlier run left retained and is gone now (sweep.ts). */
  private async sweep(c: MqttClient): Promise<void> {
    const expected = () => expectedTopics(this.topics, this.o.sources.cameras().map((x) => x.id), this.st.zoneList(), this.o.snapshots);
    const cleared = await sweepStale(c, this.topics, expected);
    if (cleared.length) log.info('MQTT: cleared retained topics of cameras or zones that are gone', { count: cleared.length, topics: cleared.slice(0, 20) });
  }

  private onError(err: Error & { code?: number | string }): void {
    this.lastError = err.message;
    if (typeof err.code === 'number' && AUTH_CODES.has(err.code)) {
      if (this.client) this.client.options.reconnectPeriod = AUTH_RETRY_MS;
      if (!this.authFailed) {
        log.error('the MQTT broker refused the login (wrong user name or password, or not authorised); retrying every minute', {
          url: redactUrl(this.o.url), reason: err.message,
        });
      }
      this.authFailed = true;
      this.outageLogged = true;
      return;
    }
    if (!this.outageLogged) {
      log.warn('MQTT broker unreachable; retrying, alarm events are kept in the outbox meanwhile', { url: redactUrl(this.o.url), reason: err.message });
      this.outageLogged = true;
    }
  }

  private onClose(): void {
    if (!this.connected) return;
    this.connected = false;
    this.downSince = Date.now();
    if (!this.outageLogged) {
      log.warn('MQTT connection lost; reconnecting, alarm events are kept in the outbox meanwhile', { url: redactUrl(this.o.url) });
      this.outageLogged = true;
    }
  }

  // ---- publishing ----

  /** Publish when connected; false (nothing queued) otherwise. Never throws. */
  private pub(topic: string, payload: string | Buffer, retain: boolean, qos: 0 | 1 = 1): boolean {
    const c = this.client;
    if (!c || !this.connected) return false;
    try {
      c.publish(topic, payload, { qos, retain }, (err) => {
        if (err) log.debug('MQTT publish not delivered', { topic, reason: err.message });
      });
      this.published++;
      return true;
    } catch (err) {
      log.warn('MQTT publish failed', { topic, reason: (err as Error).message });
      return false;
    }
  }

  private config(topic: string, body: Record<string, unknown>): void {
    if (this.o.discovery) this.pub(topic, JSON.stringify(body), true);
  }

  /** Everything retained, as it is now (the outbox goes after it). Returns the retained messages sent. */
  private republishAll(): number {
    const before = this.published;
    this.st.load(this.o.sources);
    this.pub(this.topics.status, 'online', true);
    this.config(this.topics.nodeConfig(), nodeDiscovery(this.ctx));
    for (const c of this.o.sources.cameras()) this.publishCameraAll(c);
    for (const z of this.st.zoneList()) this.publishZone(z);
    this.publishInfo();
    return this.published - before;
  }

  private publishCameraAll(c: CameraFacts): void {
    this.config(this.topics.cameraOnlineConfig(c.id), cameraOnlineDiscovery(this.ctx, c));
    if (this.o.snapshots) this.config(this.topics.cameraEntityConfig(c.id), cameraEntityDiscovery(this.ctx, c));
    this.pub(this.topics.cameraState(c.id), cameraStatePayload(c), true);
    if (this.o.snapshots) this.withJpeg(() => this.o.sources.latestSnapshot(c.id), (jpeg) => this.pub(this.topics.snapshot(c.id), jpeg, true));
  }

  private publishCamera(id: string): void {
    const c = this.o.sources.camera(id);
    if (c) this.pub(this.topics.cameraState(id), cameraStatePayload(c), true);
  }

  private publishZone(z: ZoneFacts): void {
    const cam = this.o.sources.camera(z.cameraId);
    if (!cam) return;
    this.config(this.topics.zoneConfig(z.cameraId, z.name), zoneDiscovery(this.ctx, cam, z));
    this.pub(this.topics.zoneState(z.cameraId, z.name), this.st.zoneOn(z.cameraId, z.name) ? ON : OFF, true);
  }

  private unpublishZone(z: ZoneFacts): void {
    if (this.o.discovery) this.pub(this.topics.zoneConfig(z.cameraId, z.name), '', true);
    this.pub(this.topics.zoneState(z.cameraId, z.name), '', true);
  }

  private publishInfo(): void {
    const cams = this.o.sources.cameras();
    const info = { node: this.o.nodeId, role: this.o.role, version: this.o.version, at: Date.now(), cameras: cams.length, online: cams.filter((c) => c.status === 'online').length, heartbeatMs: this.heartbeatMs, ...(this.o.nodeUrl ? { url: this.o.nodeUrl } : {}) };
    this.pub(this.topics.info, JSON.stringify(info), true);
  }

  private cameraChanged(id: string): void {
    const c = this.o.sources.camera(id);
    if (c) this.publishCameraAll(c);
    this.resyncZones();
  }

  /** A deleted camera: empty retained payloads clear its discovery configs and its retained states. */
  private removeCamera(id: string): void {
    if (this.o.discovery) {
      this.pub(this.topics.cameraOnlineConfig(id), '', true);
      this.pub(this.topics.cameraEntityConfig(id), '', true);
    }
    this.pub(this.topics.cameraState(id), '', true);
    this.pub(this.topics.snapshot(id), '', true);
    for (const z of this.st.dropCamera(id)) this.unpublishZone(z);
  }

  /**
   * Inside the alarm's write transaction (AlarmService.outbox): the event's outbox row, so the alarm and its
   * event commit together (a crash between them cannot lose the event); a failed insert rolls the alarm back.
   */
  private async writeAlarm(tx: Kysely<SqlSchema>, a: AlarmView, kind: 'raised' | 'updated'): Promise<void> {
    const event = this.st.peekAlarm(a, kind);
    await this.o.outbox.add(this.topics.alarmEvent(a.cameraId, a.zone), alarmEventPayload(this.o.nodeId, event, a), 1, Date.now(), tx);
    const z: ZoneFacts = { cameraId: a.cameraId, name: a.zone, kind: zoneKindOf(a.kind) };
    const isNew = this.st.learnZone(z);
    const wasOn = this.st.zoneOn(a.cameraId, a.zone);
    this.st.alarm(a, kind);
    this.inTx.set(a, { isNew, wasOn });
  }

  private onAlarm(a: AlarmView, kind: 'raised' | 'updated'): void {
    const done = this.inTx.get(a);
    let isNew: boolean;
    let wasOn: boolean;
    if (done) {
      ({ isNew, wasOn } = done);
      this.inTx.delete(a);
    } else {
      const z: ZoneFacts = { cameraId: a.cameraId, name: a.zone, kind: zoneKindOf(a.kind) };
      isNew = this.st.learnZone(z);
      wasOn = this.st.zoneOn(a.cameraId, a.zone);
      const event = this.st.alarm(a, kind);
      // to the outbox first, then out in seq order; never dropped (sender.ts)
      this.sender.enqueue(this.topics.alarmEvent(a.cameraId, a.zone), alarmEventPayload(this.o.nodeId, event, a));
    }
    const z: ZoneFacts = { cameraId: a.cameraId, name: a.zone, kind: zoneKindOf(a.kind) };
    if (isNew) this.publishZone(z);
    else if (wasOn !== this.st.zoneOn(a.cameraId, a.zone)) this.pub(this.topics.zoneState(a.cameraId, a.zone), wasOn ? OFF : ON, true);
    if (kind === 'raised' && this.o.snapshots) this.withJpeg(() => this.o.sources.alarmSnapshot(a.id), (jpeg) => this.pub(this.topics.snapshot(a.cameraId), jpeg, true));
  }

  /** Drawn zones have no event of their own: re-read them now and then, publish the new, clear the removed. */
  private resyncZones(): void {
    const d = this.safe(() => this.st.syncZones(this.o.sources.zones()));
    if (!d) return;
    for (const z of d.added) this.publishZone(z);
    for (const z of d.removed) this.unpublishZone(z);
  }

  /** A snapshot from the sources (sync or async), used when there is one; a failure is logged, never thrown. */
  private withJpeg(get: () => Buffer | undefined | Promise<Buffer | undefined>, use: (jpeg: Buffer) => void): void {
    const r = this.safe(get);
    const fail = (err: unknown) => log.warn('MQTT: cannot read what to publish', { reason: (err as Error).message });
    if (r instanceof Promise) r.then((jpeg) => jpeg && use(jpeg), fail);
    else if (r) use(r);
  }

  private safe<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      log.warn('MQTT: cannot read what to publish', { reason: (err as Error).message });
      return undefined;
    }
  }
}
