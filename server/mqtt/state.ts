/**
 * What the MQTT publisher remembers between events: the zones that have a binary_sensor (drawn zones, and the
 * zones alarms came from, e.g. the tamper "zone"), and the alarms whose condition holds (their zone is ON).
 */
import type { AlarmView } from '../alarms/types.ts';
import type { MqttSources } from './publisher.ts';
import { zoneKey, zoneKindOf, type ZoneFacts } from './topics.ts';

const keyOf = (cameraId: string, zone: string) => `${cameraId}\u0000${zoneKey(zone)}`;

export class MqttState {
  /** zones with a binary_sensor, by camera + zone key */
  private readonly zones = new Map<string, ZoneFacts & { drawn: boolean }>();
  /** holding alarm id → its zone key */
  private readonly holding = new Map<number, string>();

  /** (Re)read the drawn zones and the holding alarms (at start and on every connect). */
  load(s: Pick<MqttSources, 'zones' | 'holdingAlarms'>): void {
    this.syncZones(s.zones());
    this.holding.clear();
    for (const a of s.holdingAlarms()) {
      this.learnZone({ cameraId: a.cameraId, name: a.zone, kind: zoneKindOf(a.kind) });
      this.holding.set(a.id, keyOf(a.cameraId, a.zone));
    }
  }

  zoneList(): ZoneFacts[] {
    return [...this.zones.values()].map(({ cameraId, name, kind }) => ({ cameraId, name, kind }));
  }

  /** Remember a zone an alarm came from; true when it is new (its discovery config is not out yet). */
  learnZone(z: ZoneFacts): boolean {
    const k = keyOf(z.cameraId, z.name);
    if (this.zones.has(k)) return false;
    this.zones.set(k, { ...z, drawn: false });
    return true;
  }

  /** The drawn zones now: which are new and which were removed (zones known only from alarms stay). */
  syncZones(drawn: ZoneFacts[]): { added: ZoneFacts[]; removed: ZoneFacts[] } {
    const now = new Map(drawn.map((z) => [keyOf(z.cameraId, z.name), z]));
    const added: ZoneFacts[] = [];
    const removed: ZoneFacts[] = [];
    for (const [k, z] of now) {
      const had = this.zones.get(k);
      if (!had || had.kind !== z.kind) added.push(z);
      this.zones.set(k, { ...z, drawn: true });
    }
    for (const [k, z] of this.zones) {
      if (z.drawn && !now.has(k) && ![...this.holding.values()].includes(k)) {
        this.zones.delete(k);
        removed.push({ cameraId: z.cameraId, name: z.name, kind: z.kind });
      }
    }
    return { added, removed };
  }

  /** Forget a deleted camera; returns its zones (to clear them). */
  dropCamera(cameraId: string): ZoneFacts[] {
    const out: ZoneFacts[] = [];
    for (const [k, z] of this.zones) {
      if (z.cameraId !== cameraId) continue;
      this.zones.delete(k);
      out.push({ cameraId: z.cameraId, name: z.name, kind: z.kind });
    }
    for (const [id, k] of this.holding) if (k.startsWith(`${cameraId}\u0000`)) this.holding.delete(id);
    return out;
  }

  zoneOn(cameraId: string, zone: string): boolean {
    const k = keyOf(cameraId, zone);
    for (const v of this.holding.values()) if (v === k) return true;
    return false;
  }

  /** What alarm() will name this event, changing nothing. */
  peekAlarm(a: AlarmView, kind: 'raised' | 'updated'): 'raised' | 'updated' | 'ended' {
    if (a.endMs === null) return kind;
    return this.holding.has(a.id) ? 'ended' : kind;
  }

  /** An alarm event: updates which alarms hold, and names the event (an update whose condition ended is "ended"). */
  alarm(a: AlarmView, kind: 'raised' | 'updated'): 'raised' | 'updated' | 'ended' {
    const k = keyOf(a.cameraId, a.zone);
    if (a.endMs === null) {
      this.holding.set(a.id, k);
      return kind;
    }
    if (this.holding.delete(a.id)) return 'ended';
    return kind;
  }
}
