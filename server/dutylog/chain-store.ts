/**
 * The duty log's hash chain on the SQL layer (issue J, docs/cluster.md): one code path for PostgreSQL and
 * SQLite. An append is one write transaction: lock the chain head (PostgreSQL `SELECT … FOR UPDATE` on the
 * `chain_heads` row; SQLite BEGIN IMMEDIATE), hash with the existing entryHash (chain.ts — the same canonical
 * form and hash as DutyLog.append), insert, move the head. So any number of writer processes — nodes sharing
 * one PostgreSQL — extend ONE chain and never fork it. Verification is chain.ts's verifyChain.
 *
 * NOT YET USED BY THE SERVER: server/main.ts still writes through DutyLog (log.ts, synchronous SQLite).
 * On an SQLite file both may write: an entry DutyLog appended (it does not move the head) is followed here.
 */
import { sql } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import { writeTransaction } from '../store/sql/tx.ts';
import { wellFormed, wellFormedDeep, wellFormedOrNull } from '../integrity/text.ts';
import { GENESIS_HASH, entryHash, verifyChain, type LogContent, type LogEntry, type VerifyResult } from './chain.ts';
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

export class ChainHeadError extends Error {}

export interface Link {
  seq: number;
  hash: string;
}

/**
 * The link to extend, from the locked head row and the table's newest entry. They agree after every append
 * made here. The table may be ahead (an SQLite entry written by DutyLog, which does not move the head): follow
 * it. Anything else — the newest entries deleted, or the newest entry's hash changed — is refused: extending
 * it would hide the damage behind a fresh, valid-looking tip.
 */
export function tipToExtend(head: Link, last: Link | undefined): Link {
  const tip = last ?? { seq: 0, hash: GENESIS_HASH };
  if (tip.seq === head.seq && tip.hash === head.hash) return tip;
  if (tip.seq > head.seq) return tip;
  throw new ChainHeadError(
    `duty log chain head is entry ${head.seq} (${head.hash.slice(0, 12)}…) but the table ends at entry ${tip.seq} (${tip.hash.slice(0, 12)}…): ` +
      'entries were removed or altered; nothing was appended (check the chain: npm run verify-log)',
  );
}

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
  ) {}

  /** Append one entry to the one chain; concurrent callers in any process are serialised on the head. */
  append(input: AppendInput): Promise<LogEntry> {
    return writeTransaction(this.s, async (tx) => {
      const head = await tx
        .selectFrom('chain_heads')
        .select(['seq', 'hash'])
        .where('log', '=', DUTY_LOG_CHAIN)
        .$if(this.s.engine === 'postgres', (q) => q.forUpdate())
        .executeTakeFirst();
      if (!head) throw new ChainHeadError('the duty log has no chain head row: the database was not migrated (migrateSql)');
      const last = await tx.selectFrom('duty_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const tip = tipToExtend(head, last);
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
      await tx.updateTable('chain_heads').set({ seq: content.seq, hash }).where('log', '=', DUTY_LOG_CHAIN).execute();
      return { ...content, prevHash: tip.hash, hash };
    });
  }

  /** Entries with seq in (afterSeq, afterSeq + limit], oldest first. */
  async page(afterSeq: number, limit: number): Promise<LogEntry[]> {
    const rows = await this.s.db.selectFrom('duty_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map(toEntry);
  }

  /**
   * Verify the whole chain with verifyChain (chain.ts), the head row and the triggers. Reads the chain in pages
   * but holds it in memory for the (synchronous) verifier: fine for this slice, not for a years-long log.
   */
  async verify(): Promise<ChainVerifyResult> {
    const all: LogEntry[] = [];
    for (let after = 0; ; ) {
      const page = await this.page(after, 5000);
      if (!page.length) break;
      all.push(...page);
      after = page[page.length - 1]!.seq;
    }
    const result = verifyChain(all);
    const head = await this.s.db.selectFrom('chain_heads').select(['seq', 'hash']).where('log', '=', DUTY_LOG_CHAIN).executeTakeFirst();
    const last = all.at(-1);
    const headMatches = !!head && head.seq === (last?.seq ?? 0) && head.hash === (last?.hash ?? GENESIS_HASH);
    return { ...result, triggers: await this.triggersInPlace(), headMatches };
  }

  private async triggersInPlace(): Promise<boolean> {
    if (this.s.engine === 'sqlite') {
      const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM sqlite_master
        WHERE type = 'trigger' AND name IN ('duty_log_no_update', 'duty_log_no_delete')`.execute(this.s.db);
      return Number(r.rows[0]?.n) === 2;
    }
    const r = await sql<{ n: number }>`SELECT COUNT(*)::int AS n FROM pg_trigger
      WHERE tgrelid = 'duty_log'::regclass AND tgname IN ('duty_log_append_only', 'duty_log_no_truncate') AND tgenabled <> 'D'`.execute(this.s.db);
    return Number(r.rows[0]?.n) === 2;
  }
}
