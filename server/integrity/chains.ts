/**
 * The hash chains a site keeps and their verification against the signed checkpoints:
 *  - `duty_log`  — the monitoring record (seq, hash);
 *  - `audit_log` — the audit trail (id, hash);
 *  - `recordings/<camera>` — one camera's sealed segments (seal_seq, seal_hash), rows and tombstones together.
 * Used by the server (Checkpointer, verify routes) and by `npm run verify-log` / `verify-recordings`.
 * Every chain is read through the SQL layer (issue J: SQLite or PostgreSQL, one code path): the duty log's and the
 * audit trail's links verified streaming by their chain stores, a camera's seal chain by verify-recordings
 * (seal/verify.ts). The checkpoints themselves are read through the SQL layer too (CheckpointStore, step 0030).
 */
import { sql } from 'kysely';
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

/**
 * One camera's seal chain through the SQL layer: live rows and tombstones of deleted ones, each side read on its
 * own (camera_id, seal_seq) index (a live row wins a seq both sides hold).
 */
export function recordingsView(s: SqlDb, cameraId: string): ChainView {
  const q = s.db;
  const live = () => q.selectFrom('segments').select(['seal_seq', 'seal_hash']).where('camera_id', '=', cameraId).where('seal_seq', 'is not', null);
  const dead = () => q.selectFrom('segment_tombstones').select(['seal_seq', 'seal_hash']).where('camera_id', '=', cameraId);
  const link = (r: { seal_seq: number | null; seal_hash: string | null } | undefined) => (r && r.seal_seq !== null ? { seq: Number(r.seal_seq), hash: r.seal_hash ?? '' } : undefined);
  return {
    head: async () => {
      const [a, b] = await Promise.all([live().orderBy('seal_seq', 'desc').limit(1).executeTakeFirst(), dead().orderBy('seal_seq', 'desc').limit(1).executeTakeFirst()]);
      const x = link(a);
      const y = link(b);
      return x && y ? (y.seq > x.seq ? y : x) : (x ?? y);
    },
    hashAt: async (seq) => {
      const a = await live().where('seal_seq', '=', seq).executeTakeFirst();
      return (a ?? (await dead().where('seal_seq', '=', seq).executeTakeFirst()))?.seal_hash ?? undefined;
    },
    hashesIn: async (from, to) => {
      const [a, b] = await Promise.all([
        live().where('seal_seq', '>', from).where('seal_seq', '<=', to).orderBy('seal_seq').execute(),
        dead().where('seal_seq', '>', from).where('seal_seq', '<=', to).orderBy('seal_seq').execute(),
      ]);
      // tombstones first, so a live row of the same seq overwrites its twin (as head and hashAt prefer it)
      return fill([...b, ...a].map((r) => link(r)!), from, to);
    },
  };
}

function fill(rows: { seq: number; hash: string }[], from: number, to: number): string[] {
  const out: string[] = new Array<string>(Math.max(0, to - from)).fill('');
  for (const r of rows) out[r.seq - from - 1] = r.hash;
  return out;
}

/** Cameras that have a seal chain (sealed rows or tombstones), sorted the same on both engines (in JS). */
export async function sealedCameras(s: SqlDb): Promise<string[]> {
  const r = await sql<{ camera_id: string }>`SELECT camera_id FROM segments WHERE seal_seq IS NOT NULL
    UNION SELECT camera_id FROM segment_tombstones`.execute(s.db);
  return r.rows.map((x) => x.camera_id).sort();
}

/** Every chain of the site, for the Checkpointer. */
export async function chainSources(s: SqlDb): Promise<ChainSource[]> {
  return [
    { log: DUTY_LOG, view: tableView(s, 'duty_log') },
    { log: AUDIT_LOG, view: tableView(s, 'audit_log') },
    ...(await sealedCameras(s)).map((cam) => ({ log: recordingsLog(cam), view: recordingsView(s, cam) })),
  ];
}

export async function sealReport(s: SqlDb, store: CheckpointStore, key: VerifyKey, logName: string): Promise<SealReport> {
  const view = logName === DUTY_LOG ? tableView(s, 'duty_log') : logName === AUDIT_LOG ? tableView(s, 'audit_log') : recordingsView(s, logName.slice('recordings/'.length));
  return checkSeals(view, await store.inDb(logName), store.inFiles(logName), key);
}

/** `GET /api/dutylog/verify` and verify-log: the chain's links (streaming), its head row, its triggers and its checkpoints. */
export async function verifyDutyLog(s: SqlDb, store: CheckpointStore, key: VerifyKey) {
  const chain = await new ChainStore(s).verify();
  const seal = await sealReport(s, store, key, DUTY_LOG);
  const broken = earliest(chain.broken, seal.problem ? { seq: seal.problem.seq, reason: seal.problem.reason } : undefined);
  return { ...chain, ok: chain.ok && !seal.problem, broken, seal };
}

/** `GET /api/audit/verify` and verify-log: the trail's links (streaming), its head row, its triggers and its checkpoints. */
export async function verifyAudit(s: SqlDb, store: CheckpointStore, key: VerifyKey) {
  const { reason, ...chain } = await new AuditChainStore(s).verify();
  const seal = await sealReport(s, store, key, AUDIT_LOG);
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
