/**
 * Checks the recording store against its seals (`npm run verify-recordings`): every sealed segment's file is
 * re-hashed; each camera's seal chain is walked (rows and tombstones) and checked against the signed
 * checkpoints; files on disk that the index does not know are named. A segment removed by retention is
 * "deleted by retention at T", not missing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../store/db.ts';
import { recordingsLog, sealedCameras } from '../integrity/chains.ts';
import type { CheckpointStore } from '../integrity/checkpoints.ts';
import { checkSeals, type SealReport, type VerifyKey } from '../integrity/seal-check.ts';
import { recordingsView } from '../integrity/chains.ts';
import { SEAL_GENESIS, sealHash } from './chain.ts';
import { HashWorker } from './hash-worker.ts';

export type IssueKind = 'altered' | 'missing' | 'unindexed' | 'unsealed' | 'broken_link' | 'deleted_unexplained' | 'adopted';

export interface RecordingIssue {
  kind: IssueKind;
  path: string;
  detail: string;
  seq?: number;
}

export interface CameraReport {
  camera: string;
  segments: number;
  sealed: number;
  bytesHashed: number;
  deletedByRetention: { count: number; last: { path: string; at: number; reason: string } | null };
  issues: RecordingIssue[];
  seal: SealReport | null;
}

export interface VerifyOptions {
  db: Db;
  recordingsDir: string;
  store: CheckpointStore;
  key: VerifyKey;
  camera?: string;
  fromMs?: number;
  toMs?: number;
  /** unsealed segments younger than this are still being sealed, not an issue (default 5 min) */
  graceMs?: number;
  now?: number;
  /** parallel hash workers (default 1: measured faster than 2 on a 2-core box, bench/seal.ts) */
  workers?: number;
}

interface Entry {
  seq: number;
  path: string;
  bytes: number;
  sha256: string;
  hash: string;
  start_ms: number;
  end_ms: number;
  live: number;
  deleted_ms: number | null;
  reason: string | null;
  origin: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function verifyRecordings(o: VerifyOptions): Promise<{ ok: boolean; cameras: CameraReport[]; bytesHashed: number; seconds: number }> {
  const t0 = performance.now();
  const from = o.fromMs ?? -Infinity;
  const to = o.toMs ?? Infinity;
  const now = o.now ?? Date.now();
  const graceMs = o.graceMs ?? 5 * 60_000;
  const indexed = (o.db.prepare('SELECT DISTINCT camera_id FROM segments').all() as { camera_id: string }[]).map((r) => r.camera_id);
  // camera folders on disk: <camera>/<YYYY-MM-DD>/ (the data dir also holds checkpoints, snapshots …)
  const onDisk = existsSync(o.recordingsDir)
    ? readdirSync(o.recordingsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('.') && readdirSync(join(o.recordingsDir, d.name)).some((n) => /^\d{4}-\d{2}-\d{2}$/.test(n)))
        .map((d) => d.name)
    : [];
  const cams = [...new Set([...indexed, ...sealedCameras(o.db), ...onDisk])].filter((c) => !o.camera || c === o.camera).sort();
  const pool = Array.from({ length: Math.max(1, o.workers ?? 1) }, () => new HashWorker());
  const reports: CameraReport[] = [];
  try {
    for (const camera of cams) reports.push(await verifyCamera(o, camera, from, to, now, graceMs, pool));
  } finally {
    await Promise.all(pool.map((w) => w.close()));
  }
  const bytesHashed = reports.reduce((a, r) => a + r.bytesHashed, 0);
  return { ok: reports.every((r) => r.issues.length === 0 && !r.seal?.problem), cameras: reports, bytesHashed, seconds: (performance.now() - t0) / 1000 };
}

async function verifyCamera(o: VerifyOptions, camera: string, from: number, to: number, now: number, graceMs: number, pool: HashWorker[]): Promise<CameraReport> {
  const issues: RecordingIssue[] = [];
  const entries = o.db
    .prepare(
      `SELECT seal_seq AS seq, path, bytes, sha256, seal_hash AS hash, start_ms, end_ms, 1 AS live, NULL AS deleted_ms, NULL AS reason, origin
         FROM segments WHERE camera_id = @cam AND seal_seq IS NOT NULL
       UNION ALL
       SELECT seal_seq, path, bytes, sha256, seal_hash, start_ms, end_ms, 0, deleted_ms, reason, NULL
         FROM segment_tombstones WHERE camera_id = @cam
       ORDER BY seq`,
    )
    .all({ cam: camera }) as Entry[];
  // 1. the chain: dense, each seal linked to the one before
  let prev = SEAL_GENESIS;
  let expect = 1;
  for (const e of entries) {
    if (e.seq !== expect) {
      issues.push({ kind: 'broken_link', path: e.path, seq: expect, detail: `seals ${expect}–${e.seq - 1} are gone (rows and their tombstones deleted)` });
    } else if (sealHash(prev, { camera, seq: e.seq, path: e.path, bytes: e.bytes, sha256: e.sha256 }) !== e.hash) {
      issues.push({ kind: 'broken_link', path: e.path, seq: e.seq, detail: 'the seal does not match its row (index row edited)' });
    }
    prev = e.hash;
    expect = e.seq + 1;
  }
  // 2. the files of sealed rows in range, re-hashed
  const inRange = (e: { start_ms: number; end_ms: number }) => e.end_ms > from && e.start_ms < to;
  const live = entries.filter((e) => e.live && inRange(e));
  let bytesHashed = 0;
  let next = 0;
  await Promise.all(
    pool.map(async (w) => {
      while (next < live.length) {
        const e = live[next++]!;
        try {
          const d = await w.hash(join(o.recordingsDir, e.path));
          bytesHashed += d.bytes;
          if (d.sha256 !== e.sha256) issues.push({ kind: 'altered', path: e.path, seq: e.seq, detail: `file content differs from its seal (${d.bytes} bytes, sealed ${e.bytes})` });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          issues.push({ kind: 'missing', path: e.path, seq: e.seq, detail: `sealed ${iso(e.start_ms)}, file is gone` });
        }
      }
    }),
  );
  for (const e of live) if (e.origin === 'reconciled') issues.push({ kind: 'adopted', path: e.path, seq: e.seq, detail: 'indexed by the start-up reconcile, not when it was recorded: its seal proves nothing about earlier content' });
  // 3. deletions: retention explains itself; anything else is an issue
  const gone = entries.filter((e) => !e.live && inRange(e));
  const byRetention = gone.filter((e) => e.reason?.startsWith('retention'));
  for (const e of gone) {
    if (e.reason?.startsWith('retention')) continue;
    if (e.reason?.startsWith('reconcile')) issues.push({ kind: 'missing', path: e.path, seq: e.seq, detail: `file vanished; its index row was removed at ${iso(e.deleted_ms!)} (${e.reason})` });
    else issues.push({ kind: 'deleted_unexplained', path: e.path, seq: e.seq, detail: `index row deleted at ${iso(e.deleted_ms!)} outside retention (${e.reason})` });
  }
  const lastGone = byRetention.at(-1);
  // 4. indexed but never sealed (older than the grace period)
  const unsealed = o.db
    .prepare('SELECT path, start_ms, end_ms FROM segments WHERE camera_id = ? AND seal_seq IS NULL AND end_ms > ? AND start_ms < ? AND end_ms < ?')
    .all(camera, from, to, now - graceMs) as { path: string; start_ms: number; end_ms: number }[];
  for (const u of unsealed) issues.push({ kind: 'unsealed', path: u.path, detail: `recorded ${iso(u.start_ms)}, never sealed` });
  // 5. files the index does not know
  issues.push(...unindexedFiles(o.db, o.recordingsDir, camera, from, to));
  const counts = o.db.prepare('SELECT COUNT(*) AS n, COUNT(seal_seq) AS s FROM segments WHERE camera_id = ?').get(camera) as { n: number; s: number };
  const inDb = await o.store.inDb(recordingsLog(camera));
  const hasChain = entries.length > 0 || inDb.length > 0;
  return {
    camera,
    segments: counts.n,
    sealed: counts.s,
    bytesHashed,
    deletedByRetention: { count: byRetention.length, last: lastGone ? { path: lastGone.path, at: lastGone.deleted_ms!, reason: lastGone.reason! } : null },
    issues: issues.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity)),
    seal: hasChain ? await checkSeals(recordingsView(o.db, camera), inDb, o.store.inFiles(recordingsLog(camera)), o.key) : null,
  };
}

/** `<camera>/<YYYY-MM-DD>/*.mp4` on disk without an index row (never `.incoming`). */
function unindexedFiles(db: Db, root: string, camera: string, from: number, to: number): RecordingIssue[] {
  const dir = join(root, camera);
  if (!existsSync(dir)) return [];
  const known = db.prepare('SELECT 1 FROM segments WHERE path = ?');
  const out: RecordingIssue[] = [];
  for (const day of readdirSync(dir).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort()) {
    const dayStart = new Date(`${day}T00:00:00`).getTime();
    if (dayStart >= to || dayStart + 2 * 86_400_000 <= from) continue;
    for (const f of readdirSync(join(dir, day)).filter((n) => n.endsWith('.mp4')).sort()) {
      const rel = `${camera}/${day}/${f}`;
      if (!known.get(rel)) out.push({ kind: 'unindexed', path: rel, detail: 'file on disk that the index does not know' });
    }
  }
  return out;
}
