/**
 * The MQTT outbox (issue J, docs/mqtt.md "Outbox"): table mqtt_outbox (SQL step 0040), async on Kysely, the same
 * code on the embedded SQLite and on PostgreSQL. A message is a row first; the sender (sender.ts) publishes the
 * rows in seq order and deletes one only after the broker's PUBACK, so a broker outage, a cut link or a killed
 * process loses nothing. `seq` is the database's (never reused); the published payload carries it (withSeq).
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { SqlSchema } from '../store/sql/schema.ts';

export interface OutboxRow {
  seq: number;
  topic: string;
  /** a JSON object, without its seq (withSeq adds it when published) */
  payload: string;
  qos: 0 | 1 | 2;
  createdMs: number;
}

/** `{"a":1}` → `{"seq":7,"a":1}`: the outbox seq as the payload's first member. */
export function withSeq(payload: string, seq: number): string {
  const body = payload.trim();
  if (!body.startsWith('{')) throw new Error('outbox payloads are JSON objects');
  const rest = body.slice(1).trimStart();
  return rest.startsWith('}') ? `{"seq":${seq}}` : `{"seq":${seq},${rest}`;
}

/**
 * PostgreSQL advisory lock of the outbox writers (any 64-bit constant; "mqtt_outbox" in ASCII). Identity values are
 * handed out before commit, so without it two writers could commit seq 8 before seq 7 and the sender, which reads
 * `seq > last handed`, would pass 7 by. Held to the end of the writing transaction: writers commit in seq order.
 * SQLite needs none (one write transaction at a time).
 */
const OUTBOX_LOCK = 0x6d7174745f6f7574n;

const qosOf = (n: number): 0 | 1 | 2 => (n === 0 || n === 2 ? n : 1);

export class MqttOutbox {
  constructor(private readonly s: SqlDb) {}

  /** The database the outbox is in (an alarm writes its outbox row in its own transaction when it is the same). */
  get sql(): SqlDb {
    return this.s;
  }

  /**
   * Store one message; its seq. The payload must be a JSON object (it gets "seq" when published). `tx`: inside that
   * transaction (the alarm's own, server/alarms/service.ts), so the row commits or rolls back with it.
   */
  async add(topic: string, payload: string, qos: 0 | 1 | 2 = 1, now = Date.now(), tx?: Kysely<SqlSchema>): Promise<number> {
    if (!payload.trim().startsWith('{')) throw new Error('outbox payloads are JSON objects');
    const insert = async (db: Kysely<SqlSchema>) => {
      if (this.s.engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK.toString()}::bigint)`.execute(db);
      const r = await db.insertInto('mqtt_outbox').values({ topic, payload, qos, created_ms: now }).returning('seq').executeTakeFirstOrThrow();
      return Number(r.seq);
    };
    if (tx) return insert(tx);
    return this.s.engine === 'postgres' ? this.s.db.transaction().execute(insert) : insert(this.s.db);
  }

  /** The oldest `limit` rows with a seq above `afterSeq`, in seq order. */
  async after(afterSeq: number, limit: number): Promise<OutboxRow[]> {
    const rows = await this.s.db.selectFrom('mqtt_outbox').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), topic: r.topic, payload: r.payload, qos: qosOf(Number(r.qos)), createdMs: Number(r.created_ms) }));
  }

  /** The broker has it (PUBACK): the row goes. */
  async delete(seq: number): Promise<void> {
    await this.s.db.deleteFrom('mqtt_outbox').where('seq', '=', seq).execute();
  }

  async count(): Promise<number> {
    const r = await this.s.db.selectFrom('mqtt_outbox').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
