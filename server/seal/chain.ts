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
