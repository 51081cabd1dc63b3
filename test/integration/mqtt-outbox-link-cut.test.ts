/**
 * The MQTT outbox (issue J) behind a cut link: the broker and a central's subscriber in one network namespace, a
 * recorder (the real server) in another, joined by a veth cable. The cable is pulled for 60 s (no RST, packets
 * vanish) while an alarm is acknowledged every second through the API; after the mend every alarm event and
 * duty-log entry must arrive once, in seq order, with no gap — counted raw, so no dedupe by seq is needed there.
 * Then the hostile case: the cable pulled in the middle of a burst, while PUBACKs are on the wire — QoS 1 resends
 * what the broker already had; deduped by seq, every message is there once, in order (duplicates are counted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAlarms } from '../support/alarms.ts';
import { needCapability } from '../support/capability.ts';
import { startMosquitto, type Broker } from '../support/mosquitto.ts';
import { Netns, netnsSupport, type NsProcess } from '../support/netns.ts';
import { startWatchpostIn, type NsWatchpost } from '../support/netns-watchpost.ts';
import { checkDeliveries, parseDeliveries, type Delivery } from '../support/outbox-deliveries.ts';
import { REPO_ROOT } from '../support/server.ts';

const NS = netnsSupport();
const NODE = 'rec-far';
const CUT_MS = 60_000;

let hub: Netns;
let far: Netns;
let cable: ReturnType<typeof Netns.cable>;
let broker: Broker;
let central: NsProcess;
let recorder: NsWatchpost;
const figures: Record<string, number> = {};

/** What the central's subscriber printed: one JSON line per delivery, raw (duplicates included). */
function delivered(): Delivery[] {
  return central
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Delivery);
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - t0;
}

async function ack(id: number): Promise<void> {
  const r = await recorder.request('POST', `/api/alarms/${id}/ack`, {});
  expect(r.status).toBe(200);
}

beforeAll(async () => {
  needCapability('mqtt-outbox-link-cut: network namespaces', NS.ok, NS.reason);
  hub = Netns.create();
  far = Netns.create();
  cable = Netns.cable(hub, far);
  broker = await startMosquitto({ netns: hub });
  const script =
    "const mqtt=require('mqtt');const [,url,...topics]=process.argv;" +
    "const c=mqtt.connect(url,{clientId:'central-cut',clean:true,reconnectPeriod:500});" +
    "c.on('message',(t,p)=>process.stdout.write(JSON.stringify({topic:t,payload:p.toString('utf8'),at:Date.now()})+'\\n'));" +
    "c.on('connect',()=>c.subscribe(topics,{qos:1},()=>console.log('READY')));";
  central = hub.spawn(process.execPath, ['-e', script, `mqtt://127.0.0.1:${broker.port}`, `watchpost/${NODE}/alarm/+/+/event`, `watchpost/${NODE}/dutylog/entry`], { cwd: REPO_ROOT });
  await central.waitFor(/^READY/, 15_000);
  recorder = await startWatchpostIn(far, { node: NODE, mqttUrl: `mqtt://${cable.aIp}:${broker.port}` });
}, 120_000);

afterAll(async () => {
  await broker?.dispose();
  await Promise.all([far?.dispose(), hub?.dispose()]);
  if (Object.keys(figures).length) console.info('outbox link-cut figures:', JSON.stringify(figures));
});

describe('the MQTT outbox behind a cut link', () => {
  it('queues what happens during a 60 s cut and delivers it after the mend: once each, in order, no gap', async () => {
    const ids = seedAlarms(recorder.dataDir, Array.from({ length: 80 }, (_, i) => ({ cameraId: 'gate-1', zone: '东门 通道', startMs: Date.now() - 60_000 + i })));
    await ack(ids[0]!);
    await until('the live event across the cable', () => parseDeliveries(NODE, delivered()).some((m) => m.what === `${ids[0]}:updated:acknowledged`), 20_000);
    const live = parseDeliveries(NODE, delivered()).length;
    expect(live).toBe(2); // the event and its duty-log entry

    cable.cut();
    const cutAt = Date.now();
    let n = 0;
    while (Date.now() - cutAt < CUT_MS) {
      await ack(ids[1 + n]!);
      n++;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const during = parseDeliveries(NODE, delivered()).length - live;
    cable.restore();
    const mendAt = Date.now();
    figures.cutMs = mendAt - cutAt;
    figures.eventsDuringCut = n * 2;
    figures.deliveredDuringCut = during;
    const expected = live + n * 2;
    figures.mendToAllMs = await until(`${expected} messages after the mend`, () => parseDeliveries(NODE, delivered()).length >= expected, 45_000);
    await new Promise((r) => setTimeout(r, 3000)); // and nothing more
    const all = parseDeliveries(NODE, delivered());
    const afterMend = all.filter((m) => m.at >= mendAt);
    if (afterMend.length > 1) figures.deliveredPerSecond = Math.round(afterMend.length / Math.max(0.001, (afterMend.at(-1)!.at - afterMend[0]!.at) / 1000));
    const rep = checkDeliveries(all);
    figures.raw = rep.raw;
    figures.duplicates = rep.duplicates;
    expect(rep).toEqual({ raw: expected, unique: expected, duplicates: 0, gaps: [], outOfOrder: 0, chainOk: true });
    expect(all.filter((m) => m.kind === 'alarm').map((m) => m.what)).toEqual(ids.slice(0, 1 + n).map((id) => `${id}:updated:acknowledged`));
    expect(during).toBe(0); // nothing crossed a pulled cable
    expect(recorder.proc.output()).toMatch(/MQTT connected again/);
  }, 180_000);

  it('a cable pulled in the middle of a burst: QoS 1 resends what the broker had (duplicates), dedupe by seq leaves each once, in order', async () => {
    const ids = seedAlarms(recorder.dataDir, Array.from({ length: 70 }, (_, i) => ({ cameraId: 'yard', zone: 'fire-exit', startMs: Date.now() - 30_000 + i })));
    const before = parseDeliveries(NODE, delivered()).length;
    const burst = recorder.request('POST', '/api/alarms/ack', { ids });
    // pull the cable as soon as the first messages of the burst are through: the rest are on the wire
    const t0 = Date.now();
    while (parseDeliveries(NODE, delivered()).length < before + 6 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 2));
    cable.cut();
    expect((await burst).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20_000));
    cable.restore();
    const expected = 140; // 70 events + 70 duty-log entries
    const unique = () => new Set(parseDeliveries(NODE, delivered()).slice(before).map((m) => m.seq)).size;
    figures.burstMendToAllMs = await until(`${expected} distinct messages after the mend`, () => unique() >= expected, 45_000);
    await new Promise((r) => setTimeout(r, 3000));
    const raw = parseDeliveries(NODE, delivered()).slice(before);
    const rep = checkDeliveries(raw);
    figures.burstRaw = rep.raw;
    figures.burstDuplicates = rep.duplicates;
    // no gap, nothing out of order by first delivery, the chain verifies; duplicates are QoS 1's, never more than
    // the unacknowledged window (100)
    expect({ ...rep, raw: 0, duplicates: 0 }).toEqual({ raw: 0, unique: expected, duplicates: 0, gaps: [], outOfOrder: 0, chainOk: true });
    expect(rep.duplicates).toBeLessThanOrEqual(100);
    const firsts = [...new Map(raw.map((m) => [m.seq, m])).values()];
    expect(firsts.filter((m) => m.kind === 'alarm').map((m) => m.what)).toEqual(ids.map((id) => `${id}:updated:acknowledged`));
    // a duplicate is the same message again (same seq, same content), never a different one under a seen seq
    const bySeq = new Map<number, string>();
    for (const m of raw) {
      const key = `${m.topic} ${m.what} ${m.entry?.hash ?? ''}`;
      expect(bySeq.get(m.seq) ?? key).toBe(key);
      bySeq.set(m.seq, key);
    }
  }, 120_000);
});
