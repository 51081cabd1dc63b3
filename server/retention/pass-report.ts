/** What one retention pass deleted, grouped by camera and reason (the pass's return value and its audit detail). */
import type { StorageStatus } from '../../shared/wire/recordings.ts';
import type { Reason, SegRow } from './deleter.ts';

export interface PassReport {
  deleted: { cameraId: string; reason: Reason; count: number; bytes: number; fromMs: number; toMs: number }[];
  status: StorageStatus;
}

/** Add deleted rows to the pass's per-camera, per-reason totals. */
export function addDeleted(out: PassReport['deleted'], reason: Reason, rows: SegRow[]): void {
  for (const r of rows) {
    let d = out.find((x) => x.cameraId === r.camera_id && x.reason === reason);
    if (!d) out.push((d = { cameraId: r.camera_id, reason, count: 0, bytes: 0, fromMs: r.start_ms, toMs: r.end_ms }));
    d.count++;
    d.bytes += r.bytes;
    d.fromMs = Math.min(d.fromMs, r.start_ms);
    d.toMs = Math.max(d.toMs, r.end_ms);
  }
}
