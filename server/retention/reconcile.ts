/**
 * Start-up reconciliation of the segment index with the disk:
 *  - a recording file on disk with no index row (copied back from a backup, left by a crash between the rename
 *    and the insert, or an index restored from an older copy) is probed with ffprobe and indexed, timed by its
 *    file name (`<cam>/<YYYY-MM-DD>/<HH-MM-SS>.mp4`, local time) and its duration; a file without a readable
 *    video frame is deleted;
 *  - an index row whose file is gone is removed from the index and recorded in `recording_gaps`
 *    (reason `missing`), so the timeline shows a gap instead of offering footage that cannot play.
 * Only `<camera>/<date>/<time>.mp4` files are considered: `.incoming/` (the recorder's staging area, recovered by
 * the media layer) and anything else in the data dir are never touched.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CAMERA_ID_RE } from '../cameras/types.ts';
import type { Db } from '../store/db.ts';
import type { SegmentRepo } from '../store/segments.ts';
import { createLogger } from '../util/log.ts';

const log = createLogger('retention');
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FILE_RE = /^(\d{2})-(\d{2})-(\d{2})(?:_\d+)?\.mp4$/;

export interface ProbeInfo {
  durationSec: number;
  codec: string | null;
}
export type Prober = (file: string) => Promise<ProbeInfo | undefined>;

export interface ReconcileOptions {
  db: Db;
  segments: SegmentRepo;
  recordingsDir: string;
  probe: Prober;
  /** files modified after this are being written by this process: left alone (default: now) */
  startedAt?: number;
}

export interface ReconcileReport {
  scanned: number;
  indexed: number;
  removed: number;
  missing: number;
}

/** Duration and codec of a recording file with ffprobe (10 s deadline). */
export function ffprobeInfo(ffprobePath: string): Prober {
  return (file) =>
    new Promise((resolve) => {
      const child = spawn(
        ffprobePath,
        ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', file],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let out = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', () => resolve(undefined));
      child.on('close', (code) => {
        clearTimeout(timer);
        try {
          const j = JSON.parse(out) as { format?: { duration?: string }; streams?: { codec_name?: string }[] };
          const d = Number(j.format?.duration);
          const codec = j.streams?.[0]?.codec_name ?? null;
          resolve(code === 0 && codec && Number.isFinite(d) && d > 0 ? { durationSec: d, codec } : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
}

/** Start of a recording from its folder and file name (local time, second precision). */
export function startFromName(day: string, file: string): number | undefined {
  const d = DAY_RE.exec(day);
  const t = FILE_RE.exec(file);
  if (!d || !t) return undefined;
  const ms = new Date(+d[1]!, +d[2]! - 1, +d[3]!, +t[1]!, +t[2]!, +t[3]!).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

function dirs(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

export async function reconcile(o: ReconcileOptions): Promise<ReconcileReport> {
  const started = o.startedAt ?? Date.now();
  const report: ReconcileReport = { scanned: 0, indexed: 0, removed: 0, missing: 0 };
  const indexedCams = (o.db.prepare('SELECT DISTINCT camera_id FROM segments').all() as { camera_id: string }[]).map((r) => r.camera_id);
  const cams = new Set([...indexedCams, ...dirs(o.recordingsDir).filter((d) => CAMERA_ID_RE.test(d))]);
  const pathsOf = o.db.prepare('SELECT id, path, start_ms, end_ms FROM segments WHERE camera_id = ?');
  const dropRow = o.db.prepare('DELETE FROM segments WHERE id = ?');
  // a sealed row says why it went (the AFTER DELETE trigger would otherwise record it as 'unexplained')
  const tombstone = o.db.prepare(
    `INSERT OR IGNORE INTO segment_tombstones (segment_id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, deleted_ms, reason)
     SELECT id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, ?, 'reconcile:missing' FROM segments WHERE id = ? AND seal_seq IS NOT NULL`,
  );
  const addGap = o.db.prepare(
    `INSERT INTO recording_gaps (camera_id, start_ms, end_ms, reason, path, detected_at) VALUES (?, ?, ?, 'missing', ?, ?)`,
  );

  for (const cam of cams) {
    const rows = pathsOf.all(cam) as { id: number; path: string; start_ms: number; end_ms: number }[];
    const known = new Set<string>();
    const missing: typeof rows = [];
    for (const r of rows) {
      known.add(r.path);
      if (!existsSync(join(o.recordingsDir, r.path))) missing.push(r);
    }
    if (missing.length) {
      o.db.transaction(() => {
        for (const r of missing) {
          tombstone.run(started, r.id);
          dropRow.run(r.id);
          addGap.run(cam, r.start_ms, r.end_ms, r.path, started);
        }
      })();
      report.missing += missing.length;
      log.warn('indexed recordings missing on disk; marked as gaps', { camera: cam, count: missing.length, first: missing[0]!.path });
    }

    for (const day of dirs(join(o.recordingsDir, cam)).filter((d) => DAY_RE.test(d)).sort()) {
      let files: string[];
      try {
        files = readdirSync(join(o.recordingsDir, cam, day)).filter((f) => FILE_RE.test(f)).sort();
      } catch {
        continue;
      }
      for (const f of files) {
        report.scanned++;
        const rel = `${cam}/${day}/${f}`;
        if (known.has(rel)) continue;
        const abs = join(o.recordingsDir, rel);
        let st;
        try {
          st = statSync(abs);
        } catch {
          continue;
        }
        if (!st.isFile() || st.mtimeMs > started) continue;
        const info = await o.probe(abs);
        if (await o.segments.byPath(rel)) continue; // indexed meanwhile
        if (!info) {
          try {
            unlinkSync(abs);
            report.removed++;
            log.warn('removed an unreadable recording file that was not in the index', { file: rel });
          } catch (err) {
            log.warn('could not remove unreadable recording', { file: rel, err });
          }
          continue;
        }
        const startMs = startFromName(day, f)!;
        // adopted, not recorded by this run: verify-recordings says so (it is sealed now, not when written)
        await o.segments.insert({ cameraId: cam, path: rel, startMs, endMs: startMs + info.durationSec * 1000, bytes: st.size, codec: info.codec, origin: 'reconciled' });
        report.indexed++;
      }
    }
  }
  if (report.indexed || report.removed || report.missing) log.info('reconciled the recording index with the disk', { ...report });
  return report;
}

export interface GapRow {
  cameraId: string;
  startMs: number;
  endMs: number;
  reason: string;
}

/** Gaps recorded by reconciliation overlapping [fromMs, toMs). */
export function knownGaps(db: Db, cameraId: string, fromMs: number, toMs: number): GapRow[] {
  return (
    db
      .prepare(
        `SELECT camera_id, start_ms, end_ms, reason FROM recording_gaps WHERE camera_id = ? AND end_ms > ? AND start_ms < ? ORDER BY start_ms LIMIT 5000`,
      )
      .all(cameraId, fromMs, toMs) as { camera_id: string; start_ms: number; end_ms: number; reason: string }[]
  ).map((r) => ({ cameraId: r.camera_id, startMs: r.start_ms, endMs: r.end_ms, reason: r.reason }));
}
