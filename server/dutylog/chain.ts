/**
 * The duty log's hash chain. Each entry's hash is sha256 over the previous entry's hash and the entry's
 * canonical content (JSON with sorted keys, no whitespace), so changing, removing or reordering any entry
 * breaks every later link. Pure functions: used by the log, the API and scripts/verify-log.ts.
 */
import { createHash } from 'node:crypto';
import type { LogContent, LogEntry } from '../../shared/wire/dutylog.ts';

export const GENESIS_HASH = '0'.repeat(64);

export const LOG_CATEGORIES = ['anomaly', 'dispatch', 'equipment_fault', 'visitor', 'other', 'patrol', 'handover', 'review'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];
/** Categories an operator may choose for a hand-written entry: shared/wire/dutylog.ts. */
export { MANUAL_CATEGORIES } from '../../shared/wire/dutylog.ts';

/** Entries on the wire: shared/wire/dutylog.ts (the console imports the same module). */
export type { LogContent, LogEntry } from '../../shared/wire/dutylog.ts';

/** JSON with object keys sorted at every level; undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function entryHash(prevHash: string, c: LogContent): string {
  const content: LogContent = {
    seq: c.seq,
    ts: c.ts,
    cameraId: c.cameraId,
    category: c.category,
    kind: c.kind,
    text: c.text,
    authorId: c.authorId,
    authorName: c.authorName,
    refSeq: c.refSeq,
    data: c.data,
  };
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** The first broken link, when not ok. */
  broken?: { seq: number; reason: string };
  lastHash: string;
}

/** A verified link of a chain: entry `seq` has hash `hash` (seq 0: the genesis). */
export interface ChainLink {
  seq: number;
  hash: string;
}

/**
 * Walk entries in seq order and report the first broken link. `after` resumes a walk: the entries start right
 * after that already verified link (streaming verification page by page); `entries` then counts from the chain's
 * start (after.seq + the entries walked here).
 */
export function verifyChain(entries: Iterable<LogEntry>, after: ChainLink = { seq: 0, hash: GENESIS_HASH }): VerifyResult {
  let prev = after.hash;
  let expectSeq = after.seq + 1;
  let n = after.seq;
  for (const e of entries) {
    n++;
    if (e.seq !== expectSeq) {
      return { ok: false, entries: n, broken: { seq: expectSeq, reason: `entry ${expectSeq} is missing (next is ${e.seq})` }, lastHash: prev };
    }
    if (e.prevHash !== prev) {
      return { ok: false, entries: n, broken: { seq: e.seq, reason: 'previous-hash link does not match the entry before' }, lastHash: prev };
    }
    if (entryHash(prev, e) !== e.hash) {
      return { ok: false, entries: n, broken: { seq: e.seq, reason: 'content does not match its hash (entry was altered)' }, lastHash: prev };
    }
    prev = e.hash;
    expectSeq++;
  }
  return { ok: true, entries: n, lastHash: prev };
}
