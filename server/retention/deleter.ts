/**
 * Deleting recordings in an order that works on a full disk: the files first (that frees the space), then their
 * rows, each sealed row with its tombstone (`retention:<reason>`, so the AFTER DELETE trigger's 'unexplained' is
 * ignored). Rows whose delete failed stay pending and go first on the next pass.
 *
 * One write transaction per batch (SQL layer, both engines): lock the rows (PostgreSQL FOR UPDATE; SQLite: BEGIN
 * IMMEDIATE), check them against the evidence locks, delete the unlocked ones' files (synchronously: no await while
 * the transaction is open), then their rows. A lock being created at the same time waits for this transaction or
 * is seen by it (locks.ts), so a locked segment is never deleted.
 */
import { unlinkSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { SqlSchema } from '../store/sql/schema.ts';
import { writeTransaction } from '../store/sql/tx.ts';
import { segmentLocked } from '../store/segments.ts';
import { createLogger } from '../util/log.ts';
import { removeEmptyDirs } from './space.ts';

const log = createLogger('retention');

export type Reason = 'age' | 'quota' | 'disk';

export interface SegRow {
  id: number;
  camera_id: string;
  path: string;
  start_ms: number;
  end_ms: number;
  bytes: number;
}

/** Delete index rows (by id), each sealed one with its tombstone naming `reason`. */
async function deleteRows(tx: Kysely<SqlSchema>, ids: number[], reason: string, now: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    await tx
      .insertInto('segment_tombstones')
      .columns(['segment_id', 'camera_id', 'path', 'start_ms', 'end_ms', 'bytes', 'sha256', 'seal_seq', 'seal_hash', 'deleted_ms', 'reason'])
      .expression((eb) =>
        eb
          .selectFrom('segments')
          .select(['id', 'camera_id', 'path', 'start_ms', 'end_ms', 'bytes', 'sha256', 'seal_seq', 'seal_hash', sql.val(now).as('deleted_ms'), sql.val(reason).as('reason')])
          .where('id', 'in', part)
          .where('seal_seq', 'is not', null),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
    await tx.deleteFrom('segments').where('id', 'in', part).execute();
  }
}

export class SegmentDeleter {
  /** files already deleted whose rows could not be deleted yet (the transaction failed: disk full) */
  private pending: { row: SegRow; reason: Reason }[] = [];

  constructor(private readonly o: { sql: SqlDb; root: string; now: () => number; onFailed: (atMs: number) => void }) {}

  /** Some rows could not be deleted yet. */
  get stuck(): boolean {
    return this.pending.length > 0;
  }

  /**
   * Files first (that frees the space the rows' delete needs on a full disk), then the rows, each with its
   * tombstone. A row locked meanwhile, deleted meanwhile, or whose file cannot be deleted, is skipped.
   */
  async remove(rows: SegRow[], reason: Reason, skip: Set<number>): Promise<SegRow[]> {
    for (const r of rows) skip.add(r.id);
    if (!rows.length) return [];
    const gone: SegRow[] = [];
    const dirs = new Set<string>();
    const now = this.o.now();
    const s = this.o.sql;
    try {
      await writeTransaction(s, async (tx) => {
        const ids = rows.map((r) => r.id);
        if (s.engine === 'postgres') await tx.selectFrom('segments').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
        const free = await tx.selectFrom('segments as s').select('s.id').where('s.id', 'in', ids).where(sql<boolean>`NOT ${segmentLocked}`).execute();
        const unlocked = new Set(free.map((r) => r.id));
        for (const r of rows) {
          if (!unlocked.has(r.id)) continue;
          const file = this.safePath(r.path);
          if (!file) log.warn('index row with an unsafe path; file left alone', { path: r.path });
          else {
            try {
              unlinkSync(file);
              dirs.add(dirname(file));
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
                log.warn('could not delete recording; kept in the index', { file, err });
                continue;
              }
            }
          }
          gone.push(r);
        }
        if (gone.length) await deleteRows(tx, gone.map((r) => r.id), `retention:${reason}`, now);
      });
    } catch (err) {
      if (!gone.length) throw err; // nothing deleted yet: the pass fails and is retried
      log.warn('recording files deleted but their index rows could not be (disk full?); retried next pass', { rows: gone.length, err });
      for (const row of gone) this.pending.push({ row, reason });
      this.o.onFailed(now);
    }
    removeEmptyDirs(dirs);
    return gone;
  }

  /** Delete the rows of already-deleted files, with their tombstones. */
  async flush(): Promise<boolean> {
    if (!this.pending.length) return true;
    const now = this.o.now();
    const pending = this.pending;
    try {
      await writeTransaction(this.o.sql, async (tx) => {
        for (const reason of new Set(pending.map((p) => p.reason))) {
          await deleteRows(tx, pending.filter((p) => p.reason === reason).map((p) => p.row.id), `retention:${reason}`, now);
        }
      });
      this.pending = this.pending.filter((p) => !pending.includes(p));
      return true;
    } catch (err) {
      log.warn('recording files deleted but their index rows could not be (disk full?); retried next pass', { rows: this.pending.length, err });
      this.o.onFailed(now);
      return false;
    }
  }

  private safePath(rel: string): string | undefined {
    if (rel.split(/[\\/]/).some((p) => p === '..' || p === '.incoming' || p === '')) return undefined;
    const abs = resolve(join(this.o.root, rel));
    return abs.startsWith(this.o.root + sep) ? abs : undefined;
  }
}
