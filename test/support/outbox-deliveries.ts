/**
 * What a central would check on the outbox messages a node published (docs/mqtt.md "Outbox"): alarm events and
 * duty-log entries as delivered, raw (duplicates included), in arrival order.
 */
import { entryHash, type LogEntry } from '../../server/dutylog/chain.ts';

export interface Delivery {
  topic: string;
  payload: string;
  at: number;
}

export interface OutboxMessage {
  topic: string;
  seq: number;
  at: number;
  kind: 'alarm' | 'dutylog';
  /** alarm: `<id>:<event>:<status>` */
  what: string;
  entry?: LogEntry;
}

export const isOutboxTopic = (node: string, t: string): boolean =>
  t === `watchpost/${node}/dutylog/entry` || (t.startsWith(`watchpost/${node}/alarm/`) && t.endsWith('/event'));

export function parseDeliveries(node: string, d: Delivery[]): OutboxMessage[] {
  return d
    .filter((m) => isOutboxTopic(node, m.topic) && m.payload.length > 0)
    .map((m) => {
      const j = JSON.parse(m.payload) as { seq: number; event?: string; alarm?: { id: number; status: string }; entry?: LogEntry };
      return m.topic.endsWith('/dutylog/entry')
        ? { topic: m.topic, seq: j.seq, at: m.at, kind: 'dutylog', what: j.entry!.kind, entry: j.entry }
        : { topic: m.topic, seq: j.seq, at: m.at, kind: 'alarm', what: `${j.alarm!.id}:${j.event}:${j.alarm!.status}` };
    });
}

export interface DeliveryReport {
  raw: number;
  unique: number;
  duplicates: number;
  /** seqs missing between the first and the last delivered */
  gaps: number[];
  /** positions where a seq arrived after a higher one (duplicates ignored) */
  outOfOrder: number;
  /** the duty-log entries link up (prevHash = the previous hash) and every hash recomputes */
  chainOk: boolean;
}

export function checkDeliveries(msgs: OutboxMessage[]): DeliveryReport {
  const seen = new Set<number>();
  let outOfOrder = 0;
  let high = 0;
  for (const m of msgs) {
    if (seen.has(m.seq)) continue;
    if (m.seq < high) outOfOrder++;
    high = Math.max(high, m.seq);
    seen.add(m.seq);
  }
  const sorted = [...seen].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let s = sorted[0] ?? 0; s <= (sorted.at(-1) ?? -1); s++) if (!seen.has(s)) gaps.push(s);
  const first = new Map<number, OutboxMessage>();
  for (const m of msgs) if (!first.has(m.seq)) first.set(m.seq, m);
  const entries = [...first.values()].filter((m) => m.entry).map((m) => m.entry!);
  let chainOk = true;
  entries.forEach((e, i) => {
    if (entryHash(e.prevHash, e) !== e.hash) chainOk = false;
    if (i > 0 && (e.prevHash !== entries[i - 1]!.hash || e.seq !== entries[i - 1]!.seq + 1)) chainOk = false;
  });
  return { raw: msgs.length, unique: seen.size, duplicates: msgs.length - seen.size, gaps, outOfOrder, chainOk };
}
