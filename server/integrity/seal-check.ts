/**
 * Checks one chain against its signed checkpoints. The chain's own links are walked elsewhere (dutylog/chain.ts,
 * audit/log.ts, seal/verify.ts); this answers what the links alone cannot: were entries removed at the end, was
 * an entry rewritten and everything after it re-hashed, was the database replaced by an older copy?
 *
 * Checkpoints come from two places: the database's append-only `checkpoints` table and the JSON-lines files
 * outside it. A checkpoint that is in a file but not in the database means the database is older than that
 * checkpoint (rolled back to a copy); one in the database but not in the files means the files were cut.
 */
import type { KeyObject } from 'node:crypto';
import { DIGEST_HEX, checkpointValid, type Checkpoint } from './checkpoint.ts';

export type SealProblemKind = 'tail_deleted' | 'rolled_back' | 'rewritten' | 'forged_checkpoint' | 'checkpoint_file_cut';

export interface SealProblem {
  /** the first affected entry */
  seq: number;
  kind: SealProblemKind;
  reason: string;
}

export interface SealReport {
  /** valid checkpoints of this log (database and files together) */
  checkpoints: number;
  /** the newest checkpoint that the chain matches */
  newest: { seq: number; time: number; hash: string } | null;
  /** entries after the newest matching checkpoint: "not yet sealed (N)" */
  unsealed: number;
  problem: SealProblem | null;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * Read access to one chain. The server's views read through the SQL layer (issue J: duty log, audit trail, each
 * camera's seals; integrity/chains.ts) and are async; a synchronous view (tests) is awaited all the same.
 */
export interface ChainView {
  /** the newest entry, undefined when the chain is empty */
  head(): MaybePromise<{ seq: number; hash: string } | undefined>;
  hashAt(seq: number): MaybePromise<string | undefined>;
  /** hashes of entries fromExclusive+1 … toInclusive, in order (missing entries as '') */
  hashesIn(fromExclusive: number, toInclusive: number): MaybePromise<string[]>;
}

export interface VerifyKey {
  publicKey: KeyObject;
  fingerprint: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function checkSeals(view: ChainView, inDb: Checkpoint[], inFiles: Checkpoint[] | null, key: VerifyKey): Promise<SealReport> {
  const problems: SealProblem[] = [];
  const all = new Map<string, { c: Checkpoint; db: boolean; file: boolean }>();
  for (const c of inDb) all.set(c.hash, { c, db: true, file: false });
  for (const c of inFiles ?? []) {
    const had = all.get(c.hash);
    if (had) had.file = true;
    else all.set(c.hash, { c, db: false, file: true });
  }
  const valid: { c: Checkpoint; db: boolean; file: boolean }[] = [];
  for (const v of all.values()) {
    if (checkpointValid(v.c, key.publicKey, key.fingerprint)) valid.push(v);
    else problems.push({ seq: v.c.seq, kind: 'forged_checkpoint', reason: `checkpoint for entry ${v.c.seq} (${iso(v.c.time)}) is not signed by this site's key` });
  }
  valid.sort((a, b) => a.c.seq - b.c.seq || a.c.time - b.c.time);
  if (inFiles) {
    const cut = valid.filter((v) => v.db && !v.file);
    if (cut.length) {
      const first = cut[0]!.c;
      problems.push({ seq: first.seq, kind: 'checkpoint_file_cut', reason: `${cut.length} checkpoint(s) from ${iso(first.time)} on are missing from the checkpoint files` });
    }
  }
  const head = await view.head();
  const headSeq = head?.seq ?? 0;
  let good: Checkpoint | undefined;
  for (const { c, db } of valid) {
    if (c.seq > headSeq) {
      const kind: SealProblemKind = db ? 'tail_deleted' : 'rolled_back';
      const what = db ? 'were deleted' : 'are missing: the database is older than this checkpoint (rolled back to a copy, or rows and checkpoints deleted)';
      problems.push({ seq: headSeq + 1, kind, reason: `entries ${headSeq + 1}–${c.seq} ${what}; checkpoint of ${iso(c.time)} sealed ${c.count}` });
      break;
    }
    if ((await view.hashAt(c.seq)) !== c.headHash) {
      problems.push({ seq: await firstRewritten(view, c, good?.seq ?? 0), kind: 'rewritten', reason: `entries up to ${c.seq} do not match the checkpoint of ${iso(c.time)} (rewritten and re-hashed)` });
      break;
    }
    good = c;
  }
  problems.sort((a, b) => a.seq - b.seq);
  return {
    checkpoints: valid.length,
    newest: good ? { seq: good.seq, time: good.time, hash: good.hash } : null,
    unsealed: Math.max(0, headSeq - (good?.seq ?? 0)),
    problem: problems[0] ?? null,
  };
}

/** The first entry of (lastGood, c.seq] whose hash differs from the checkpoint's digest. */
async function firstRewritten(view: ChainView, c: Checkpoint, lastGood: number): Promise<number> {
  if (c.digest.length === (c.seq - c.fromSeq) * DIGEST_HEX) {
    const hashes = await view.hashesIn(c.fromSeq, c.seq);
    for (let i = 0; i < hashes.length; i++) {
      const s = c.fromSeq + 1 + i;
      if (s > lastGood && hashes[i]!.slice(0, DIGEST_HEX) !== c.digest.slice(i * DIGEST_HEX, (i + 1) * DIGEST_HEX)) return s;
    }
  }
  return lastGood + 1;
}

/** "sealed up to N" / "not yet sealed (N)" for people. */
export function sealSummary(r: SealReport): string {
  if (r.problem) return `BROKEN at ${r.problem.seq}: ${r.problem.reason}`;
  const parts = [r.newest ? `sealed up to ${r.newest.seq} by checkpoint ${r.newest.hash.slice(0, 16)} of ${iso(r.newest.time)}` : 'no checkpoint yet'];
  if (r.unsealed) parts.push(`not yet sealed (${r.unsealed})`);
  return parts.join('; ');
}
