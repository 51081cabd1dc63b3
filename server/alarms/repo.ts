/** SQLite storage of alarms (table `alarms`) and per-camera zones (table `camera_zones`). */
import type { Zone } from '../analytics/zones.ts';
import type { Db } from '../store/db.ts';
import type { AlarmKind, AlarmOutcome, AlarmPriority, AlarmStatus, AlarmView, ZoneAlarmStats } from './types.ts';

interface Row {
  id: number;
  camera_id: string;
  zone: string;
  kind: AlarmKind;
  status: AlarmStatus;
  since_ms: number;
  start_ms: number;
  end_ms: number | null;
  recording_ms: number;
  score: number;
  track_ids: string;
  snapshot: string | null;
  ack_ms: number | null;
  ack_by: string | null;
  ack_note: string | null;
  dispatch_ms: number | null;
  dispatch_by: string | null;
  dispatch_to: string | null;
  dispatch_note: string | null;
  resolve_ms: number | null;
  resolve_by: string | null;
  resolve_note: string | null;
  outcome: AlarmOutcome | null;
  outcome_note: string | null;
  priority: AlarmPriority;
  occurrences: number;
  last_seen_ms: number | null;
  reopened_ms: number | null;
}

const note = (n: string | null) => (n ? { note: n } : {});

function toView(r: Row): AlarmView {
  return {
    id: r.id,
    cameraId: r.camera_id,
    zone: r.zone,
    kind: r.kind,
    status: r.status,
    sinceMs: r.since_ms,
    startMs: r.start_ms,
    endMs: r.end_ms,
    recordingMs: r.recording_ms,
    score: r.score,
    trackIds: JSON.parse(r.track_ids) as number[],
    snapshotUrl: r.snapshot ? `/api/alarms/${r.id}/snapshot.jpg` : null,
    ack: r.ack_ms !== null ? { at: r.ack_ms, by: r.ack_by ?? '', ...note(r.ack_note) } : null,
    dispatch: r.dispatch_ms !== null ? { at: r.dispatch_ms, by: r.dispatch_by ?? '', to: r.dispatch_to ?? '', ...note(r.dispatch_note) } : null,
    resolve: r.resolve_ms !== null ? { at: r.resolve_ms, by: r.resolve_by ?? '', ...note(r.resolve_note) } : null,
    ackAfterMs: r.ack_ms !== null ? r.ack_ms - r.start_ms : null,
    resolveAfterMs: r.resolve_ms !== null ? r.resolve_ms - r.start_ms : null,
    priority: r.priority ?? 2,
    outcome: r.outcome ?? null,
    outcomeNote: r.outcome_note ?? null,
    occurrences: r.occurrences ?? 1,
    lastSeenMs: r.last_seen_ms ?? null,
    reopenedMs: r.reopened_ms ?? null,
  };
}

export interface NewAlarm {
  cameraId: string;
  zone: string;
  kind: AlarmKind;
  sinceMs: number;
  startMs: number;
  recordingMs: number;
  score: number;
  trackIds: number[];
  priority: AlarmPriority;
}

export class AlarmRepo {
  constructor(private readonly db: Db) {}

  insert(a: NewAlarm): number {
    const info = this.db
      .prepare(
        `INSERT INTO alarms (camera_id, zone, kind, status, since_ms, start_ms, recording_ms, score, track_ids, last_seen_ms, priority)
         VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.cameraId, a.zone, a.kind, a.sinceMs, a.startMs, a.recordingMs, a.score, JSON.stringify(a.trackIds), a.startMs, a.priority);
    return Number(info.lastInsertRowid);
  }

  setSnapshot(id: number, file: string): void {
    this.db.prepare('UPDATE alarms SET snapshot = ? WHERE id = ?').run(file, id);
  }

  snapshotFile(id: number): string | undefined {
    const r = this.db.prepare('SELECT snapshot FROM alarms WHERE id = ?').get(id) as { snapshot: string | null } | undefined;
    return r?.snapshot ?? undefined;
  }

  end(id: number, endMs: number, score: number, trackIds: number[]): void {
    this.db
      .prepare('UPDATE alarms SET end_ms = ?, last_seen_ms = MAX(COALESCE(last_seen_ms, 0), ?), score = MAX(score, ?), track_ids = ? WHERE id = ?')
      .run(endMs, endMs, score, JSON.stringify(trackIds), id);
  }

  /** The condition was confirmed again at `ms` (restart continuity: where a dangling alarm is closed). */
  seen(id: number, ms: number): void {
    this.db.prepare('UPDATE alarms SET last_seen_ms = MAX(COALESCE(last_seen_ms, 0), ?) WHERE id = ? AND end_ms IS NULL').run(ms, id);
  }

  /** The newest alarm of one camera + zone + kind (index alarms_episode). */
  latestEpisode(cameraId: string, zone: string, kind: AlarmKind): AlarmView | undefined {
    const r = this.db
      .prepare('SELECT * FROM alarms WHERE camera_id = ? AND zone = ? AND kind = ? ORDER BY start_ms DESC, id DESC LIMIT 1')
      .get(cameraId, zone, kind) as Row | undefined;
    return r ? toView(r) : undefined;
  }

  /**
   * The same episode fired again: the alarm holds again (end_ms NULL), one more occurrence when it had
   * ended (not when it is continued across a restart), score and track ids merged; a resolved one is
   * open again (reopened_ms = now; the previous handling stays in its columns and in the duty log).
   */
  rejoin(id: number, o: { seenMs: number; score: number; trackIds: number[]; nowMs: number }): void {
    const r = this.db.prepare('SELECT track_ids FROM alarms WHERE id = ?').get(id) as { track_ids: string } | undefined;
    const ids = [...new Set([...(JSON.parse(r?.track_ids ?? '[]') as number[]), ...o.trackIds])];
    this.db
      .prepare(
        `UPDATE alarms SET occurrences = occurrences + (end_ms IS NOT NULL), end_ms = NULL,
           last_seen_ms = MAX(COALESCE(last_seen_ms, 0), ?), score = MAX(score, ?), track_ids = ?,
           reopened_ms = CASE WHEN status = 'resolved' THEN ? ELSE reopened_ms END,
           status = CASE WHEN status = 'resolved' THEN 'open' ELSE status END
         WHERE id = ?`,
      )
      .run(o.seenMs, o.score, JSON.stringify(ids), o.nowMs, id);
  }

  /** Ids of alarms still marked as holding (left by a previous run, at start-up). */
  holdingIds(): number[] {
    return (this.db.prepare('SELECT id FROM alarms WHERE end_ms IS NULL').all() as { id: number }[]).map((r) => r.id);
  }

  /** End an alarm left holding by a previous run at the last time its condition was confirmed. */
  closeHolding(id: number): boolean {
    return this.db.prepare('UPDATE alarms SET end_ms = COALESCE(last_seen_ms, start_ms) WHERE id = ? AND end_ms IS NULL').run(id).changes === 1;
  }

  get(id: number): AlarmView | undefined {
    const r = this.db.prepare('SELECT * FROM alarms WHERE id = ?').get(id) as Row | undefined;
    return r ? toView(r) : undefined;
  }

  /** Open (not resolved) first, by priority (1 high first), newest first; then resolved ones, newest first. */
  list(o: { status: 'open' | 'all'; cameraId?: string; limit: number }): AlarmView[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (o.status === 'open') where.push("status != 'resolved'");
    if (o.cameraId) {
      where.push('camera_id = ?');
      args.push(o.cameraId);
    }
    const sql = `SELECT * FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY (status = 'resolved'), CASE WHEN status = 'resolved' THEN 0 ELSE priority END, start_ms DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, o.limit) as Row[]).map(toView);
  }

  /**
   * A camera's alarms whose footage overlaps [fromMs, toMs): from `recording_ms` (the pre-roll) to `end_ms`
   * (still holding: open-ended), oldest first. Uses the (camera_id, start_ms) index: `start_ms` is never
   * before `recording_ms`, and an alarm is raised at most `maxRaiseAfterMs` after it began.
   */
  between(cameraId: string, fromMs: number, toMs: number, limit = 1000, maxRaiseAfterMs = 3600_000): AlarmView[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM alarms WHERE camera_id = ? AND start_ms < ? AND recording_ms < ? AND (end_ms IS NULL OR end_ms > ?)
         ORDER BY start_ms, id LIMIT ?`,
      )
      .all(cameraId, toMs + maxRaiseAfterMs, toMs, fromMs, limit) as Row[];
    return rows.map(toView);
  }

  /**
   * Per camera + zone, alarms that started at or after `sinceMs`: how they were resolved. Sorted by camera, zone.
   */
  stats(o: { sinceMs: number; cameraId?: string }): ZoneAlarmStats[] {
    const rows = this.db
      .prepare(
        `SELECT camera_id, zone, COUNT(*) AS total,
           SUM(status = 'resolved' AND outcome IS 'genuine') AS genuine,
           SUM(status = 'resolved' AND outcome IS 'false_alarm') AS false_alarm,
           SUM(status = 'resolved' AND outcome IS 'test') AS test,
           SUM(status = 'resolved' AND outcome IS NULL) AS unclassified,
           SUM(status != 'resolved') AS open
         FROM alarms WHERE start_ms >= ? ${o.cameraId ? 'AND camera_id = ?' : ''}
         GROUP BY camera_id, zone ORDER BY camera_id, zone`,
      )
      .all(...(o.cameraId ? [o.sinceMs, o.cameraId] : [o.sinceMs])) as (Omit<ZoneAlarmStats, 'falseAlarmRate' | 'cameraId'> & { camera_id: string })[];
    return rows.map((r) => {
      const judged = r.genuine + r.false_alarm;
      return {
        cameraId: r.camera_id,
        zone: r.zone,
        total: r.total,
        genuine: r.genuine,
        false_alarm: r.false_alarm,
        test: r.test,
        unclassified: r.unclassified,
        open: r.open,
        falseAlarmRate: judged ? r.false_alarm / judged : null,
      };
    });
  }

  openCameraIds(): Set<string> {
    const rows = this.db.prepare("SELECT DISTINCT camera_id FROM alarms WHERE status != 'resolved'").all() as { camera_id: string }[];
    return new Set(rows.map((r) => r.camera_id));
  }

  /** One workflow step, only from the expected status (the WHERE makes it atomic); false when the status did not match. */
  step(id: number, from: readonly AlarmStatus[], to: AlarmStatus, cols: Record<string, string | number | null>): boolean {
    const names = Object.keys(cols);
    const sql = `UPDATE alarms SET status = ?, ${names.map((n) => `${n} = ?`).join(', ')}
      WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`;
    return this.db.prepare(sql).run(to, ...names.map((n) => cols[n]), id, ...from).changes === 1;
  }
}

export class ZoneRepo {
  constructor(private readonly db: Db) {}

  get(cameraId: string): { zones: Zone[]; updatedAt: number | null; updatedBy: string | null } {
    const r = this.db.prepare('SELECT zones, updated_at, updated_by FROM camera_zones WHERE camera_id = ?').get(cameraId) as
      | { zones: string; updated_at: number; updated_by: string | null }
      | undefined;
    if (!r) return { zones: [], updatedAt: null, updatedBy: null };
    return { zones: JSON.parse(r.zones) as Zone[], updatedAt: r.updated_at, updatedBy: r.updated_by };
  }

  set(cameraId: string, zones: Zone[], by: string): void {
    this.db
      .prepare(
        `INSERT INTO camera_zones (camera_id, zones, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT(camera_id) DO UPDATE SET zones = excluded.zones, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(cameraId, JSON.stringify(zones), Date.now(), by);
  }

  /** Every camera that has at least one zone. */
  all(): Map<string, Zone[]> {
    const rows = this.db.prepare('SELECT camera_id, zones FROM camera_zones').all() as { camera_id: string; zones: string }[];
    const m = new Map<string, Zone[]>();
    for (const r of rows) {
      const z = JSON.parse(r.zones) as Zone[];
      if (z.length) m.set(r.camera_id, z);
    }
    return m;
  }
}
