/**
 * Export jobs (table `exports`): one row per requested bundle, from queued to done or failed. On the SQL layer
 * (Kysely, SQLite or PostgreSQL; legacy step "issue E" / SQL step 0031), docs/cluster.md "Port: evidence exports".
 */
import { sql, type Selectable } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { ExportsTable } from '../store/sql/schema.ts';

import type { ExportStatus } from '../../shared/wire/exports.ts';
export type { ExportStatus } from '../../shared/wire/exports.ts';

export interface ExportJob {
  id: string;
  cameraIds: string[];
  fromMs: number;
  toMs: number;
  caseRef: string | null;
  reason: string;
  userId: number | null;
  username: string;
  role: string;
  status: ExportStatus;
  /** 0..1 */
  progress: number;
  /** bundle file name in the exports dir, once done */
  file: string | null;
  bytes: number | null;
  sha256: string | null;
  errorCode: string | null;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
}

type Row = Selectable<ExportsTable>;

const toJob = (r: Row): ExportJob => ({
  id: r.id,
  cameraIds: JSON.parse(r.camera_ids) as string[],
  fromMs: r.from_ms,
  toMs: r.to_ms,
  caseRef: r.case_ref,
  reason: r.reason,
  userId: r.user_id,
  username: r.username,
  role: r.role,
  status: r.status,
  progress: r.progress,
  file: r.file,
  bytes: r.bytes,
  sha256: r.sha256,
  errorCode: r.error_code,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/** an id from a URL: NUL (which PostgreSQL text cannot hold) or a huge string names no job, on both engines */
const plausibleId = (id: string) => id.length <= 200 && !id.includes('\u0000');

export class ExportRepo {
  constructor(private readonly s: SqlDb) {}

  async insert(j: Pick<ExportJob, 'id' | 'cameraIds' | 'fromMs' | 'toMs' | 'caseRef' | 'reason' | 'userId' | 'username' | 'role'>, now = Date.now()): Promise<ExportJob> {
    const r = await this.s.db
      .insertInto('exports')
      .values({
        id: j.id,
        camera_ids: JSON.stringify(j.cameraIds),
        from_ms: j.fromMs,
        to_ms: j.toMs,
        case_ref: j.caseRef,
        reason: j.reason,
        user_id: j.userId,
        username: j.username,
        role: j.role,
        status: 'queued',
        progress: 0,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toJob(r);
  }

  async get(id: string): Promise<ExportJob | undefined> {
    if (!plausibleId(id)) return undefined;
    const r = await this.s.db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toJob(r);
  }

  /** Newest first; only `username`'s (ASCII case-insensitive, as SQLite's NOCASE was) when given. */
  async list(opts: { username?: string; limit?: number } = {}): Promise<ExportJob[]> {
    const limit = Math.min(Math.max(1, opts.limit ?? 100), 500);
    const rows = await this.s.db
      .selectFrom('exports')
      .selectAll()
      .$if(opts.username !== undefined && opts.username !== '', (q) => q.where(sql<boolean>`lower(username) = lower(${opts.username})`))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  /** Exports overlapping a camera's time range (timeline markers). */
  async forCamera(cameraId: string, fromMs: number, toMs: number): Promise<ExportJob[]> {
    // camera_ids is a JSON array in a text column: the JSON functions are the one engine difference
    const names =
      this.s.engine === 'sqlite'
        ? sql<boolean>`EXISTS (SELECT 1 FROM json_each(exports.camera_ids) c WHERE c.value = ${cameraId})`
        : sql<boolean>`EXISTS (SELECT 1 FROM jsonb_array_elements_text(exports.camera_ids::jsonb) c WHERE c = ${cameraId})`;
    const rows = await this.s.db
      .selectFrom('exports')
      .selectAll()
      .where(names)
      .where('to_ms', '>', fromMs)
      .where('from_ms', '<', toMs)
      .orderBy('from_ms')
      .orderBy('id')
      .limit(500)
      .execute();
    return rows.map(toJob);
  }

  /** Cameras a job names (the camera guard); undefined: no such job. */
  async camerasOf(id: string): Promise<string[] | undefined> {
    if (!plausibleId(id)) return undefined;
    const r = await this.s.db.selectFrom('exports').select('camera_ids').where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    try {
      const v: unknown = JSON.parse(r.camera_ids);
      return Array.isArray(v) ? v.map(String) : [];
    } catch {
      return [];
    }
  }

  async setRunning(id: string): Promise<void> {
    await this.s.db.updateTable('exports').set({ status: 'running' }).where('id', '=', id).execute();
  }

  /** Only while running: a late progress write never undoes a finish or a failure. */
  async setProgress(id: string, progress: number): Promise<void> {
    await this.s.db
      .updateTable('exports')
      .set({ progress: Math.max(0, Math.min(1, progress)) })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  async finish(id: string, r: { file: string; bytes: number; sha256: string }, now = Date.now()): Promise<void> {
    await this.s.db
      .updateTable('exports')
      .set({ status: 'done', progress: 1, file: r.file, bytes: r.bytes, sha256: r.sha256, finished_at: now })
      .where('id', '=', id)
      .execute();
  }

  async fail(id: string, code: string, message: string, now = Date.now()): Promise<void> {
    await this.s.db
      .updateTable('exports')
      .set({ status: 'failed', error_code: code, error: message.slice(0, 500), finished_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Jobs a previous process left unfinished. */
  async unfinished(): Promise<ExportJob[]> {
    const rows = await this.s.db.selectFrom('exports').selectAll().where('status', 'in', ['queued', 'running']).orderBy('created_at').execute();
    return rows.map(toJob);
  }
}
