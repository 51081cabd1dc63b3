/**
 * A signed checkpoint pins the head of one hash chain (the duty log, the audit trail, one camera's recordings)
 * at one moment: `{log, seq, headHash, count, time}` signed with the site's Ed25519 key. Whoever later deletes
 * rows at the end, rewrites a row and re-hashes everything after it, or rolls the whole database back to an
 * older copy cannot produce a chain that matches every checkpoint without the private key.
 *
 * `digest` holds the first 8 hex digits of every entry hash in (fromSeq, seq]: it lets verification name the
 * first rewritten entry, not just the checkpoint window. Detection never depends on it (the signed headHash
 * does that); it only localises. Pure functions here; the store and the schedule are in checkpoints.ts.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../dutylog/chain.ts';
import { verifySignature } from '../evidence/keys.ts';

export const DIGEST_HEX = 8;
/** A window with more entries than this carries no digest (localised to the window only). */
export const DIGEST_MAX = 20_000;

export interface CheckpointBody {
  log: string;
  seq: number;
  headHash: string;
  count: number;
  time: number;
  /** fingerprint of the signing key (`sha256:…`) */
  key: string;
  /** the previous checkpoint's seq of this log (0 for the first) */
  fromSeq: number;
  digest: string;
}

export interface Checkpoint extends CheckpointBody {
  /** base64 Ed25519 signature over canonicalJson(body) */
  sig: string;
  /** sha256 over the body and the signature: the short form printed on paper (daily report, handover) */
  hash: string;
}

export function checkpointPayload(b: CheckpointBody): Buffer {
  const { log, seq, headHash, count, time, key, fromSeq, digest } = b;
  return Buffer.from(canonicalJson({ log, seq, headHash, count, time, key, fromSeq, digest }), 'utf8');
}

export function checkpointHash(b: CheckpointBody, sig: string): string {
  return createHash('sha256').update(checkpointPayload(b)).update('|').update(sig).digest('hex');
}

export function signCheckpoint(b: CheckpointBody, signer: { sign(d: Buffer): Buffer }): Checkpoint {
  const sig = signer.sign(checkpointPayload(b)).toString('base64');
  return { ...b, sig, hash: checkpointHash(b, sig) };
}

/** Signature and self-hash both hold (and the key is the one expected). */
export function checkpointValid(c: Checkpoint, publicKey: KeyObject, fingerprint: string): boolean {
  if (c.key !== fingerprint) return false;
  if (checkpointHash(c, c.sig) !== c.hash) return false;
  return verifySignature(checkpointPayload(c), Buffer.from(c.sig, 'base64'), publicKey);
}

export const digestOf = (hashes: readonly string[]): string =>
  hashes.length > DIGEST_MAX ? '' : hashes.map((h) => h.slice(0, DIGEST_HEX)).join('');

/** Parse one JSON line of a checkpoint file; undefined when it is not a checkpoint. */
export function parseCheckpointLine(line: string): Checkpoint | undefined {
  try {
    const v = JSON.parse(line) as Record<string, unknown>;
    const str = (k: string) => typeof v[k] === 'string';
    const num = (k: string) => typeof v[k] === 'number' && Number.isFinite(v[k]);
    if (!['log', 'headHash', 'key', 'digest', 'sig', 'hash'].every(str)) return undefined;
    if (!['seq', 'count', 'time', 'fromSeq'].every(num)) return undefined;
    return v as unknown as Checkpoint;
  } catch {
    return undefined;
  }
}
