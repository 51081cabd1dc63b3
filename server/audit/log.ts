/**
 * The audit trail: who did what, when, from where. One table, `audit_log`, that is append-only twice over:
 *  - this class has no update or delete path, and SQLite triggers RAISE on any UPDATE or DELETE;
 *  - every row carries sha256(previous row's hash | this row's fields), so an edit made behind SQLite's back
 *    (another tool, a restored copy) breaks the chain at that row and `verify()` says where.
 *
 * Actions are dotted names, e.g. `login`, `login.failed`, `live.view.start`, `export.create`, `lock.release`,
 * `camera.update` (see docs/evidence.md for the list). Other modules record through `record()`.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../store/db.ts';
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

export class AuditLog {
  private readonly insertTx: (i: AuditInput) => Row;

  constructor(private readonly db: Db) {
    const last = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
    const insert = db.prepare(
      `INSERT INTO audit_log (id, at_ms, actor_id, actor, role, ip, action, camera_id, target, footage_ms, detail, prev_hash, hash)
       VALUES (@id, @at_ms, @actor_id, @actor, @role, @ip, @action, @camera_id, @target, @footage_ms, @detail, @prev_hash, @hash)`,
    );
    this.insertTx = db.transaction((i: AuditInput): Row => {
      const prev = last.get() as { id: number; hash: string } | undefined;
      const base = auditRowBase(i, (prev?.id ?? 0) + 1, Date.now());
      const prevHash = prev?.hash ?? GENESIS_HASH;
      const row: Row = { ...base, prev_hash: prevHash, hash: rowHash(prevHash, base) };
      insert.run(row);
      return row;
    });
  }

  /** Append one entry. Never throws: an audit failure is logged loudly but does not fail the request. */
  record(i: AuditInput): AuditEntry | undefined {
    try {
      return toAuditEntry(this.insertTx(i));
    } catch (err) {
      log.error('could not write audit entry', { action: i.action, err });
      return undefined;
    }
  }

  private where(q: AuditQuery): { sql: string; params: unknown[] } {
    const w: string[] = [];
    const p: unknown[] = [];
    const add = (cond: string, ...params: unknown[]) => {
      w.push(cond);
      p.push(...params);
    };
    if (q.from !== undefined) add('at_ms >= ?', q.from);
    if (q.to !== undefined) add('at_ms < ?', q.to);
    if (q.actor) add('actor = ? COLLATE NOCASE', q.actor);
    if (q.action) add("(action = ? OR action LIKE ? ESCAPE '\\')", q.action, `${escapeLike(q.action)}.%`);
    if (q.cameraId) add('camera_id = ?', q.cameraId);
    if (q.text) {
      const like = `%${escapeLike(q.text)}%`;
      add("(target LIKE ? ESCAPE '\\' OR detail LIKE ? ESCAPE '\\')", like, like);
    }
    if (q.before !== undefined) add('id < ?', q.before);
    return { sql: w.length ? `WHERE ${w.join(' AND ')}` : '', params: p };
  }

  /** Newest first. `next` is the `before` value of the following page, absent on the last page. */
  query(q: AuditQuery): AuditPage {
    const limit = Math.min(Math.max(1, q.limit ?? 100), 1000);
    const { sql, params } = this.where(q);
    const rows = this.db
      .prepare(`SELECT * FROM audit_log ${sql} ORDER BY id DESC LIMIT ?`)
      .all(...params, limit + 1) as Row[];
    const more = rows.length > limit;
    const entries = rows.slice(0, limit).map(toAuditEntry);
    return more ? { entries, next: entries[entries.length - 1]!.id } : { entries };
  }

  /** Oldest first, entries with id > afterId (CSV export pages through the trail with this). */
  pageAscending(q: AuditQuery, afterId: number, limit: number): AuditEntry[] {
    const { sql, params } = this.where({ ...q, before: undefined });
    const cond = sql ? `${sql} AND id > ?` : 'WHERE id > ?';
    return (this.db.prepare(`SELECT * FROM audit_log ${cond} ORDER BY id LIMIT ?`).all(...params, afterId, limit) as Row[]).map(toAuditEntry);
  }

  /** Distinct action names present (for the console's filter). */
  actions(): string[] {
    return (this.db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').all() as { action: string }[]).map(
      (r) => r.action,
    );
  }

  /** Walk the hash chain. `firstBad` is the id of the first row whose hash or link does not match. */
  verify(): AuditVerifyResult {
    return verifyAuditDb(this.db);
  }

  latest(): AuditEntry | undefined {
    const r = this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT 1').get() as Row | undefined;
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

/** Walk the audit trail's hash chain of a database (streams rows). */
export function verifyAuditDb(db: Db): AuditVerifyResult {
  return verifyAuditRows(db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<Row>);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
