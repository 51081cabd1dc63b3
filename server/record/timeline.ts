/**
 * A camera's recording timeline for the review page: recorded ranges (contiguous segments merged), the gaps
 * between them (with a reason when known), evidence locks and markers.
 *
 * Markers are contributed by other modules through `MarkerSource` (alarms, patrol stops, duty-log entries…):
 * `timeline.addSource({ kind: 'alarm', list: (cameraId, from, to) => [...] })`. Each marker can link back to
 * its own page; the console links every marker to `/review/<camera>?t=<at>`.
 */
import type { SqlDb } from '../store/sql/db.ts';
import type { LockRepo } from '../retention/locks.ts';
import type { SegmentRepo } from '../store/segments.ts';
import { knownGaps } from '../retention/reconcile.ts';
import type { Timeline, TimelineMarker } from '../../shared/wire/recordings.ts';

/** Segments closer than this are one range (jitter between consecutive segments of a run). */
export const MERGE_MS = 1500;

/** Timelines on the wire: shared/wire/recordings.ts (the console imports the same module). */
export type { Timeline, TimelineMarker } from '../../shared/wire/recordings.ts';

export interface MarkerSource {
  kind: string;
  /** may answer later (a source on the SQL layer: patrol stops, alarms, the duty log) */
  list(cameraId: string, fromMs: number, toMs: number): TimelineMarker[] | Promise<TimelineMarker[]>;
}

export class TimelineService {
  private readonly sources: MarkerSource[] = [];

  constructor(
    /** the known gaps the start-up reconcile recorded (reconcile.ts) */
    private readonly sql: SqlDb,
    private readonly segments: SegmentRepo,
    private readonly locks: LockRepo,
  ) {}

  addSource(s: MarkerSource): void {
    this.sources.push(s);
  }

  async ranges(cameraId: string, fromMs: number, toMs: number): Promise<Timeline['ranges']> {
    const out: Timeline['ranges'] = [];
    for (const r of await this.segments.spans(cameraId, fromMs, toMs)) {
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
    const [ranges, locks, latest] = await Promise.all([
      this.ranges(cameraId, fromMs, toMs),
      this.locks.overlapping(cameraId, fromMs, toMs),
      this.segments.latestEnd(cameraId),
    ]);
    const known = await knownGaps(this.sql, cameraId, fromMs, toMs);
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
    return {
      cameraId,
      from: fromMs,
      to: toMs,
      ranges,
      gaps,
      locks: locks.map((l) => ({
        id: l.id,
        start: l.startMs,
        end: l.endMs,
        reason: l.reason,
        caseRef: l.caseRef,
        createdBy: l.createdBy,
      })),
      markers,
      latest,
    };
  }
}
