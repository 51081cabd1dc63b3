/**
 * A camera's recording timeline for the review page: recorded ranges (contiguous segments merged), the gaps
 * between them (with a reason when known), evidence locks and markers.
 *
 * Markers are contributed by other modules through `MarkerSource` (alarms, patrol stops, duty-log entries…):
 * `timeline.addSource({ kind: 'alarm', list: (cameraId, from, to) => [...] })`. Each marker can link back to
 * its own page; the console links every marker to `/review/<camera>?t=<at>`.
 */
import type { Db } from '../store/db.ts';
import type { LockRepo } from '../retention/locks.ts';
import { knownGaps } from '../retention/reconcile.ts';
import type { Timeline, TimelineMarker } from '../../shared/wire/recordings.ts';

/** Segments closer than this are one range (jitter between consecutive segments of a run). */
export const MERGE_MS = 1500;

/** Timelines on the wire: shared/wire/recordings.ts (the console imports the same module). */
export type { Timeline, TimelineMarker } from '../../shared/wire/recordings.ts';

export interface MarkerSource {
  kind: string;
  /** may be async (the duty log reads through the SQL layer) */
  list(cameraId: string, fromMs: number, toMs: number): TimelineMarker[] | Promise<TimelineMarker[]>;
}

export class TimelineService {
  private readonly sources: MarkerSource[] = [];

  constructor(
    private readonly db: Db,
    private readonly locks: LockRepo,
  ) {}

  addSource(s: MarkerSource): void {
    this.sources.push(s);
  }

  ranges(cameraId: string, fromMs: number, toMs: number): Timeline['ranges'] {
    const out: Timeline['ranges'] = [];
    const stmt = this.db.prepare(
      'SELECT start_ms, end_ms FROM segments WHERE camera_id = ? AND end_ms > ? AND start_ms < ? ORDER BY start_ms',
    );
    for (const raw of stmt.iterate(cameraId, fromMs, toMs)) {
      const r = raw as { start_ms: number; end_ms: number };
      const last = out[out.length - 1];
      if (last && r.start_ms <= last.end + MERGE_MS) last.end = Math.max(last.end, r.end_ms);
      else out.push({ start: r.start_ms, end: r.end_ms });
    }
    for (const r of out) {
      r.start = Math.max(r.start, fromMs);
      r.end = Math.min(r.end, toMs);
    }
    return out;
  }

  async build(cameraId: string, fromMs: number, toMs: number, now = Date.now()): Promise<Timeline> {
    const ranges = this.ranges(cameraId, fromMs, toMs);
    const known = knownGaps(this.db, cameraId, fromMs, toMs);
    const gaps: Timeline['gaps'] = [];
    const until = Math.min(toMs, now);
    let cursor = fromMs;
    const hole = (start: number, end: number) => {
      if (end - start <= MERGE_MS) return;
      const missing = known.some((g) => g.reason === 'missing' && g.startMs < end && g.endMs > start);
      gaps.push({ start, end, reason: missing ? 'missing' : 'no_recording' });
    };
    for (const r of ranges) {
      if (r.start > cursor) hole(cursor, Math.min(r.start, until));
      cursor = Math.max(cursor, r.end);
    }
    if (cursor < until) hole(cursor, until);

    const markers: TimelineMarker[] = [];
    const lists = await Promise.all(
      this.sources.map(async (s) => {
        try {
          return await s.list(cameraId, fromMs, toMs);
        } catch {
          return []; // a broken source must not break the timeline
        }
      }),
    );
    for (const l of lists) markers.push(...l);
    markers.sort((a, b) => a.at - b.at);
    const latest = this.db.prepare('SELECT MAX(end_ms) AS t FROM segments WHERE camera_id = ?').get(cameraId) as { t: number | null };
    return {
      cameraId,
      from: fromMs,
      to: toMs,
      ranges,
      gaps,
      locks: this.locks.overlapping(cameraId, fromMs, toMs).map((l) => ({
        id: l.id,
        start: l.startMs,
        end: l.endMs,
        reason: l.reason,
        caseRef: l.caseRef,
        createdBy: l.createdBy,
      })),
      markers,
      latest: latest.t,
    };
  }
}
