/**
 * Deleting recordings in an order that works on a full disk: the files first (that frees the space), then their
 * rows in one transaction, each sealed row with its tombstone (`retention:<reason>`, so the AFTER DELETE trigger's
 * 'unexplained' is ignored). Rows whose transaction failed stay pending and go first on the next pass.
 */
import { unlinkSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { Db } from '../store/db.ts';
import { createLogger } from '../util/log.ts';
import { segmentLockedSql } from './locks.ts';
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

export class SegmentDeleter {
  /** files already deleted whose rows could not be deleted yet (the transaction failed: disk full) */
  private pending: { row: SegRow; reason: Reason }[] = [];

  constructor(private readonly o: { db: Db; root: string; now: () => number; onFailed: (atMs: number) => void }) {}

  /** Some rows could not be deleted yet. */
  get stuck(): boolean {
    return this.pending.length > 0;
  }

  /**
   * Files first (that frees the space the transaction needs on a full disk), then the rows in one transaction,
   * each with its tombstone. A row locked meanwhile, or whose file cannot be deleted, is skipped.
   */
  remove(rows: SegRow[], reason: Reason, skip: Set<number>): SegRow[] {
    const unlocked = this.o.db.prepare(`SELECT 1 FROM segments s WHERE s.id = ? AND NOT ${segmentLockedSql('s')}`);
    const gone: SegRow[] = [];
    const dirs = new Set<string>();
    for (const r of rows) {
      skip.add(r.id);
      if (!unlocked.get(r.id)) continue;
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
      this.pending.push({ row: r, reason });
    }
    this.flush();
    removeEmptyDirs(dirs);
    return gone;
  }

  /** Delete the rows of already-deleted files, with their tombstones, in one transaction. */
  flush(): boolean {
    if (!this.pending.length) return true;
    const db = this.o.db;
    const tomb = db.prepare(
      `INSERT OR IGNORE INTO segment_tombstones (segment_id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, deleted_ms, reason)
       SELECT id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, ?, ? FROM segments WHERE id = ? AND seal_seq IS NOT NULL`,
    );
    const del = db.prepare('DELETE FROM segments WHERE id = ?');
    const now = this.o.now();
    try {
      db.transaction(() => {
        for (const p of this.pending) {
          tomb.run(now, `retention:${p.reason}`, p.row.id);
          del.run(p.row.id);
        }
      })();
      this.pending = [];
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
