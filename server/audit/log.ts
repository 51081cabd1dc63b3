/**
 * The audit trail: who did what, when, from where. One table, `audit_log`, that is append-only twice over:
 *  - this class has no update or delete path, and SQLite triggers RAISE on any UPDATE or DELETE;
 *  - every row carries sha256(previous row's hash | this row's fields), so an edit made behind SQLite's back
 *    (another tool, a restored copy) breaks the chain at that row and `verify()` says where.
 *
 * On the SQL layer (issue J): record() appends through AuditChainStore (chain-store.ts: one trail however many
 * nodes write, either engine), queries are Kysely, the same on SQLite and PostgreSQL.
 *
 * Actions are dotted names, e.g. `login`, `login.failed`, `live.view.start`, `export.create`, `lock.release`,
 * `camera.update` (see docs/evidence.md for the list). Other modules record through `record()`.
 */
import { createHash } from 'node:crypto';
import { sql, type ExpressionBuilder } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { SqlSchema } from '../store/sql/schema.ts';
import { AuditChainStore } from './chain-store.ts';
import { createLogger } from '../util/log.ts';
import { wellFormed, wellFormedDeep } from '../integrity/text.ts';
import type { AuditEntry, AuditPage } from '../../shared/wire/audit.ts';
import type { AuditLogTable } from '../store/sql/schema.ts';

const log = createLogger('audit');
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditActor {
  id?: number | null;
  username?: string | null;
  role?: string | null;
  ip?: string | null;
}

export interface AuditInput {
  action: string;
  actor?: AuditActor | null;
  cameraId?: string | null;
  /** what the action was done to: an export id, a user name, a lock id … */
  target?: string | null;
  /** start of the footage the entry is about (views, exports, locks) — lets the console jump to it */
  atMs?: number | null;
  detail?: Record<string, unknown>;
  /** defaults to now */
  time?: number;
}

/** Entries on the wire: shared/wire/audit.ts (the console imports the same module). */
export type { AuditEntry, AuditPage } from '../../shared/wire/audit.ts';

export interface AuditQuery {
  from?: number;
  to?: number;
  /** exact user name (case-insensitive) */
  actor?: string;
  /** `export` matches `export` and `export.*` */
  action?: string;
  cameraId?: string;
  /** substring of target or detail */
  text?: string;
  /** entries with id < before (paging, newest first) */
  before?: number;
  limit?: number;
}

/** A stored row: the table type the SQL layer declares (server/store/sql/schema.ts). */
type Row = AuditLogTable;
/** A row without its hashes: what rowHash covers. */
export type AuditRowBase = Omit<Row, 'prev_hash' | 'hash'>;

/** The hashed form of a row: every field but the hashes, in a fixed order. */
export function rowHash(prev: string, r: AuditRowBase): string {
  const fields = [r.id, r.at_ms, r.actor_id, r.actor, r.role, r.ip, r.action, r.camera_id, r.target, r.footage_ms, r.detail];
  return createHash('sha256').update(prev).update('|').update(JSON.stringify(fields)).digest('hex');
}

export const toAuditEntry = (r: Row): AuditEntry => ({
  id: r.id,
  time: r.at_ms,
  actorId: r.actor_id,
  actor: r.actor,
  role: r.role,
  ip: r.ip,
  action: r.action,
  cameraId: r.camera_id,
  target: r.target,
  footageMs: r.footage_ms,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
  hash: r.hash,
});

// clipped first, then made well-formed: a cut can split a surrogate pair
const clip = (s: string | null | undefined, n: number) => (s == null ? null : wellFormed(String(s).slice(0, n)));

/**
 * Row `id` of an entry, in the form that is hashed and stored: fields clipped, then made well-formed (lone
 * surrogates → U+FFFD, server/integrity/text.ts). `now` is the time when the input has none. The server's
 * AuditLog and the SQL layer's AuditChainStore (audit/chain-store.ts) both build rows with this.
 */
export function auditRowBase(i: AuditInput, id: number, now: number): AuditRowBase {
  return {
    id,
    at_ms: Math.round(i.time ?? now),
    actor_id: i.actor?.id ?? null,
    actor: clip(i.actor?.username, 100),
    role: clip(i.actor?.role, 20),
    ip: clip(i.actor?.ip, 64),
    action: wellFormed(i.action.slice(0, 64)),
    camera_id: clip(i.cameraId, 64),
    target: clip(i.target, 200),
    footage_ms: i.atMs == null ? null : Math.round(i.atMs),
    detail: JSON.stringify(wellFormedDeep(i.detail ?? {})),
  };
}

/**
 * U+0000 becomes U+FFFD (the replacement character) in every string of an entry, keys of its detail too. An audit
 * entry often carries text nobody vouched for (a failed login's user name, a path): refusing it would lose the
 * entry, and the chain stores refuse NUL on both engines (PostgreSQL text cannot hold it).
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutNul(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[withoutNul(k)] = withoutNul(v);
  return out as T;
}

type Eb = ExpressionBuilder<SqlSchema, 'audit_log'>;

export class AuditLog {
  readonly store: AuditChainStore;
  /** records of this process, in call order */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly sql: SqlDb) {
    this.store = new AuditChainStore(sql);
  }

  /**
   * Append one entry (NUL made U+FFFD first). Never rejects: an audit failure is logged loudly but does not fail
   * the request; resolves to undefined then. Entries are written in the order record() was called.
   */
  record(i: AuditInput): Promise<AuditEntry | undefined> {
    const input = withoutNul({ ...i, time: i.time ?? Date.now() });
    const p = this.tail.then(() => this.store.append(input)).catch((err: unknown) => {
      log.error('could not write audit entry', { action: i.action, err });
      return undefined;
    });
    this.tail = p;
    return p;
  }

  /** Resolves once every entry recorded so far (and any recorded meanwhile) is written or given up. */
  async settled(): Promise<void> {
    let t: Promise<unknown>;
    do {
      t = this.tail;
      await t;
    } while (t !== this.tail);
  }

  private where(raw: AuditQuery) {
    // text filters as the entries were written (U+0000 → U+FFFD: PostgreSQL cannot compare a NUL); `before` within
    // the ids' range (PostgreSQL refuses a number beyond bigint; ids are 1 … 2^53)
    const q = withoutNul(raw);
    return (eb: Eb) => {
      const w = [];
      if (q.from !== undefined) w.push(eb('at_ms', '>=', q.from));
      if (q.to !== undefined) w.push(eb('at_ms', '<', q.to));
      // ASCII case-insensitive on both engines (SQLite's COLLATE NOCASE, PostgreSQL's lower() in the C locale)
      if (q.actor) w.push(eb(eb.fn('lower', ['actor']), '=', sql<string>`lower(${q.actor})`));
      if (q.action) w.push(eb.or([eb('action', '=', q.action), sql<boolean>`action LIKE ${`${escapeLike(q.action)}.%`} ESCAPE '\\'`]));
      if (q.cameraId) w.push(eb('camera_id', '=', q.cameraId));
      if (q.text) {
        const like = `%${escapeLike(q.text.toLowerCase())}%`;
        w.push(sql<boolean>`(lower(target) LIKE ${like} ESCAPE '\\' OR lower(detail) LIKE ${like} ESCAPE '\\')`);
      }
      if (q.before !== undefined) w.push(eb('id', '<', Math.max(0, Math.min(q.before, Number.MAX_SAFE_INTEGER))));
      return eb.and(w);
    };
  }

  /** Newest first. `next` is the `before` value of the following page, absent on the last page. */
  async query(q: AuditQuery): Promise<AuditPage> {
    const limit = Math.min(Math.max(1, q.limit ?? 100), 1000);
    const rows = await this.sql.db.selectFrom('audit_log').selectAll().where(this.where(q)).orderBy('id', 'desc').limit(limit + 1).execute();
    const more = rows.length > limit;
    const entries = rows.slice(0, limit).map(toAuditEntry);
    return more ? { entries, next: entries[entries.length - 1]!.id } : { entries };
  }

  /** Oldest first, entries with id > afterId (CSV export pages through the trail with this). */
  async pageAscending(q: AuditQuery, afterId: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.sql.db
      .selectFrom('audit_log')
      .selectAll()
      .where(this.where({ ...q, before: undefined }))
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toAuditEntry);
  }

  /** Distinct action names present (for the console's filter). */
  async actions(): Promise<string[]> {
    const rows = await this.sql.db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
    return rows.map((r) => r.action);
  }

  /** Walk the hash chain, streaming (AuditChainStore.verify). `firstBad` is the id of the first row that does not match. */
  verify(): ReturnType<AuditChainStore['verify']> {
    return this.store.verify();
  }

  async latest(): Promise<AuditEntry | undefined> {
    const r = await this.sql.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r && toAuditEntry(r);
  }
}

export interface AuditVerifyResult {
  ok: boolean;
  count: number;
  head: string;
  firstBad?: number;
}

/**
 * Walk audit rows in id order and report the first bad one. `after` resumes a walk right after an already
 * verified link (streaming verification page by page); `count` then counts from the trail's start.
 */
export function verifyAuditRows(rows: Iterable<Row>, after: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }): AuditVerifyResult {
  let prev = after.hash;
  let count = after.seq;
  let expectId = after.seq + 1;
  for (const r of rows) {
    const { prev_hash, hash, ...base } = r;
    if (r.id !== expectId || prev_hash !== prev || rowHash(prev, base) !== hash) {
      return { ok: false, count, head: prev, firstBad: r.id };
    }
    prev = hash;
    count++;
    expectId++;
  }
  return { ok: true, count, head: prev };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
