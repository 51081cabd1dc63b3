/**
 * Clearing what an earlier run left retained on the broker and no longer exists: a camera removed from the config
 * file (or deleted) while the server was down, a zone removed meanwhile. Once per start, after the first connect:
 * subscribe to this node's discovery configs and state topics, collect the retained messages for a moment, and
 * clear (empty retained payload) every one that is not published any more.
 */
import type { MqttClient } from 'mqtt';
import type { Topics, ZoneFacts } from './topics.ts';

/** Every retained topic this node publishes now (snapshots aside: cleared along with their camera's state). */
export function expectedTopics(t: Topics, cameraIds: string[], zones: ZoneFacts[], snapshots: boolean): Set<string> {
  const out = new Set([t.status, t.info, t.nodeConfig()]);
  for (const id of cameraIds) {
    out.add(t.cameraOnlineConfig(id)).add(t.cameraState(id));
    if (snapshots) out.add(t.cameraEntityConfig(id));
  }
  for (const z of zones) out.add(t.zoneConfig(z.cameraId, z.name)).add(t.zoneState(z.cameraId, z.name));
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Returns the topics cleared. Never throws (a broker gone meanwhile: nothing is cleared this time). */
export async function sweepStale(client: MqttClient, t: Topics, expected: () => Set<string>, waitMs = 1500): Promise<string[]> {
  const filters = [`${t.discoveryPrefix}/+/watchpost-${t.node}/+/config`, `${t.base}/camera/+/state`, `${t.base}/alarm/+/+/state`];
  const seen = new Set<string>();
  const onMessage = (topic: string, payload: Buffer, packet: { retain: boolean }) => {
    if (packet.retain && payload.length) seen.add(topic);
  };
  client.on('message', onMessage);
  try {
    await client.subscribeAsync(filters, { qos: 0 });
    await new Promise((r) => setTimeout(r, waitMs));
    await client.unsubscribeAsync(filters);
  } catch {
    return [];
  } finally {
    client.off('message', onMessage);
  }
  const want = expected();
  const stateRe = new RegExp(`^${escape(t.base)}/camera/([^/]+)/state$`);
  const cleared: string[] = [];
  for (const topic of seen) {
    if (want.has(topic) || !client.connected) continue;
    client.publish(topic, '', { qos: 1, retain: true });
    cleared.push(topic);
    const cam = stateRe.exec(topic)?.[1];
    if (cam) {
      client.publish(t.snapshot(cam), '', { qos: 1, retain: true });
      cleared.push(t.snapshot(cam));
    }
  }
  return cleared;
}
