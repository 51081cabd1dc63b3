/**
 * Audit entries of the retention that the audit log could not write (the database is on the full disk): kept in
 * memory (the newest 100, each with its original time), marked `writtenLate`, and written in order at the next
 * attempt. record() with no entry only retries. Writes are async (the SQL layer): one attempt at a time, in order.
 */
import type { AuditInput, AuditLog } from '../audit/log.ts';

const KEEP = 100;

export class LateAudit {
  private readonly pending: AuditInput[] = [];

  constructor(
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  private running: Promise<void> = Promise.resolve();
  private busy = false;
  private again = false;

  /**
   * Resolves when this entry (and every one before it) was written or kept for the next attempt. Never rejects.
   * The first write starts at once (AuditLog.settled() then covers it); one drain runs at a time.
   */
  record(i?: AuditInput): Promise<void> {
    if (i) this.pending.push({ ...i, time: i.time ?? this.now() });
    if (this.pending.length > KEEP) this.pending.shift();
    if (this.busy) {
      this.again = true;
      return this.running;
    }
    this.busy = true;
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again);
      } finally {
        this.busy = false;
      }
    })();
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const e = this.pending[0]!;
      if (!(await this.audit.record(e))) {
        e.detail = { ...e.detail, writtenLate: true };
        return; // the audit log said why; retried next pass
      }
      if (this.pending[0] === e) this.pending.shift();
    }
  }
}
