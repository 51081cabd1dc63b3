/**
 * The monitoring record (监控记录): an append-only, hash-chained table. There is no update or delete path
 * in code, and triggers RAISE on UPDATE/DELETE (both engines). A correction is a new entry whose refSeq names the old.
 * On the SQL layer (issue J): appends go through ChainStore (chain-store.ts: one chain however many nodes write),
 * reads are Kysely queries, the same on SQLite and PostgreSQL.
 */
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../patrol/clock.ts';
import { createLogger } from '../util/log.ts';
import type { SqlDb } from '../store/sql/db.ts';
import type { DutyLogTable, SqlSchema } from '../store/sql/schema.ts';
import type { LogEntry, LogCategory } from './chain.ts';
import { ChainStore, type ChainVerifyResult } from './chain-store.ts';
import { holdsNul } from '../store/sql/filters.ts';

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
  readonly store: ChainStore;
  /** appends of this process, in call order (the chain's order is the order they were asked for) */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly sql: SqlDb,
    private readonly clock: Clock,
  ) {
    this.store = new ChainStore(sql, () => clock.now());
  }

  /**
   * Append one entry (ChainStore: head locked, hashed, inserted in one transaction). `also` runs inside that
   * transaction (a handover's index row). Rejects on failure (a full disk: SQLITE_FULL / PostgreSQL 53100).
   */
  append(input: AppendInput, also?: (tx: Kysely<SqlSchema>, e: LogEntry) => Promise<void>): Promise<LogEntry> {
    const p = this.tail.then(() => this.store.append(input, also));
    this.tail = p.catch(() => undefined);
    return p.then((entry) => {
      log.info('duty log entry', { seq: entry.seq, kind: entry.kind, category: entry.category, camera: entry.cameraId });
      for (const fn of this.listeners) {
        try {
          fn(entry);
        } catch (err) {
          log.error('duty-log listener failed', { err });
        }
      }
      return entry;
    });
  }

  onAppend(fn: (e: LogEntry) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async get(seq: number): Promise<LogEntry | undefined> {
    const r = await this.sql.db.selectFrom('duty_log').selectAll().where('seq', '=', seq).executeTakeFirst();
    return r && toEntry(r);
  }

  /** Newest first. */
  async list(q: LogQuery = {}): Promise<LogEntry[]> {
    if (holdsNul(q.cameraId, q.category)) return []; // no entry holds U+0000 (filters.ts)
    const rows = await this.sql.db
      .selectFrom('duty_log')
      .selectAll()
      .$if(q.from !== undefined, (x) => x.where('ts_ms', '>=', q.from!))
      .$if(q.to !== undefined, (x) => x.where('ts_ms', '<', q.to!))
      .$if(!!q.cameraId, (x) => x.where('camera_id', '=', q.cameraId!))
      .$if(!!q.category, (x) => x.where('category', '=', q.category!))
      .$if(q.beforeSeq !== undefined, (x) => x.where('seq', '<', q.beforeSeq!))
      .orderBy('seq', 'desc')
      .limit(Math.min(Math.max(q.limit ?? 200, 1), 5000))
      .execute();
    return rows.map(toEntry);
  }

  /** The kind of the newest entry among `kinds` whose data.alarmId is `alarmId` (alarm steps already on the log). */
  async lastForAlarm(alarmId: number, kinds: readonly string[]): Promise<string | undefined> {
    if (!kinds.length) return undefined;
    const alarm =
      this.sql.engine === 'postgres'
        ? sql<boolean>`(data_json::jsonb -> 'alarmId') = ${JSON.stringify(alarmId)}::jsonb`
        : sql<boolean>`json_extract(data_json, '$.alarmId') = ${alarmId}`;
    const r = await this.sql.db
      .selectFrom('duty_log')
      .select('kind')
      .where('kind', 'in', [...kinds])
      .where(alarm)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.kind;
  }

  /** A camera's entries written in [fromMs, toMs), oldest first (review timeline markers; index duty_log_camera). */
  async forCamera(cameraId: string, fromMs: number, toMs: number, limit = 1000): Promise<LogEntry[]> {
    const rows = await this.sql.db
      .selectFrom('duty_log')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('ts_ms', '>=', fromMs)
      .where('ts_ms', '<', toMs)
      .orderBy('ts_ms')
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }

  /** Corrections that reference `seq`. */
  async corrections(seq: number): Promise<LogEntry[]> {
    const rows = await this.sql.db.selectFrom('duty_log').selectAll().where('ref_seq', '=', seq).orderBy('seq').execute();
    return rows.map(toEntry);
  }

  /** The chain's links (streaming, page by page), its head row and its triggers (ChainStore.verify). */
  verify(): Promise<ChainVerifyResult> {
    return this.store.verify();
  }
}
