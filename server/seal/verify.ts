/**
 * Checks the recording store against its seals (`npm run verify-recordings`): every sealed segment's file is
 * re-hashed; each camera's seal chain is walked (rows and tombstones) and checked against the signed
 * checkpoints; files on disk that the index does not know are named. A segment removed by retention is
 * "deleted by retention at T", not missing.
 *
 * Through the SQL layer (issue J: SQLite or PostgreSQL, one code path), streaming: a camera's chain is read in
 * pages (one page in memory, like the chain stores' verify()), each page's files re-hashed before the next is read.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import { recordingsLog, recordingsView, sealedCameras } from '../integrity/chains.ts';
import type { CheckpointStore } from '../integrity/checkpoints.ts';
import { checkSeals, type SealReport, type VerifyKey } from '../integrity/seal-check.ts';
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
  /** the database, through the SQL layer (either engine) */
  sql: SqlDb;
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
  /** seals per page of a camera's chain (default 2000; memory holds one page) */
  pageSize?: number;
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

/**
 * Seals with seq > afterSeq of one camera, live rows and tombstones together, oldest first (a live row before a
 * tombstone of the same seq). Each side limited on its own (camera_id, seal_seq) index: a page costs `limit` rows.
 */
async function readPage(s: SqlDb, camera: string, afterSeq: number, limit: number): Promise<Entry[]> {
  const r = await sql<Entry>`SELECT * FROM (
      SELECT * FROM (SELECT seal_seq AS seq, path, bytes, sha256, seal_hash AS hash, start_ms, end_ms, 1 AS live,
          CAST(NULL AS BIGINT) AS deleted_ms, CAST(NULL AS TEXT) AS reason, origin
        FROM segments WHERE camera_id = ${camera} AND seal_seq > ${afterSeq} ORDER BY seal_seq LIMIT ${limit}) l
      UNION ALL
      SELECT * FROM (SELECT seal_seq AS seq, path, bytes, sha256, seal_hash AS hash, start_ms, end_ms, 0 AS live,
          deleted_ms, reason, CAST(NULL AS TEXT) AS origin
        FROM segment_tombstones WHERE camera_id = ${camera} AND seal_seq > ${afterSeq} ORDER BY seal_seq LIMIT ${limit}) t
    ) u ORDER BY seq, live DESC LIMIT ${limit}`.execute(s.db);
  const n = (v: unknown) => (v === null ? null : Number(v));
  return r.rows.map((e) => ({ ...e, seq: Number(e.seq), bytes: Number(e.bytes), start_ms: Number(e.start_ms), end_ms: Number(e.end_ms), live: Number(e.live), deleted_ms: n(e.deleted_ms) }));
}

/** A camera's seals in pages; a seq both sides hold is never split across two pages. */
async function* pages(s: SqlDb, camera: string, pageSize: number): AsyncGenerator<Entry[]> {
  const size = Math.max(3, pageSize);
  let after = -Number.MAX_SAFE_INTEGER; // any seq a row may hold, even a hostile 0 or below
  for (;;) {
    let page = await readPage(s, camera, after, size);
    if (!page.length) return;
    if (page.length === size) {
      const cut = page.findIndex((e) => e.seq === page[page.length - 1]!.seq);
      if (cut > 0) page = page.slice(0, cut); // the last seq (and its twin, if any) starts the next page
    }
    yield page;
    after = page[page.length - 1]!.seq;
  }
}

export async function verifyRecordings(o: VerifyOptions): Promise<{ ok: boolean; cameras: CameraReport[]; bytesHashed: number; seconds: number }> {
  const t0 = performance.now();
  const from = o.fromMs ?? -Infinity;
  const to = o.toMs ?? Infinity;
  const now = o.now ?? Date.now();
  const graceMs = o.graceMs ?? 5 * 60_000;
  const indexed = (await o.sql.db.selectFrom('segments').select('camera_id').distinct().execute()).map((r) => r.camera_id);
  // camera folders on disk: <camera>/<YYYY-MM-DD>/ (the data dir also holds checkpoints, snapshots …)
  const onDisk = existsSync(o.recordingsDir)
    ? readdirSync(o.recordingsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('.') && readdirSync(join(o.recordingsDir, d.name)).some((n) => /^\d{4}-\d{2}-\d{2}$/.test(n)))
        .map((d) => d.name)
    : [];
  const cams = [...new Set([...indexed, ...(await sealedCameras(o.sql)), ...onDisk])].filter((c) => !o.camera || c === o.camera).sort();
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
  const inRange = (e: { start_ms: number; end_ms: number }) => e.end_ms > from && e.start_ms < to;
  let prev = SEAL_GENESIS;
  let expect = 1;
  let seals = 0;
  let bytesHashed = 0;
  let retained = 0;
  let lastGone: Entry | undefined;
  for await (const entries of pages(o.sql, camera, o.pageSize ?? 2000)) {
    seals += entries.length;
    // 1. the chain: dense, each seal linked to the one before
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
    const live = entries.filter((e) => e.live && inRange(e));
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
    for (const e of entries) {
      if (e.live || !inRange(e)) continue;
      if (e.reason?.startsWith('retention')) {
        retained++;
        lastGone = e;
      } else if (e.reason?.startsWith('reconcile')) issues.push({ kind: 'missing', path: e.path, seq: e.seq, detail: `file vanished; its index row was removed at ${iso(e.deleted_ms!)} (${e.reason})` });
      else issues.push({ kind: 'deleted_unexplained', path: e.path, seq: e.seq, detail: `index row deleted at ${iso(e.deleted_ms!)} outside retention (${e.reason})` });
    }
  }
  // 4. indexed but never sealed (older than the grace period)
  const unsealed = await o.sql.db
    .selectFrom('segments')
    .select(['path', 'start_ms'])
    .where('camera_id', '=', camera)
    .where('seal_seq', 'is', null)
    // an open range end is no condition (PostgreSQL's bigint has no ±Infinity)
    .$if(Number.isFinite(from), (q) => q.where('end_ms', '>', from))
    .$if(Number.isFinite(to), (q) => q.where('start_ms', '<', to))
    .where('end_ms', '<', now - graceMs)
    .orderBy('start_ms')
    .orderBy('id')
    .execute();
  for (const u of unsealed) issues.push({ kind: 'unsealed', path: u.path, detail: `recorded ${iso(Number(u.start_ms))}, never sealed` });
  // 5. files the index does not know
  issues.push(...(await unindexedFiles(o.sql, o.recordingsDir, camera, from, to)));
  const counts = await o.sql.db
    .selectFrom('segments')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('seal_seq').as('s')])
    .where('camera_id', '=', camera)
    .executeTakeFirstOrThrow();
  const inDb = await o.store.inDb(recordingsLog(camera));
  const hasChain = seals > 0 || inDb.length > 0;
  return {
    camera,
    segments: Number(counts.n),
    sealed: Number(counts.s),
    bytesHashed,
    deletedByRetention: { count: retained, last: lastGone ? { path: lastGone.path, at: lastGone.deleted_ms!, reason: lastGone.reason! } : null },
    issues: issues.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity)),
    seal: hasChain ? await checkSeals(recordingsView(o.sql, camera), inDb, o.store.inFiles(recordingsLog(camera)), o.key) : null,
  };
}

/** `<camera>/<YYYY-MM-DD>/*.mp4` on disk without an index row (never `.incoming`); the index asked per day, in batches. */
async function unindexedFiles(s: SqlDb, root: string, camera: string, from: number, to: number): Promise<RecordingIssue[]> {
  const dir = join(root, camera);
  if (!existsSync(dir)) return [];
  const out: RecordingIssue[] = [];
  for (const day of readdirSync(dir).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort()) {
    const dayStart = new Date(`${day}T00:00:00`).getTime();
    if (dayStart >= to || dayStart + 2 * 86_400_000 <= from) continue;
    const rels = readdirSync(join(dir, day))
      .filter((n) => n.endsWith('.mp4'))
      .sort()
      .map((f) => `${camera}/${day}/${f}`);
    const known = new Set<string>();
    for (let i = 0; i < rels.length; i += 500) {
      const rows = await s.db.selectFrom('segments').select('path').where('path', 'in', rels.slice(i, i + 500)).execute();
      for (const r of rows) known.add(r.path);
    }
    for (const rel of rels) if (!known.has(rel)) out.push({ kind: 'unindexed', path: rel, detail: 'file on disk that the index does not know' });
  }
  return out;
}
