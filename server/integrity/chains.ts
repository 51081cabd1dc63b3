/**
 * The hash chains a site keeps and their verification against the signed checkpoints:
 *  - `duty_log`  — the monitoring record (seq, hash);
 *  - `audit_log` — the audit trail (id, hash);
 *  - `recordings/<camera>` — one camera's sealed segments (seal_seq, seal_hash), rows and tombstones together.
 * Used by the server (Checkpointer, verify routes) and by `npm run verify-log` / `verify-recordings`.
 * The duty log and the audit trail are read through the SQL layer (issue J: either engine; their links verified
 * streaming by the chain stores); a camera's seal chain still from the legacy SQLite handle (segment index not
 * ported here). The checkpoints themselves are read through the SQL layer too (CheckpointStore, step 0030).
 */
import type { Db } from '../store/db.ts';
import type { SqlDb } from '../store/sql/db.ts';
import { ChainStore } from '../dutylog/chain-store.ts';
import { AuditChainStore } from '../audit/chain-store.ts';
import type { CheckpointStore, ChainSource } from './checkpoints.ts';
import { checkSeals, type ChainView, type SealReport, type VerifyKey } from './seal-check.ts';

export const DUTY_LOG = 'duty_log';
export const AUDIT_LOG = 'audit_log';
export const recordingsLog = (cameraId: string) => `recordings/${cameraId}`;

/** The duty log or the audit trail through the SQL layer (async: PostgreSQL is a round trip away). */
export function tableView(s: SqlDb, table: 'duty_log' | 'audit_log'): ChainView {
  const q = s.db;
  if (table === 'duty_log') {
    return {
      head: async () => {
        const r = await q.selectFrom('duty_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
        return r && { seq: Number(r.seq), hash: r.hash };
      },
      hashAt: async (seq) => (await q.selectFrom('duty_log').select('hash').where('seq', '=', seq).executeTakeFirst())?.hash,
      hashesIn: async (from, to) => {
        const rows = await q.selectFrom('duty_log').select(['seq', 'hash']).where('seq', '>', from).where('seq', '<=', to).orderBy('seq').execute();
        return fill(rows.map((r) => ({ seq: Number(r.seq), hash: r.hash })), from, to);
      },
    };
  }
  return {
    head: async () => {
      const r = await q.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
      return r && { seq: Number(r.id), hash: r.hash };
    },
    hashAt: async (seq) => (await q.selectFrom('audit_log').select('hash').where('id', '=', seq).executeTakeFirst())?.hash,
    hashesIn: async (from, to) => {
      const rows = await q.selectFrom('audit_log').select(['id', 'hash']).where('id', '>', from).where('id', '<=', to).orderBy('id').execute();
      return fill(rows.map((r) => ({ seq: Number(r.id), hash: r.hash })), from, to);
    },
  };
}

/** One camera's seal chain: live rows and tombstones of deleted ones. */
export function recordingsView(db: Db, cameraId: string): ChainView {
  const union = `SELECT seal_seq AS seq, seal_hash AS hash FROM segments WHERE camera_id = @cam AND seal_seq IS NOT NULL
    UNION ALL SELECT seal_seq AS seq, seal_hash AS hash FROM segment_tombstones WHERE camera_id = @cam`;
  const head = db.prepare(`SELECT seq, hash FROM (${union}) ORDER BY seq DESC LIMIT 1`);
  const at = db.prepare(`SELECT hash FROM (${union}) WHERE seq = @seq`);
  const range = db.prepare(`SELECT seq, hash FROM (${union}) WHERE seq > @from AND seq <= @to ORDER BY seq`);
  return {
    head: () => head.get({ cam: cameraId }) as { seq: number; hash: string } | undefined,
    hashAt: (seq) => (at.get({ cam: cameraId, seq }) as { hash: string } | undefined)?.hash,
    hashesIn: (from, to) => fill(range.all({ cam: cameraId, from, to }) as { seq: number; hash: string }[], from, to),
  };
}

function fill(rows: { seq: number; hash: string }[], from: number, to: number): string[] {
  const out: string[] = new Array<string>(Math.max(0, to - from)).fill('');
  for (const r of rows) out[r.seq - from - 1] = r.hash;
  return out;
}

/** Cameras that have a seal chain (sealed rows or tombstones). */
export function sealedCameras(db: Db): string[] {
  return (
    db
      .prepare(
        `SELECT camera_id FROM segments WHERE seal_seq IS NOT NULL UNION SELECT camera_id FROM segment_tombstones ORDER BY camera_id`,
      )
      .all() as { camera_id: string }[]
  ).map((r) => r.camera_id);
}

/** Every chain of the site, for the Checkpointer. */
export function chainSources(db: Db, s: SqlDb): ChainSource[] {
  return [
    { log: DUTY_LOG, view: tableView(s, 'duty_log') },
    { log: AUDIT_LOG, view: tableView(s, 'audit_log') },
    ...sealedCameras(db).map((cam) => ({ log: recordingsLog(cam), view: recordingsView(db, cam) })),
  ];
}

export async function sealReport(db: Db, s: SqlDb, store: CheckpointStore, key: VerifyKey, logName: string): Promise<SealReport> {
  const view = logName === DUTY_LOG ? tableView(s, 'duty_log') : logName === AUDIT_LOG ? tableView(s, 'audit_log') : recordingsView(db, logName.slice('recordings/'.length));
  return checkSeals(view, await store.inDb(logName), store.inFiles(logName), key);
}

/** `GET /api/dutylog/verify` and verify-log: the chain's links (streaming), its head row, its triggers and its checkpoints. */
export async function verifyDutyLog(db: Db, s: SqlDb, store: CheckpointStore, key: VerifyKey) {
  const chain = await new ChainStore(s).verify();
  const seal = await sealReport(db, s, store, key, DUTY_LOG);
  const broken = earliest(chain.broken, seal.problem ? { seq: seal.problem.seq, reason: seal.problem.reason } : undefined);
  return { ...chain, ok: chain.ok && !seal.problem, broken, seal };
}

/** `GET /api/audit/verify` and verify-log: the trail's links (streaming), its head row, its triggers and its checkpoints. */
export async function verifyAudit(db: Db, s: SqlDb, store: CheckpointStore, key: VerifyKey) {
  const { reason, ...chain } = await new AuditChainStore(s).verify();
  const seal = await sealReport(db, s, store, key, AUDIT_LOG);
  const firstBad = Math.min(chain.firstBad ?? Infinity, seal.problem?.seq ?? Infinity);
  const why = seal.problem && seal.problem.seq === firstBad ? seal.problem.reason : chain.firstBad === firstBad ? reason : undefined;
  return {
    ...chain,
    ok: chain.ok && !seal.problem,
    ...(Number.isFinite(firstBad) ? { firstBad } : {}),
    ...(why ? { reason: why } : {}),
    seal,
  };
}

function earliest<T extends { seq: number }>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.seq < a.seq ? b : a;
}
