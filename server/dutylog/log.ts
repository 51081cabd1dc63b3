/**
 * The monitoring record (监控记录): an append-only, hash-chained table. There is no update or delete path
 * in code, and SQLite triggers RAISE on UPDATE/DELETE. A correction is a new entry whose refSeq names the old.
 */
import type { Db } from '../store/db.ts';
import type { Clock } from '../patrol/clock.ts';
import { createLogger } from '../util/log.ts';
import { wellFormed, wellFormedDeep, wellFormedOrNull } from '../integrity/text.ts';
import { GENESIS_HASH, entryHash, verifyChain, type LogEntry, type LogCategory, type VerifyResult } from './chain.ts';
import type { DutyLogTable } from '../store/sql/schema.ts';

const log = createLogger('dutylog');

/** A stored row: the table type the SQL layer declares (server/store/sql/schema.ts). */
type Row = DutyLogTable;

function parseData(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { _raw: s };
  } catch {
    return { _raw: s };
  }
}

export const toEntry = (r: Row): LogEntry => ({
  seq: r.seq,
  ts: r.ts_ms,
  cameraId: r.camera_id,
  category: r.category,
  kind: r.kind,
  text: r.text,
  authorId: r.author_id,
  authorName: r.author_name,
  refSeq: r.ref_seq,
  data: parseData(r.data_json),
  prevHash: r.prev_hash,
  hash: r.hash,
});

export interface AppendInput {
  category: LogCategory;
  /** manual | correction | round_anomaly | round_completed | round_missed | camera_offline | camera_online | handover | handover_ack | spot_check | alarm */
  kind: string;
  text: string;
  cameraId?: string | null;
  author: { id: number | null; name: string };
  refSeq?: number | null;
  data?: Record<string, unknown>;
}

export interface LogQuery {
  from?: number;
  to?: number;
  cameraId?: string;
  category?: string;
  limit?: number;
  beforeSeq?: number;
}

/**
 * The footage time an entry is about: when a camera went offline or came back (`data.since`), else when it
 * was written. The console opens `/review/<camera>?t=` here and the review timeline puts the marker here.
 */
export function entryFootageMs(e: Pick<LogEntry, 'ts' | 'kind' | 'data'>): number {
  const since = e.data.since;
  if ((e.kind === 'camera_offline' || e.kind === 'camera_online') && typeof since === 'number' && Number.isFinite(since) && since <= e.ts) {
    return since;
  }
  return e.ts;
}

/** Author of entries the system writes by itself (camera offline/online, missed rounds). */
export const SYSTEM_AUTHOR = { id: null, name: 'system' } as const;

export class DutyLog {
  private readonly listeners = new Set<(e: LogEntry) => void>();
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Append one entry; the chain head is read and extended inside one immediate transaction. */
  append(input: AppendInput): LogEntry {
    const entry = this.db
      .transaction((): LogEntry => {
        const head = this.db.prepare('SELECT seq, hash FROM duty_log ORDER BY seq DESC LIMIT 1').get() as
          | { seq: number; hash: string }
          | undefined;
        if (input.refSeq != null && !this.get(input.refSeq)) throw new Error(`refSeq ${input.refSeq} does not exist`);
        const content = {
          seq: (head?.seq ?? 0) + 1,
          ts: this.clock.now(),
          // hashed in the form SQLite stores: lone surrogates become U+FFFD (server/integrity/text.ts)
          cameraId: wellFormedOrNull(input.cameraId ?? null),
          category: wellFormed(input.category),
          kind: wellFormed(input.kind),
          text: wellFormed(input.text),
          authorId: input.author.id,
          authorName: wellFormed(input.author.name),
          refSeq: input.refSeq ?? null,
          data: wellFormedDeep(JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>),
        };
        const prevHash = head?.hash ?? GENESIS_HASH;
        const hash = entryHash(prevHash, content);
        this.db
          .prepare(
            `INSERT INTO duty_log (seq, ts_ms, camera_id, category, kind, text, author_id, author_name, ref_seq, data_json, prev_hash, hash)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(content.seq, content.ts, content.cameraId, content.category, content.kind, content.text, content.authorId,
            content.authorName, content.refSeq, JSON.stringify(content.data), prevHash, hash);
        return { ...content, prevHash, hash };
      })
      .immediate();
    log.info('duty log entry', { seq: entry.seq, kind: entry.kind, category: entry.category, camera: entry.cameraId });
    for (const fn of this.listeners) fn(entry);
    return entry;
  }

  onAppend(fn: (e: LogEntry) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get(seq: number): LogEntry | undefined {
    const r = this.db.prepare('SELECT * FROM duty_log WHERE seq = ?').get(seq) as Row | undefined;
    return r && toEntry(r);
  }

  /** Newest first. */
  list(q: LogQuery = {}): LogEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.from !== undefined) {
      where.push('ts_ms >= ?');
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('ts_ms < ?');
      args.push(q.to);
    }
    if (q.cameraId) {
      where.push('camera_id = ?');
      args.push(q.cameraId);
    }
    if (q.category) {
      where.push('category = ?');
      args.push(q.category);
    }
    if (q.beforeSeq !== undefined) {
      where.push('seq < ?');
      args.push(q.beforeSeq);
    }
    const sql = `SELECT * FROM duty_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    args.push(Math.min(Math.max(q.limit ?? 200, 1), 5000));
    return (this.db.prepare(sql).all(...args) as Row[]).map(toEntry);
  }

  /** The kind of the newest entry among `kinds` whose data.alarmId is `alarmId` (alarm steps already on the log). */
  lastForAlarm(alarmId: number, kinds: readonly string[]): string | undefined {
    const r = this.db
      .prepare(`SELECT kind FROM duty_log WHERE kind IN (${kinds.map(() => '?').join(', ')}) AND json_extract(data_json, '$.alarmId') = ? ORDER BY seq DESC LIMIT 1`)
      .get(...kinds, alarmId) as { kind: string } | undefined;
    return r?.kind;
  }

  /** A camera's entries written in [fromMs, toMs), oldest first (review timeline markers; index duty_log_camera). */
  forCamera(cameraId: string, fromMs: number, toMs: number, limit = 1000): LogEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM duty_log WHERE camera_id = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, seq LIMIT ?')
      .all(cameraId, fromMs, toMs, limit) as Row[];
    return rows.map(toEntry);
  }

  /** Corrections that reference `seq`. */
  corrections(seq: number): LogEntry[] {
    return (this.db.prepare('SELECT * FROM duty_log WHERE ref_seq = ? ORDER BY seq').all(seq) as Row[]).map(toEntry);
  }

  verify(): VerifyResult & { triggers: boolean } {
    return verifyDb(this.db);
  }
}

/** Verify the whole chain of a database (streams rows) and that the append-only triggers are in place. */
export function verifyDb(db: Db): VerifyResult & { triggers: boolean } {
  const rows = db.prepare('SELECT * FROM duty_log ORDER BY seq').iterate() as IterableIterator<Row>;
  const result = verifyChain((function* () {
    for (const r of rows) yield toEntry(r);
  })());
  const trig = db
    .prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name IN ('duty_log_no_update', 'duty_log_no_delete')`)
    .get() as { n: number };
  return { ...result, triggers: trig.n === 2 };
}
