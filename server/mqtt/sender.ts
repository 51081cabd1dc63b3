/**
 * Sends the outbox (outbox.ts) to the broker (docs/mqtt.md "Outbox"): every message is written to the outbox
 * first (one write at a time, in the order the events happened), then published with QoS 1 in seq order while
 * connected, at most WINDOW unacknowledged at once; a row is deleted only after the broker's PUBACK. A row handed
 * to mqtt.js stays in mqtt.js's own store until its PUBACK and is resent by it, first, after a reconnect (the
 * 'connect' event comes after that replay), so order holds over reconnects; what mqtt.js held when the process
 * died is still in the table and goes out first at the next start. Nothing here throws into the caller.
 */
import type { MqttClient } from 'mqtt';
import { createLogger } from '../util/log.ts';
import { withSeq, type MqttOutbox } from './outbox.ts';

const log = createLogger('mqtt');

/** unacknowledged QoS-1 messages at once */
const WINDOW = 100;

export interface SenderOptions {
  outbox: MqttOutbox;
  /** the client while connected, else undefined */
  client(): MqttClient | undefined;
  /** rows; past it, droppable messages (duty-log entries) are not queued — alarm events always are */
  cap: number;
}

export class OutboxSender {
  /** highest seq handed to the client in this process */
  private handed = 0;
  private inflight = 0;
  private pumping = false;
  private again = false;
  private writes: Promise<unknown>;
  private deletes: Promise<unknown> = Promise.resolve();
  private rows = 0;
  private capSkipped = 0;
  private writeFailed = 0;
  private failLogged = false;
  sent = 0;

  constructor(private readonly o: SenderOptions) {
    this.writes = o.outbox.count().then(
      (n) => {
        this.rows = n;
        if (n) log.info('MQTT outbox: messages from before the restart wait for the broker', { count: n });
      },
      (err: unknown) => log.error('MQTT outbox cannot be read', { reason: (err as Error).message }),
    );
  }

  /** rows waiting for the broker's PUBACK */
  get queued(): number {
    return this.rows;
  }

  /** Queue one message (written to the outbox first, then sent). `droppable`: may be left out past the cap. */
  enqueue(topic: string, payload: string, droppable = false): void {
    this.writes = this.writes.then(async () => {
      if (droppable && this.rows >= this.o.cap) {
        if (this.capSkipped++ === 0) {
          log.warn('MQTT outbox full: duty-log entries are no longer queued for the broker until it drains (alarm events still are; the entries stay in the local duty log)', { rows: this.rows, cap: this.o.cap });
        }
        return;
      }
      try {
        await this.o.outbox.add(topic, payload, 1);
        this.rows++;
        this.failLogged = false;
      } catch (err) {
        this.writeFailed++;
        if (!this.failLogged) log.error('MQTT outbox write failed: message not queued (it stays in the console and the local logs)', { topic, reason: (err as Error).message });
        this.failLogged = true;
        return;
      }
      this.pump();
    });
  }

  /** A row was written by someone else (an alarm's own transaction) and committed: count it and send it. */
  written(): void {
    this.rows++;
    this.pump();
  }

  /** Send what the outbox holds after what was already handed to the client. Call on (re)connect and after writes. */
  pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (!this.o.client()) return;
    this.pumping = true;
    void this.run().finally(() => {
      this.pumping = false;
      if (this.again) {
        this.again = false;
        this.pump();
      }
    });
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        this.again = false;
        if (!this.o.client() || this.inflight >= WINDOW) return;
        const rows = await this.o.outbox.after(this.handed, WINDOW - this.inflight);
        if (!rows.length) return;
        for (const r of rows) {
          const c = this.o.client();
          if (!c) return;
          this.handed = r.seq;
          this.inflight++;
          c.publish(r.topic, withSeq(r.payload, r.seq), { qos: r.qos, retain: false }, (err) => this.acked(r.seq, err));
        }
      }
    } catch (err) {
      log.warn('MQTT outbox cannot be read; retrying on the next event or reconnect', { reason: (err as Error).message });
    }
  }

  private acked(seq: number, err: Error | undefined): void {
    this.inflight--;
    if (err) {
      // only when the client is ended (stop): the row stays and is sent first at the next start
      log.debug('MQTT outbox message not acknowledged; kept', { seq, reason: err.message });
      return;
    }
    this.sent++;
    this.deletes = this.deletes
      .then(() => this.o.outbox.delete(seq))
      .then(() => {
        this.rows = Math.max(0, this.rows - 1);
        if (this.capSkipped && this.rows < this.o.cap) {
          log.warn('MQTT outbox below its cap again: duty-log entries are queued again', { skipped: this.capSkipped });
          this.capSkipped = 0;
        }
      })
      .catch((e: unknown) => log.warn('MQTT outbox: an acknowledged row could not be deleted (it will be sent again)', { seq, reason: (e as Error).message }));
    this.pump();
  }

  /** Graceful stop: every queued write done, and (up to `ms`) the PUBACKs of what is in flight and their deletes. */
  async drain(ms = 2000): Promise<void> {
    await this.writes;
    const end = Date.now() + ms;
    while (this.inflight > 0 && this.o.client() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    await this.deletes;
  }
}
