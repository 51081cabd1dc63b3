/**
 * The audit trail's hash chain on the SQL layer (issue J, docs/cluster.md): one code path for PostgreSQL and
 * SQLite, like the duty log's (dutylog/chain-store.ts). An append is one write transaction: lock the
 * `chain_heads` row `audit_log`, read the newest row, build the row with the server's own auditRowBase and hash
 * it with rowHash (audit/log.ts — one hash format), insert, move the head. Any number of writer processes extend
 * ONE trail and never fork it (unique prev_hash, migration 0016). Verification streams: pages checked by
 * verifyAuditRows from the link the previous page ended on.
 *
 * The server's AuditLog (log.ts) records through this. A table ahead of its head (rows an older server wrote,
 * which did not move the head) is followed.
 */
import type { SqlDb } from '../store/sql/db.ts';
import type { AuditLogTable } from '../store/sql/schema.ts';
import { writeTransaction } from '../store/sql/tx.ts';
import { lockHead, moveHead, readHead, refuseNul, tipToExtend, triggersInPlace, verifyStream, type ChainLabel } from '../integrity/sql-chain.ts';
import { auditRowBase, rowHash, toAuditEntry, verifyAuditRows, type AuditEntry, type AuditInput, type AuditVerifyResult } from './log.ts';

export const AUDIT_LOG_CHAIN = 'audit_log';
const LABEL: ChainLabel = { name: 'audit trail', check: 'npm run verify-log' };

export interface AuditChainVerifyResult extends AuditVerifyResult {
  /** why `firstBad` is bad */
  reason?: string;
  /** the append-only triggers are in place (and, on PostgreSQL, enabled) */
  triggers: boolean;
  /** the head row names the trail's last row */
  headMatches: boolean;
}

export class AuditChainStore {
  constructor(
    private readonly s: SqlDb,
    private readonly now: () => number = Date.now,
    /** rows per page when verifying (memory holds one page) */
    private readonly pageSize = 2000,
  ) {}

  /** Append one entry; concurrent callers in any process are serialised on the head. Throws on failure. */
  async append(i: AuditInput): Promise<AuditEntry> {
    refuseNul('audit entry', { ...i });
    return writeTransaction(this.s, async (tx) => {
      const head = await lockHead(tx, this.s.engine, AUDIT_LOG_CHAIN, LABEL);
      const last = await tx.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
      const tip = tipToExtend(head, last && { seq: last.id, hash: last.hash }, LABEL);
      const base = auditRowBase(i, tip.seq + 1, this.now());
      const row: AuditLogTable = { ...base, prev_hash: tip.hash, hash: rowHash(tip.hash, base) };
      await tx.insertInto('audit_log').values(row).execute();
      await moveHead(tx, AUDIT_LOG_CHAIN, { seq: row.id, hash: row.hash });
      return toAuditEntry(row);
    });
  }

  /** Rows with id > afterId, oldest first. */
  page(afterId: number, limit: number): Promise<AuditLogTable[]> {
    return this.s.db.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  }

  /** Verify the trail page by page, then the head row (a deleted tail) and the triggers. Memory holds one page. */
  async verify(pageSize = this.pageSize): Promise<AuditChainVerifyResult> {
    const r = await verifyStream({
      read: (after, limit) => this.page(after, limit),
      link: (row) => ({ seq: row.id, hash: row.hash }),
      verify: (page, from) => {
        const v = verifyAuditRows(page, from);
        if (v.ok) return { ok: true, last: { seq: v.count, hash: v.head } };
        return { ok: false, broken: { seq: v.firstBad!, reason: breakReason(page, v.firstBad!, v.count + 1, v.head) }, last: { seq: v.count, hash: v.head } };
      },
      head: await readHead(this.s, AUDIT_LOG_CHAIN),
      headRequired: true,
      pageSize,
    });
    const triggers = await triggersInPlace(this.s, 'audit_log', {
      sqlite: ['audit_log_no_update', 'audit_log_no_delete'],
      postgres: ['audit_log_append_only', 'audit_log_no_truncate'],
    });
    const bad = r.broken ? { firstBad: r.broken.seq, reason: r.broken.reason } : {};
    return { ok: r.ok, count: r.last.seq, head: r.last.hash, ...bad, triggers, headMatches: r.headMatches };
  }
}

function breakReason(page: AuditLogTable[], id: number, expectId: number, prev: string): string {
  const row = page.find((x) => x.id === id);
  if (!row || id !== expectId) return `entry ${expectId} is missing (next is ${id})`;
  if (row.prev_hash !== prev) return 'previous-hash link does not match the entry before';
  return 'content does not match its hash (entry was altered)';
}
