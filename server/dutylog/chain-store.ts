/**
 * The duty log's hash chain on the SQL layer (issue J, docs/cluster.md): one code path for PostgreSQL and
 * SQLite. An append is one write transaction: lock the chain head (PostgreSQL `SELECT … FOR UPDATE` on the
 * `chain_heads` row; SQLite BEGIN IMMEDIATE), hash with the existing entryHash (chain.ts — the same canonical
 * form and hash as DutyLog.append), insert, move the head. So any number of writer processes — nodes sharing
 * one PostgreSQL — extend ONE chain and never fork it. Verification is chain.ts's verifyChain, page by page.
 * What the three chains share (head lock, tip rule, NUL, streaming verify): server/integrity/sql-chain.ts.
 *
 * The server's DutyLog (log.ts) appends through this. A table ahead of its head (an entry written by an older
 * server, which did not move the head) is followed.
 */
import type { Kysely } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { SqlSchema } from '../store/sql/schema.ts';
import { writeTransaction } from '../store/sql/tx.ts';
import { wellFormed, wellFormedDeep, wellFormedOrNull } from '../integrity/text.ts';
import { entryHash, verifyChain, type ChainLink, type LogContent, type LogEntry, type VerifyResult } from './chain.ts';
import { DUTY_LOG_LABEL, lockHead, moveHead, readHead, refuseNul, tipToExtend, triggersInPlace, verifyStream } from '../integrity/sql-chain.ts';
import { toEntry, type AppendInput } from './log.ts';

export const DUTY_LOG_CHAIN = 'duty_log';

/** The content of entry `seq` written at `ts`, in the form that is hashed and stored (as DutyLog.append makes it). */
export function chainContent(input: AppendInput, seq: number, ts: number): LogContent {
  return {
    seq,
    ts,
    // hashed in the form the database stores: lone surrogates become U+FFFD (server/integrity/text.ts)
    cameraId: wellFormedOrNull(input.cameraId ?? null),
    category: wellFormed(input.category),
    kind: wellFormed(input.kind),
    text: wellFormed(input.text),
    authorId: input.author.id,
    authorName: wellFormed(input.author.name),
    refSeq: input.refSeq ?? null,
    data: wellFormedDeep(JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>),
  };
}

export { ChainHeadError, ChainTextError, tipToExtend } from '../integrity/sql-chain.ts';
export type Link = ChainLink;

export interface ChainVerifyResult extends VerifyResult {
  /** the append-only triggers are in place (and, on PostgreSQL, enabled) */
  triggers: boolean;
  /** the head row names the chain's last entry */
  headMatches: boolean;
}

export class ChainStore {
  constructor(
    private readonly s: SqlDb,
    private readonly now: () => number = Date.now,
    /** entries per page when verifying (memory holds one page) */
    private readonly pageSize = 2000,
  ) {}

  /**
   * Append one entry to the one chain; concurrent callers in any process are serialised on the head. `also`
   * runs in the same transaction after the insert (a handover's index row): it fails, nothing is written.
   */
  async append(input: AppendInput, also?: (tx: Kysely<SqlSchema>, e: LogEntry) => Promise<void>): Promise<LogEntry> {
    refuseNul('duty log entry', { ...input });
    return writeTransaction(this.s, async (tx) => {
      const head = await lockHead(tx, this.s.engine, DUTY_LOG_CHAIN, DUTY_LOG_LABEL);
      const last = await tx.selectFrom('duty_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const tip = tipToExtend(head, last, DUTY_LOG_LABEL);
      if (input.refSeq != null) {
        const ref = await tx.selectFrom('duty_log').select('seq').where('seq', '=', input.refSeq).executeTakeFirst();
        if (!ref) throw new Error(`refSeq ${input.refSeq} does not exist`);
      }
      const content = chainContent(input, tip.seq + 1, this.now());
      const hash = entryHash(tip.hash, content);
      await tx
        .insertInto('duty_log')
        .values({
          seq: content.seq,
          ts_ms: content.ts,
          camera_id: content.cameraId,
          category: content.category,
          kind: content.kind,
          text: content.text,
          author_id: content.authorId,
          author_name: content.authorName,
          ref_seq: content.refSeq,
          data_json: JSON.stringify(content.data),
          prev_hash: tip.hash,
          hash,
        })
        .execute();
      await moveHead(tx, DUTY_LOG_CHAIN, { seq: content.seq, hash });
      const e = { ...content, prevHash: tip.hash, hash };
      if (also) await also(tx, e);
      return e;
    });
  }

  /** Entries with seq in (afterSeq, afterSeq + limit], oldest first. */
  async page(afterSeq: number, limit: number): Promise<LogEntry[]> {
    const rows = await this.s.db.selectFrom('duty_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map(toEntry);
  }

  /**
   * Verify the whole chain, streaming: pages of `pageSize` entries, each checked by verifyChain (chain.ts) from
   * the link the previous page ended on; then the head row (a deleted tail: the head names an entry the table
   * lacks) and the triggers. Memory holds one page.
   */
  async verify(pageSize = this.pageSize): Promise<ChainVerifyResult> {
    const r = await verifyStream({
      read: (after, limit) => this.page(after, limit),
      link: (e) => e,
      verify: (page, from) => {
        const v = verifyChain(page, from);
        return { ok: v.ok, broken: v.broken, last: { seq: v.ok ? page[page.length - 1]!.seq : v.broken!.seq - 1, hash: v.lastHash } };
      },
      head: await readHead(this.s, DUTY_LOG_CHAIN),
      headRequired: true,
      pageSize,
    });
    const triggers = await triggersInPlace(this.s, 'duty_log', {
      sqlite: ['duty_log_no_update', 'duty_log_no_delete'],
      postgres: ['duty_log_append_only', 'duty_log_no_truncate'],
    });
    return { ok: r.ok, entries: r.rows, ...(r.broken ? { broken: r.broken } : {}), lastHash: r.last.hash, triggers, headMatches: r.headMatches };
  }
}
