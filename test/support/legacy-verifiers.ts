/**
 * Second, independent verifiers of an SQLite file's duty log and audit trail: links only, synchronous, straight
 * from the better-sqlite3 handle (rows streamed). The server verifies through the SQL layer (ChainStore.verify,
 * AuditChainStore.verify, on either engine); tests use these to check that it agrees with a plain walk of the file.
 */
import type { Db } from '../../server/store/db.ts';
import { verifyChain, type VerifyResult } from '../../server/dutylog/chain.ts';
import { toEntry } from '../../server/dutylog/log.ts';
import { verifyAuditRows, type AuditVerifyResult } from '../../server/audit/log.ts';
import type { AuditLogTable, DutyLogTable } from '../../server/store/sql/schema.ts';

/** The duty log's links, and whether SQLite's append-only triggers are there. */
export function verifyDb(db: Db): VerifyResult & { triggers: boolean } {
  const rows = db.prepare('SELECT * FROM duty_log ORDER BY seq').iterate() as IterableIterator<DutyLogTable>;
  const result = verifyChain((function* () {
    for (const r of rows) yield toEntry(r);
  })());
  const trig = db
    .prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name IN ('duty_log_no_update', 'duty_log_no_delete')`)
    .get() as { n: number };
  return { ...result, triggers: trig.n === 2 };
}

/** The audit trail's links. */
export function verifyAuditDb(db: Db): AuditVerifyResult {
  return verifyAuditRows(db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<AuditLogTable>);
}
