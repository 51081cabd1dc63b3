/**
 * What a Watchpost server before the SQL layer (session 9) wrote, synchronously, straight into the SQLite file:
 * a duty-log entry and an audit row chained onto the table's newest entry, WITHOUT moving the chain head. The
 * chain stores must follow such rows (a file an older server wrote, then upgraded). Same hash functions as the
 * stores (one hash format); kept here only to make those rows in tests.
 */
import type { Db } from '../../server/store/db.ts';
import { GENESIS_HASH, entryHash, type LogEntry } from '../../server/dutylog/chain.ts';
import { chainContent } from '../../server/dutylog/chain-store.ts';
import { toEntry, type AppendInput } from '../../server/dutylog/log.ts';
import { auditRowBase, rowHash, toAuditEntry, type AuditEntry, type AuditInput } from '../../server/audit/log.ts';
import type { AuditLogTable, DutyLogTable } from '../../server/store/sql/schema.ts';

export function legacyDutyAppend(db: Db, input: AppendInput, ts: number): LogEntry {
  const head = db.prepare('SELECT seq, hash FROM duty_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  const content = chainContent(input, (head?.seq ?? 0) + 1, ts);
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = entryHash(prevHash, content);
  db.prepare(
    `INSERT INTO duty_log (seq, ts_ms, camera_id, category, kind, text, author_id, author_name, ref_seq, data_json, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(content.seq, content.ts, content.cameraId, content.category, content.kind, content.text, content.authorId, content.authorName, content.refSeq, JSON.stringify(content.data), prevHash, hash);
  return toEntry(db.prepare('SELECT * FROM duty_log WHERE seq = ?').get(content.seq) as DutyLogTable);
}

export function legacyAuditRecord(db: Db, i: AuditInput): AuditEntry {
  const prev = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
  const base = auditRowBase(i, (prev?.id ?? 0) + 1, Date.now());
  const prevHash = prev?.hash ?? GENESIS_HASH;
  const row: AuditLogTable = { ...base, prev_hash: prevHash, hash: rowHash(prevHash, base) };
  db.prepare(
    `INSERT INTO audit_log (id, at_ms, actor_id, actor, role, ip, action, camera_id, target, footage_ms, detail, prev_hash, hash)
     VALUES (@id, @at_ms, @actor_id, @actor, @role, @ip, @action, @camera_id, @target, @footage_ms, @detail, @prev_hash, @hash)`,
  ).run(row);
  return toAuditEntry(row);
}
