/**
 * Disk-space arithmetic for retention: the free-space floor, the "disk is full" threshold, and the files
 * besides recordings that count toward the quota (export bundles, alarm and patrol snapshots).
 */
import { readdirSync, rmdirSync, statfsSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../util/log.ts';

const log = createLogger('retention');
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface DiskSpace {
  totalBytes: number;
  freeBytes: number;
}

/** Size and free space of the file system holding `dir` (what a non-root writer may use). */
export function statDisk(dir: string): DiskSpace {
  const s = statfsSync(dir);
  return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
}

export interface FloorSettings {
  /** keep at least this percentage of the disk free (default 5) */
  minFreePercent: number;
  /** and at least this many GB (default 2) — capped at a fifth of the disk, so a small disk is not emptied */
  minFreeGb: number;
}

/** Bytes that must stay free on a disk of `totalBytes`. */
export function floorBytes(totalBytes: number, s: FloorSettings): number {
  if (totalBytes <= 0) return 0;
  const pct = (Math.max(0, s.minFreePercent) / 100) * totalBytes;
  const gb = Math.min(Math.max(0, s.minFreeGb) * GIB, totalBytes / 5);
  return Math.round(Math.max(pct, gb));
}

/** Under this much free space the disk counts as full (writes are failing or about to): 1 % of it, at most 8 MiB. */
export function fullBytes(totalBytes: number): number {
  return Math.min(8 * MIB, Math.round(totalBytes / 100));
}

export interface DirFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/** Regular files directly in `dir` (not recursive); [] when it does not exist. Dot-files (partial bundles) count too. */
export function listFiles(dir: string): DirFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: DirFile[] = [];
  for (const n of names) {
    const p = join(dir, n);
    try {
      const st = statSync(p);
      if (st.isFile()) out.push({ path: p, bytes: st.size, mtimeMs: st.mtimeMs });
      else if (st.isDirectory()) for (const f of listFiles(p)) out.push(f); // a bundle's .work directory
    } catch {
      /* vanished meanwhile */
    }
  }
  return out;
}

export const sumBytes = (files: DirFile[]): number => files.reduce((n, f) => n + f.bytes, 0);

/** Delete snapshot files older than `cutoffMs` (retentionDays). Returns what went. */
export function deleteOldFiles(dir: string, cutoffMs: number): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const f of listFiles(dir)) {
    if (f.mtimeMs > cutoffMs || !/\.(jpe?g|png)$/i.test(f.path)) continue;
    try {
      unlinkSync(f.path);
      count++;
      bytes += f.bytes;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('could not delete an old snapshot', { file: f.path, err });
    }
  }
  return { count, bytes };
}

/** Remove now-empty folders (a recording day folder). */
export function removeEmptyDirs(dirs: Iterable<string>): void {
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch {
      /* not empty */
    }
  }
}

/** Is this error a full disk (file system or SQLite)? */
export function isDiskFull(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  // PostgreSQL: 53100 disk_full (its data directory's disk; the SQL layer, issue J)
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || code === '53100' || code.startsWith('SQLITE_IOERR')) return true;
  return typeof e?.message === 'string' && /database or disk is full|no space left on device/i.test(e.message);
}
