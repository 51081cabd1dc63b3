/**
 * The MQTT outbox (server/mqtt/outbox.ts) and its sender (sender.ts) on one engine: the same assertions on SQLite
 * and PostgreSQL. The broker is a raw MQTT 3.1.1 endpoint (mqtt-packet) whose PUBACKs the test turns on and off:
 * the hostile broker that takes every PUBLISH and never acknowledges one.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { expect, test } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { MqttOutbox, withSeq } from '../../../server/mqtt/outbox.ts';
import { OutboxSender } from '../../../server/mqtt/sender.ts';
import type { TestEngine } from '../sql-engines.ts';

interface Got {
  topic: string;
  seq: number;
}

interface RawBroker {
  port: number;
  got: Got[];
  ack: boolean;
  /** drop every connection (no DISCONNECT): the client reconnects */
  kick(): void;
  close(): Promise<void>;
}

async function rawBroker(ack: boolean): Promise<RawBroker> {
  const socks = new Set<Socket>();
  const b = { got: [] as Got[], ack } as RawBroker;
  const srv: Server = createServer((sock) => {
    socks.add(sock);
    sock.on('close', () => socks.delete(sock));
    sock.on('error', () => undefined);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p) => {
      if (p.cmd === 'connect') sock.write(mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }));
      else if (p.cmd === 'pingreq') sock.write(mqttPacket.generate({ cmd: 'pingresp' }));
      else if (p.cmd === 'publish') {
        b.got.push({ topic: p.topic, seq: (JSON.parse(p.payload.toString()) as { seq: number }).seq });
        if (b.ack) sock.write(mqttPacket.generate({ cmd: 'puback', messageId: p.messageId! }));
      }
    });
    sock.on('data', (d) => parser.parse(d));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  b.port = (srv.address() as { port: number }).port;
  b.kick = () => {
    for (const s of socks) s.destroy();
  };
  b.close = () => {
    b.kick();
    return new Promise<void>((r) => srv.close(() => r()));
  };
  return b;
}

/** A client wired as the publisher wires it: the sender sees it only between 'connect' and 'close'. */
function wire(outbox: MqttOutbox, port: number | undefined, cap = 100_000): { sender: OutboxSender; client?: MqttClient } {
  let up = false;
  let client: MqttClient | undefined;
  const sender = new OutboxSender({ outbox, cap, client: () => (up ? client : undefined) });
  if (port !== undefined) {
    client = mqtt.connect({ host: '127.0.0.1', port, protocolVersion: 4, clean: true, reconnectPeriod: 100, clientId: `t-${Math.random()}` });
    client.on('connect', () => {
      up = true;
      sender.pump();
    });
    client.on('close', () => (up = false));
    client.on('error', () => undefined);
  }
  return { sender, client };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const seqs = (g: Got[]) => g.map((x) => x.seq);
const ascending = (n: number[]) => n.every((v, i) => i === 0 || v > n[i - 1]!);

export function outboxSuite(e: TestEngine): void {
  test('rows in seq order; seq never reused after a delete; payload gets the seq first; non-objects refused', async () => {
    const box = new MqttOutbox(await e.open());
    const a = await box.add('t/a', '{"event":"raised","name":"东门 «1»"}', 1, 1000);
    const b = await box.add('t/b', '{}');
    const c = await box.add('t/c', '{"x":1}');
    expect([b - a, c - b]).toEqual([1, 1]);
    expect((await box.after(0, 10)).map((r) => [r.seq, r.topic])).toEqual([[a, 't/a'], [b, 't/b'], [c, 't/c']]);
    expect((await box.after(a, 1)).map((r) => r.seq)).toEqual([b]);
    expect(await box.after(c, 10)).toEqual([]);
    expect((await box.after(0, 1))[0]).toEqual({ seq: a, topic: 't/a', payload: '{"event":"raised","name":"东门 «1»"}', qos: 1, createdMs: 1000 });
    await box.delete(c); // the newest goes: its seq is not handed out again (a consumer would take the next as a duplicate)
    const d = await box.add('t/d', '{"y":2}');
    expect(d).toBeGreaterThan(c);
    expect(await box.count()).toBe(3);
    expect(withSeq('{"event":"raised","node":"n"}', 7)).toBe('{"seq":7,"event":"raised","node":"n"}');
    expect(JSON.parse(withSeq(' { } ', 8))).toEqual({ seq: 8 });
    await expect(box.add('t/e', 'ON')).rejects.toThrow(/JSON objects/);
    expect(await box.count()).toBe(3); // nothing written
  });

  test('sent in seq order; a row is deleted only after its PUBACK (a broker that never acks keeps all of them)', async () => {
    const box = new MqttOutbox(await e.open());
    const silent = await rawBroker(false);
    const { sender, client } = wire(box, silent.port);
    try {
      for (let i = 0; i < 150; i++) sender.enqueue(`t/${i % 3}`, JSON.stringify({ i }));
      await until('150 publishes at the broker', () => silent.got.length >= 100); // the window: 100 unacked at once
      await new Promise((r) => setTimeout(r, 500));
      expect(silent.got.length).toBe(100); // no more than the window without PUBACKs
      expect(ascending(seqs(silent.got))).toBe(true);
      expect(await box.count()).toBe(150); // all kept: none acknowledged
      expect(sender.queued).toBe(150);
      // acks on; the connection dropped: mqtt.js resends its unacked 100 (dup) first, then the rest follows
      silent.ack = true;
      const before = silent.got.length;
      silent.kick();
      await until('outbox empty', async () => (await box.count()) === 0, 15_000);
      const after = silent.got.slice(before);
      expect(ascending(seqs(after))).toBe(true);
      expect(seqs(after.slice(0, 100))).toEqual(seqs(silent.got.slice(0, 100))); // the unacked ones again, first
      expect(new Set(seqs(after)).size).toBe(150);
      expect(sender.queued).toBe(0);
    } finally {
      await client?.endAsync(true);
      await silent.close();
    }
  }, 30_000);

  test('a "restart": what an ended client never got acked is sent first, in order, before newer messages', async () => {
    const s = await e.open();
    const silent = await rawBroker(false);
    const first = wire(new MqttOutbox(s), silent.port);
    for (let i = 0; i < 10; i++) first.sender.enqueue('t/old', JSON.stringify({ i }));
    await until('10 publishes', () => silent.got.length === 10);
    await first.client?.endAsync(true); // the process is gone: its in-memory state with it
    await silent.close();
    const broker = await rawBroker(true);
    const box = new MqttOutbox(s);
    const second = wire(box, broker.port);
    try {
      for (let i = 0; i < 5; i++) second.sender.enqueue('t/new', JSON.stringify({ i }));
      await until('outbox empty', async () => (await box.count()) === 0);
      expect(broker.got.map((g) => g.topic)).toEqual([...Array(10).fill('t/old'), ...Array(5).fill('t/new')]);
      expect(ascending(seqs(broker.got))).toBe(true);
      expect(seqs(broker.got).slice(0, 10)).toEqual(seqs(silent.got));
    } finally {
      await second.client?.endAsync(true);
      await broker.close();
    }
  }, 30_000);

  test('past the cap droppable messages (duty-log entries) are left out, alarm events never', async () => {
    const box = new MqttOutbox(await e.open());
    const { sender } = wire(box, undefined, 3); // no broker at all
    for (let i = 0; i < 5; i++) sender.enqueue('t/duty', JSON.stringify({ i }), true);
    sender.enqueue('t/alarm', '{"event":"raised"}');
    sender.enqueue('t/alarm', '{"event":"updated"}');
    await sender.drain();
    expect((await box.after(0, 10)).map((r) => r.topic)).toEqual(['t/duty', 't/duty', 't/duty', 't/alarm', 't/alarm']);
    expect(sender.queued).toBe(5);
  });
}
