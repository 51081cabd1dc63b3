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
import { sql } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import { writeTransaction } from '../store/sql/tx.ts';
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
  sql: SqlDb;
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
  const indexedCams = (await o.sql.db.selectFrom('segments').select('camera_id').distinct().execute()).map((r) => r.camera_id);
  const cams = new Set([...indexedCams, ...dirs(o.recordingsDir).filter((d) => CAMERA_ID_RE.test(d))]);

  for (const cam of cams) {
    const rows = await o.sql.db.selectFrom('segments').select(['id', 'path', 'start_ms', 'end_ms']).where('camera_id', '=', cam).execute();
    const known = new Set<string>();
    const missing: typeof rows = [];
    for (const r of rows) {
      known.add(r.path);
      if (!existsSync(join(o.recordingsDir, r.path))) missing.push(r);
    }
    if (missing.length) {
      await writeTransaction(o.sql, async (tx) => {
        for (const r of missing) {
          // a sealed row says why it went (the AFTER DELETE trigger would otherwise record it as 'unexplained')
          await sql`INSERT INTO segment_tombstones (segment_id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, deleted_ms, reason)
            SELECT id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, ${started}, 'reconcile:missing' FROM segments
            WHERE id = ${r.id} AND seal_seq IS NOT NULL ON CONFLICT DO NOTHING`.execute(tx);
          await tx.deleteFrom('segments').where('id', '=', r.id).execute();
          await tx.insertInto('recording_gaps').values({ camera_id: cam, start_ms: r.start_ms, end_ms: r.end_ms, reason: 'missing', path: r.path, detected_at: started }).execute();
        }
      });
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
export async function knownGaps(s: SqlDb, cameraId: string, fromMs: number, toMs: number): Promise<GapRow[]> {
  const rows = await s.db
    .selectFrom('recording_gaps')
    .select(['camera_id', 'start_ms', 'end_ms', 'reason'])
    .where('camera_id', '=', cameraId)
    .where('end_ms', '>', fromMs)
    .where('start_ms', '<', toMs)
    .orderBy('start_ms')
    .limit(5000)
    .execute();
  return rows.map((r) => ({ cameraId: r.camera_id, startMs: Number(r.start_ms), endMs: Number(r.end_ms), reason: r.reason }));
}
