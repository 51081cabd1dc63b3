/** Export jobs (table `exports`): one row per requested bundle, from queued to done or failed. */
import type { Db } from '../store/db.ts';

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

interface Row {
  id: string;
  camera_ids: string;
  from_ms: number;
  to_ms: number;
  case_ref: string | null;
  reason: string;
  user_id: number | null;
  username: string;
  role: string;
  status: ExportStatus;
  progress: number;
  file: string | null;
  bytes: number | null;
  sha256: string | null;
  error_code: string | null;
  error: string | null;
  created_at: number;
  finished_at: number | null;
}

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

export class ExportRepo {
  constructor(private readonly db: Db) {}

  insert(j: Pick<ExportJob, 'id' | 'cameraIds' | 'fromMs' | 'toMs' | 'caseRef' | 'reason' | 'userId' | 'username' | 'role'>, now = Date.now()): ExportJob {
    this.db
      .prepare(
        `INSERT INTO exports (id, camera_ids, from_ms, to_ms, case_ref, reason, user_id, username, role, status, progress, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?)`,
      )
      .run(j.id, JSON.stringify(j.cameraIds), j.fromMs, j.toMs, j.caseRef, j.reason, j.userId, j.username, j.role, now);
    return this.get(j.id)!;
  }

  get(id: string): ExportJob | undefined {
    const r = this.db.prepare('SELECT * FROM exports WHERE id = ?').get(id) as Row | undefined;
    return r && toJob(r);
  }

  /** Newest first; only `username`'s when given. */
  list(opts: { username?: string; limit?: number } = {}): ExportJob[] {
    const limit = Math.min(Math.max(1, opts.limit ?? 100), 500);
    const rows = (
      opts.username
        ? this.db.prepare('SELECT * FROM exports WHERE username = ? COLLATE NOCASE ORDER BY created_at DESC LIMIT ?').all(opts.username, limit)
        : this.db.prepare('SELECT * FROM exports ORDER BY created_at DESC LIMIT ?').all(limit)
    ) as Row[];
    return rows.map(toJob);
  }

  /** Exports overlapping a camera's time range (timeline markers). */
  forCamera(cameraId: string, fromMs: number, toMs: number): ExportJob[] {
    return (
      this.db
        .prepare(
          `SELECT e.* FROM exports e, json_each(e.camera_ids) c
           WHERE c.value = ? AND e.to_ms > ? AND e.from_ms < ? ORDER BY e.from_ms LIMIT 500`,
        )
        .all(cameraId, fromMs, toMs) as Row[]
    ).map(toJob);
  }

  setRunning(id: string): void {
    this.db.prepare(`UPDATE exports SET status = 'running' WHERE id = ?`).run(id);
  }

  setProgress(id: string, progress: number): void {
    this.db.prepare('UPDATE exports SET progress = ? WHERE id = ?').run(Math.max(0, Math.min(1, progress)), id);
  }

  finish(id: string, r: { file: string; bytes: number; sha256: string }, now = Date.now()): void {
    this.db
      .prepare(`UPDATE exports SET status = 'done', progress = 1, file = ?, bytes = ?, sha256 = ?, finished_at = ? WHERE id = ?`)
      .run(r.file, r.bytes, r.sha256, now, id);
  }

  fail(id: string, code: string, message: string, now = Date.now()): void {
    this.db
      .prepare(`UPDATE exports SET status = 'failed', error_code = ?, error = ?, finished_at = ? WHERE id = ?`)
      .run(code, message.slice(0, 500), now, id);
  }

  /** Jobs a previous process left unfinished. */
  unfinished(): ExportJob[] {
    return (this.db.prepare(`SELECT * FROM exports WHERE status IN ('queued','running') ORDER BY created_at`).all() as Row[]).map(toJob);
  }
}
