/**
 * Audit entries of the retention that the audit log could not write (the database is on the full disk): kept in
 * memory (the newest 100, each with its original time), marked `writtenLate`, and written in order at the next
 * attempt. record() with no entry only retries.
 */
import type { AuditInput, AuditLog } from '../audit/log.ts';

const KEEP = 100;

export class LateAudit {
  private readonly pending: AuditInput[] = [];

  constructor(
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  record(i?: AuditInput): void {
    if (i) this.pending.push({ ...i, time: i.time ?? this.now() });
    if (this.pending.length > KEEP) this.pending.shift();
    while (this.pending.length) {
      const e = this.pending[0]!;
      if (!this.audit.record(e)) {
        e.detail = { ...e.detail, writtenLate: true };
        return; // the audit log said why; retried next pass
      }
      this.pending.shift();
    }
  }
}
