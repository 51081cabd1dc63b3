/**
 * What the hash chains on the SQL layer (issue J, docs/cluster.md) share — the duty log (dutylog/chain-store.ts),
 * the audit trail (audit/chain-store.ts) and each camera's seal chain (seal/chain-store.ts), on PostgreSQL and
 * SQLite from one code path:
 *  - the chain head: one `chain_heads` row per chain, locked by every append (PostgreSQL `SELECT … FOR UPDATE`;
 *    SQLite needs no row lock, writeTransaction's BEGIN IMMEDIATE serialises the writers);
 *  - the tip rule: which link an append may extend (tipToExtend);
 *  - U+0000 refused on both engines before anything is written (PostgreSQL text cannot hold it);
 *  - streaming verification: the chain read in pages, each page checked from the link the previous one ended on,
 *    then the head compared with what the walk found (a deleted tail: the head names an entry the table lacks).
 * Each chain keeps its own hash function and content rules (one hash format per chain, shared with the server).
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { SqlSchema } from '../store/sql/schema.ts';
import { GENESIS_HASH, type ChainLink } from '../dutylog/chain.ts';

export type { ChainLink } from '../dutylog/chain.ts';

/** The chain head and the table disagree (entries removed or altered), or the head row is missing. */
export class ChainHeadError extends Error {}

/** An entry with text no engine may store the same way (U+0000): refused, nothing written. */
export class ChainTextError extends Error {
  readonly code = 'invalid_text';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** How a chain names itself in errors, and the command that checks it. */
export interface ChainLabel {
  name: string;
  check: string;
}

export const DUTY_LOG_LABEL: ChainLabel = { name: 'duty log', check: 'npm run verify-log' };

/**
 * The link to extend, from the locked head row and the table's newest entry. They agree after every append
 * made through the SQL layer. The table may be ahead (an SQLite entry written by an older server's synchronous
 * writer, which did not move the head, or a seal of the legacy Sealer): follow it. Anything else — the newest entries deleted, or the newest
 * entry's hash changed — is refused: extending it would hide the damage behind a fresh, valid-looking tip.
 */
export function tipToExtend(head: ChainLink, last: ChainLink | undefined, label: ChainLabel = DUTY_LOG_LABEL): ChainLink {
  const tip = last ?? { seq: 0, hash: GENESIS_HASH };
  if (tip.seq === head.seq && tip.hash === head.hash) return tip;
  if (tip.seq > head.seq) return tip;
  throw new ChainHeadError(
    `${label.name} chain head is entry ${head.seq} (${head.hash.slice(0, 12)}…) but the table ends at entry ${tip.seq} (${tip.hash.slice(0, 12)}…): ` +
      `entries were removed or altered; nothing was appended (check the chain: ${label.check})`,
  );
}

/**
 * Lock the chain's head row for this transaction and return it. `create`: a chain that may start at any time
 * (a camera's first seal) gets its row here, at the genesis; concurrent creators on PostgreSQL wait for each
 * other on the primary key (ON CONFLICT DO NOTHING), then all lock the one row.
 */
export async function lockHead(tx: Kysely<SqlSchema>, engine: SqlDb['engine'], log: string, label: ChainLabel, create = false): Promise<ChainLink> {
  const get = () =>
    tx
      .selectFrom('chain_heads')
      .select(['seq', 'hash'])
      .where('log', '=', log)
      .$if(engine === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  let head = await get();
  if (!head && create) {
    await tx
      .insertInto('chain_heads')
      .values({ log, seq: 0, hash: GENESIS_HASH })
      .onConflict((oc) => oc.column('log').doNothing())
      .execute();
    head = await get();
  }
  if (!head) throw new ChainHeadError(`the ${label.name} has no chain head row: the database was not migrated (migrateSql)`);
  return { seq: Number(head.seq), hash: head.hash };
}

/** Move the head to the link just appended (inside the append's transaction). */
export async function moveHead(tx: Kysely<SqlSchema>, log: string, link: ChainLink): Promise<void> {
  await tx.updateTable('chain_heads').set({ seq: link.seq, hash: link.hash }).where('log', '=', log).execute();
}

export async function readHead(s: SqlDb, log: string): Promise<ChainLink | undefined> {
  const h = await s.db.selectFrom('chain_heads').select(['seq', 'hash']).where('log', '=', log).executeTakeFirst();
  return h && { seq: Number(h.seq), hash: h.hash };
}

/**
 * Refuse U+0000 anywhere in an entry (values, nested values, object keys) on BOTH engines: PostgreSQL text
 * cannot hold it, and one chain must accept the same entries wherever it is stored. Throws before any query.
 */
export function refuseNul(what: string, fields: Record<string, unknown>): void {
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      if (v.includes('\u0000')) {
        throw new ChainTextError(`${what} refused: ${path} contains U+0000 (NUL), which the database cannot store; nothing was written`, path);
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        walk(k, `${path} (a key)`);
        walk(x, `${path}.${k}`);
      }
    }
  };
  for (const [k, v] of Object.entries(fields)) walk(v, k);
}

/** A page of a chain checked from the link the previous page ended on. */
export interface PageVerdict {
  ok: boolean;
  broken?: { seq: number; reason: string };
  /** the last link verified */
  last: ChainLink;
}

export interface StreamOptions<R> {
  /** rows with seq > afterSeq, oldest first, at most `limit` */
  read: (afterSeq: number, limit: number) => Promise<R[]>;
  link: (r: R) => ChainLink;
  verify: (rows: R[], from: ChainLink) => PageVerdict;
  /** the chain head row (undefined: none, e.g. a camera sealed only by the legacy writer) */
  head: ChainLink | undefined;
  /** a missing head row is damage (the duty log and the audit trail: migrations seed theirs) */
  headRequired?: boolean;
  pageSize: number;
}

export interface StreamResult {
  ok: boolean;
  /** rows read, up to and including a broken one */
  rows: number;
  broken?: { seq: number; reason: string };
  /** the last verified link */
  last: ChainLink;
  /** the head row names exactly the last entry */
  headMatches: boolean;
}

/**
 * Verify a chain page by page: memory holds one page, never the chain. After the links, the head: an entry it
 * names that the table lacks is a deleted tail; a different hash there is a replaced entry. (The table being
 * ahead of the head is not damage: an older server's writers and the legacy Sealer do not move the head.)
 */
export async function verifyStream<R>(o: StreamOptions<R>): Promise<StreamResult> {
  let last: ChainLink = { seq: 0, hash: GENESIS_HASH };
  let cursor = 0;
  let rows = 0;
  let atHead: string | undefined = o.head?.seq === 0 ? GENESIS_HASH : undefined;
  for (;;) {
    const page = await o.read(cursor, o.pageSize);
    if (!page.length) break;
    const v = o.verify(page, last);
    if (!v.ok) {
      const bad = v.broken!.seq;
      // like verifyChain: up to and including the row at which the walk stopped
      const at = page.findIndex((r) => o.link(r).seq >= bad);
      rows += at < 0 ? page.length : at + 1;
      return { ok: false, rows, broken: v.broken, last: v.last, headMatches: false };
    }
    rows += page.length;
    for (const r of page) if (o.head && o.link(r).seq === o.head.seq) atHead = o.link(r).hash;
    last = v.last;
    cursor = o.link(page[page.length - 1]!).seq;
  }
  const h = o.head;
  const headMatches = !!h && h.seq === last.seq && h.hash === last.hash;
  if (!h && o.headRequired) {
    return { ok: false, rows, broken: { seq: last.seq, reason: 'the chain head row is missing (chain_heads): a deleted tail cannot be ruled out' }, last, headMatches };
  }
  if (h && h.seq > last.seq) {
    const reason = `entries ${last.seq + 1}–${h.seq} are missing: the chain head names entry ${h.seq} but the table ends at entry ${last.seq} (newest entries deleted)`;
    return { ok: false, rows, broken: { seq: last.seq + 1, reason }, last, headMatches };
  }
  if (h && atHead !== h.hash) {
    return { ok: false, rows, broken: { seq: h.seq, reason: 'the entry is not the one the chain head recorded (entry replaced)' }, last, headMatches };
  }
  return { ok: true, rows, last, headMatches };
}

/** The append-only triggers of `table` exist (SQLite) or exist and are enabled (PostgreSQL). */
export async function triggersInPlace(s: SqlDb, table: string, names: { sqlite: string[]; postgres: string[] }): Promise<boolean> {
  if (s.engine === 'sqlite') {
    const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM sqlite_master
      WHERE type = 'trigger' AND tbl_name = ${table} AND name IN (${sql.join(names.sqlite)})`.execute(s.db);
    return Number(r.rows[0]?.n) === names.sqlite.length;
  }
  const r = await sql<{ n: number }>`SELECT COUNT(*)::int AS n FROM pg_trigger
    WHERE tgrelid = ${table}::regclass AND tgname IN (${sql.join(names.postgres)}) AND tgenabled <> 'D'`.execute(s.db);
  return Number(r.rows[0]?.n) === names.postgres.length;
}
