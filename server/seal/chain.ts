/**
 * The seal chain of one camera's recordings. Each finished segment is hashed once (sha256 of the file) and
 * linked to the camera's previous seal: seal_hash = sha256(prev seal_hash | canonical {camera, seq, path, bytes,
 * sha256}). Times are not covered: the recorder re-times the newest segments when its wall-clock anchor moves
 * (media/recorder-index.ts), and a seal must not break for that. A deleted row leaves a tombstone with its seal
 * (migration 8), so the chain stays walkable and a deletion names its reason.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../dutylog/chain.ts';

export const SEAL_GENESIS = '0'.repeat(64);

export interface SealFields {
  camera: string;
  seq: number;
  path: string;
  bytes: number;
  sha256: string;
}

export function sealHash(prev: string, f: SealFields): string {
  const { camera, seq, path, bytes, sha256 } = f;
  return createHash('sha256').update(prev).update('\n').update(canonicalJson({ camera, seq, path, bytes, sha256 })).digest('hex');
}

/** A link of a camera's seal chain as stored (a live segment row or a tombstone). */
export interface SealEntry {
  seq: number;
  path: string;
  bytes: number;
  sha256: string | null;
  hash: string;
}

/**
 * Walk one camera's seals in seq order from the link `after` (default: the genesis) and report the first break:
 * a gap (rows and their tombstones deleted) or a seal that does not match its row. Used page by page by the SQL
 * layer's streaming verification (seal/chain-store.ts); the same checks as verify-recordings' chain walk.
 */
export function verifySeals(
  camera: string,
  entries: Iterable<SealEntry>,
  after: { seq: number; hash: string } = { seq: 0, hash: SEAL_GENESIS },
): { ok: boolean; broken?: { seq: number; reason: string }; last: { seq: number; hash: string } } {
  let last = after;
  for (const e of entries) {
    if (e.seq !== last.seq + 1) {
      return { ok: false, broken: { seq: last.seq + 1, reason: `seals ${last.seq + 1}–${e.seq - 1} are gone (rows and their tombstones deleted)` }, last };
    }
    if (e.sha256 === null || sealHash(last.hash, { camera, seq: e.seq, path: e.path, bytes: e.bytes, sha256: e.sha256 }) !== e.hash) {
      return { ok: false, broken: { seq: e.seq, reason: 'the seal does not match its row (index row edited)' }, last };
    }
    last = { seq: e.seq, hash: e.hash };
  }
  return { ok: true, last };
}
