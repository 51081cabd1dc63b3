/**
 * The hash chains a site keeps and their verification against the signed checkpoints:
 *  - `duty_log`  — the monitoring record (seq, hash);
 *  - `audit_log` — the audit trail (id, hash);
 *  - `recordings/<camera>` — one camera's sealed segments (seal_seq, seal_hash), rows and tombstones together.
 * Used by the server (Checkpointer, verify routes) and by `npm run verify-log` / `verify-recordings`.
 */
import type { Db } from '../store/db.ts';
import { verifyDb } from '../dutylog/log.ts';
import { verifyAuditDb } from '../audit/log.ts';
import type { CheckpointStore, ChainSource } from './checkpoints.ts';
import { checkSeals, type ChainView, type SealReport, type VerifyKey } from './seal-check.ts';

export const DUTY_LOG = 'duty_log';
export const AUDIT_LOG = 'audit_log';
export const recordingsLog = (cameraId: string) => `recordings/${cameraId}`;

function tableView(db: Db, table: 'duty_log' | 'audit_log', seq: 'seq' | 'id'): ChainView {
  const head = db.prepare(`SELECT ${seq} AS seq, hash FROM ${table} ORDER BY ${seq} DESC LIMIT 1`);
  const at = db.prepare(`SELECT hash FROM ${table} WHERE ${seq} = ?`);
  const range = db.prepare(`SELECT ${seq} AS seq, hash FROM ${table} WHERE ${seq} > ? AND ${seq} <= ? ORDER BY ${seq}`);
  return {
    head: () => head.get() as { seq: number; hash: string } | undefined,
    hashAt: (s) => (at.get(s) as { hash: string } | undefined)?.hash,
    hashesIn: (from, to) => fill(range.all(from, to) as { seq: number; hash: string }[], from, to),
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
export function chainSources(db: Db): ChainSource[] {
  return [
    { log: DUTY_LOG, view: tableView(db, 'duty_log', 'seq') },
    { log: AUDIT_LOG, view: tableView(db, 'audit_log', 'id') },
    ...sealedCameras(db).map((cam) => ({ log: recordingsLog(cam), view: recordingsView(db, cam) })),
  ];
}

export function sealReport(db: Db, store: CheckpointStore, key: VerifyKey, logName: string): SealReport {
  const view = logName === DUTY_LOG ? tableView(db, 'duty_log', 'seq') : logName === AUDIT_LOG ? tableView(db, 'audit_log', 'id') : recordingsView(db, logName.slice('recordings/'.length));
  return checkSeals(view, store.inDb(logName), store.inFiles(logName), key);
}

/** `GET /api/dutylog/verify` and verify-log: the chain's links, its triggers and its checkpoints. */
export function verifyDutyLog(db: Db, store: CheckpointStore, key: VerifyKey) {
  const chain = verifyDb(db);
  const seal = sealReport(db, store, key, DUTY_LOG);
  const broken = earliest(chain.broken, seal.problem ? { seq: seal.problem.seq, reason: seal.problem.reason } : undefined);
  return { ...chain, ok: chain.ok && !seal.problem, broken, seal };
}

/** `GET /api/audit/verify` and verify-log: the trail's links and its checkpoints. */
export function verifyAudit(db: Db, store: CheckpointStore, key: VerifyKey) {
  const chain = verifyAuditDb(db);
  const seal = sealReport(db, store, key, AUDIT_LOG);
  const firstBad = Math.min(chain.firstBad ?? Infinity, seal.problem?.seq ?? Infinity);
  return {
    ...chain,
    ok: chain.ok && !seal.problem,
    ...(Number.isFinite(firstBad) ? { firstBad } : {}),
    ...(seal.problem && seal.problem.seq === firstBad ? { reason: seal.problem.reason } : {}),
    seal,
  };
}

function earliest<T extends { seq: number }>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.seq < a.seq ? b : a;
}
