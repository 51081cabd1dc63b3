import type { Db } from '../store/db.ts';
import type { PtzState, Round, RoundStatus, RoundStop, SpotCheck, StopOutcome } from './types.ts';

interface RoundRow {
  id: number;
  route_id: number;
  route_name: string;
  slot_ms: number;
  user_id: number;
  username: string;
  status: RoundStatus;
  started_ms: number;
  ended_ms: number | null;
  abandon_reason: string | null;
  log_seq: number | null;
  require_checklist: number;
}
interface StopRow {
  round_id: number;
  idx: number;
  camera_id: string;
  camera_name: string;
  preset: string | null;
  min_dwell_s: number;
  checklist_json: string;
  alarm_flag: number;
  ptz_state: PtzState | null;
  ptz_error: string | null;
  goto_ms: number | null;
  arrived_ms: number | null;
  view_started_ms: number | null;
  view_ended_ms: number | null;
  outcome: StopOutcome | null;
  note: string | null;
  checks_json: string | null;
  snapshot: string | null;
  rec_from_ms: number | null;
  rec_to_ms: number | null;
  user_id: number | null;
  dispatch: number;
  log_seq: number | null;
}

const toStop = (s: StopRow): RoundStop => ({
  idx: s.idx,
  cameraId: s.camera_id,
  cameraName: s.camera_name,
  preset: s.preset,
  minDwellS: s.min_dwell_s,
  checklist: JSON.parse(s.checklist_json) as string[],
  alarm: s.alarm_flag === 1,
  ptzState: s.ptz_state,
  ptzError: s.ptz_error,
  gotoMs: s.goto_ms,
  arrivedMs: s.arrived_ms,
  viewStartedMs: s.view_started_ms,
  viewEndedMs: s.view_ended_ms,
  dwellMs: s.view_started_ms !== null && s.view_ended_ms !== null ? s.view_ended_ms - s.view_started_ms : null,
  outcome: s.outcome,
  note: s.note,
  checks: s.checks_json ? (JSON.parse(s.checks_json) as boolean[]) : null,
  hasSnapshot: s.snapshot !== null,
  recFromMs: s.rec_from_ms,
  recToMs: s.rec_to_ms,
  userId: s.user_id,
  dispatch: s.dispatch === 1,
  logSeq: s.log_seq,
});

export interface NewStop {
  cameraId: string;
  cameraName: string;
  preset: string | null;
  minDwellS: number;
  checklist: string[];
  alarm: boolean;
}

export interface StopResult {
  viewEndedMs: number;
  outcome: StopOutcome;
  note: string | null;
  checks: boolean[] | null;
  snapshot: string | null;
  recFromMs: number | null;
  recToMs: number | null;
  userId: number;
  dispatch: boolean;
  logSeq: number | null;
}

/** A stop with the round it belongs to (review markers). */
export interface CameraStop extends RoundStop {
  roundId: number;
  routeName: string;
  username: string;
}

export interface RoundFilter {
  from?: number;
  to?: number;
  userId?: number;
  routeId?: number;
  status?: RoundStatus;
  limit?: number;
}

/** Rounds and their stops (server-side state: a round in progress survives a reload or a restart). */
export class RoundRepo {
  constructor(private readonly db: Db) {}

  private stops(roundId: number): RoundStop[] {
    return (this.db.prepare('SELECT * FROM patrol_stops WHERE round_id = ? ORDER BY idx').all(roundId) as StopRow[]).map(toStop);
  }

  private assemble(r: RoundRow): Round {
    const stops = this.stops(r.id);
    const cur = r.status === 'in_progress' ? stops.find((s) => s.outcome === null) : undefined;
    return {
      id: r.id,
      routeId: r.route_id,
      routeName: r.route_name,
      slotMs: r.slot_ms,
      userId: r.user_id,
      username: r.username,
      status: r.status,
      startedMs: r.started_ms,
      endedMs: r.ended_ms,
      abandonReason: r.abandon_reason,
      logSeq: r.log_seq,
      requireChecklist: r.require_checklist === 1,
      stops,
      currentIdx: cur ? cur.idx : null,
    };
  }

  get(id: number): Round | undefined {
    const r = this.db.prepare('SELECT * FROM patrol_rounds WHERE id = ?').get(id) as RoundRow | undefined;
    return r && this.assemble(r);
  }

  bySlot(routeId: number, slotMs: number): Round | undefined {
    const r = this.db.prepare('SELECT * FROM patrol_rounds WHERE route_id = ? AND slot_ms = ?').get(routeId, slotMs) as RoundRow | undefined;
    return r && this.assemble(r);
  }

  inProgressOf(userId: number): Round | undefined {
    const r = this.db
      .prepare(`SELECT * FROM patrol_rounds WHERE user_id = ? AND status = 'in_progress' ORDER BY id DESC LIMIT 1`)
      .get(userId) as RoundRow | undefined;
    return r && this.assemble(r);
  }

  list(f: RoundFilter = {}): Round[] {
    const where: string[] = [];
    const args: number[] = [];
    if (f.from !== undefined) {
      where.push('slot_ms >= ?');
      args.push(f.from);
    }
    if (f.to !== undefined) {
      where.push('slot_ms < ?');
      args.push(f.to);
    }
    if (f.userId !== undefined) {
      where.push('user_id = ?');
      args.push(f.userId);
    }
    if (f.routeId !== undefined) {
      where.push('route_id = ?');
      args.push(f.routeId);
    }
    const statusSql = f.status ? `${where.length ? ' AND' : ' WHERE'} status = '${f.status.replace(/[^a-z_]/g, '')}'` : '';
    const sql = `SELECT * FROM patrol_rounds ${where.length ? `WHERE ${where.join(' AND ')}` : ''}${statusSql} ORDER BY slot_ms DESC, id DESC LIMIT ?`;
    args.push(Math.min(f.limit ?? 500, 5000));
    return (this.db.prepare(sql).all(...args) as RoundRow[]).map((r) => this.assemble(r));
  }

  /**
   * A camera's finished stops viewed during [fromMs, toMs), oldest first, with their round (review timeline
   * markers; index patrol_stops_camera).
   */
  stopsForCamera(cameraId: string, fromMs: number, toMs: number, limit = 1000): CameraStop[] {
    const rows = this.db
      .prepare(
        `SELECT s.*, r.route_name, r.username FROM patrol_stops s JOIN patrol_rounds r ON r.id = s.round_id
         WHERE s.camera_id = ? AND s.view_started_ms < ? AND s.view_ended_ms > ? AND s.outcome IS NOT NULL
         ORDER BY s.view_started_ms, s.round_id LIMIT ?`,
      )
      .all(cameraId, toMs, fromMs, limit) as (StopRow & { route_name: string; username: string })[];
    return rows.map((r) => ({ ...toStop(r), roundId: r.round_id, routeName: r.route_name, username: r.username }));
  }

  create(r: { routeId: number; routeName: string; slotMs: number; userId: number; username: string; startedMs: number; requireChecklist?: boolean }, stops: NewStop[]): number {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO patrol_rounds (route_id, route_name, slot_ms, user_id, username, status, started_ms, require_checklist)
           VALUES (?, ?, ?, ?, ?, 'in_progress', ?, ?)`,
        )
        .run(r.routeId, r.routeName, r.slotMs, r.userId, r.username, r.startedMs, r.requireChecklist ? 1 : 0);
      const id = Number(info.lastInsertRowid);
      const ins = this.db.prepare(
        `INSERT INTO patrol_stops (round_id, idx, camera_id, camera_name, preset, min_dwell_s, checklist_json, alarm_flag, view_started_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      stops.forEach((s, idx) =>
        ins.run(id, idx, s.cameraId, s.cameraName, s.preset, s.minDwellS, JSON.stringify(s.checklist), s.alarm ? 1 : 0, idx === 0 && !s.preset ? r.startedMs : null),
      );
      return id;
    })();
  }

  finishStop(roundId: number, idx: number, res: StopResult, nextViewStartMs: number | null): void {
    this.db
      .prepare(
        `UPDATE patrol_stops SET view_ended_ms = ?, outcome = ?, note = ?, checks_json = ?, snapshot = ?, rec_from_ms = ?,
           rec_to_ms = ?, user_id = ?, dispatch = ?, log_seq = ? WHERE round_id = ? AND idx = ? AND outcome IS NULL`,
      )
      .run(res.viewEndedMs, res.outcome, res.note, res.checks ? JSON.stringify(res.checks) : null, res.snapshot,
        res.recFromMs, res.recToMs, res.userId, res.dispatch ? 1 : 0, res.logSeq, roundId, idx);
    if (nextViewStartMs !== null) {
      // a preset stop's view starts when the camera has arrived (setPtz)
      this.db
        .prepare('UPDATE patrol_stops SET view_started_ms = ? WHERE round_id = ? AND idx = ? AND view_started_ms IS NULL AND preset IS NULL')
        .run(nextViewStartMs, roundId, idx + 1);
    }
  }

  /**
   * Record the PTZ move of a preset stop that is still open. `viewStartedMs` (arrival or failure) starts the
   * dwell; it is set once.
   */
  setPtz(roundId: number, idx: number, p: { state: PtzState; error?: string | null; gotoMs?: number; arrivedMs?: number; viewStartedMs?: number }): void {
    this.db
      .prepare(
        `UPDATE patrol_stops SET ptz_state = ?, ptz_error = COALESCE(?, ptz_error), goto_ms = COALESCE(?, goto_ms),
           arrived_ms = COALESCE(?, arrived_ms), view_started_ms = COALESCE(view_started_ms, ?)
         WHERE round_id = ? AND idx = ? AND outcome IS NULL`,
      )
      .run(p.state, p.error ?? null, p.gotoMs ?? null, p.arrivedMs ?? null, p.viewStartedMs ?? null, roundId, idx);
  }

  end(roundId: number, status: 'completed' | 'abandoned', endedMs: number, reason: string | null, logSeq: number | null): void {
    this.db
      .prepare(`UPDATE patrol_rounds SET status = ?, ended_ms = ?, abandon_reason = ?, log_seq = ? WHERE id = ? AND status = 'in_progress'`)
      .run(status, endedMs, reason, logSeq, roundId);
  }

  snapshotFile(roundId: number, idx: number): string | undefined {
    const r = this.db.prepare('SELECT snapshot FROM patrol_stops WHERE round_id = ? AND idx = ?').get(roundId, idx) as
      | { snapshot: string | null }
      | undefined;
    return r?.snapshot ?? undefined;
  }

  addSpotCheck(c: Omit<SpotCheck, 'id'> & { roundId: number }): void {
    this.db
      .prepare(
        `INSERT INTO patrol_spot_checks (round_id, idx, user_id, username, verdict, note, created_ms, log_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.roundId, c.idx, c.userId, c.username, c.verdict, c.note, c.createdMs, c.logSeq);
  }

  spotChecks(roundId: number): SpotCheck[] {
    return (
      this.db.prepare('SELECT * FROM patrol_spot_checks WHERE round_id = ? ORDER BY id').all(roundId) as {
        id: number; idx: number; user_id: number; username: string; verdict: 'agree' | 'disagree'; note: string; created_ms: number; log_seq: number | null;
      }[]
    ).map((r) => ({ id: r.id, idx: r.idx, userId: r.user_id, username: r.username, verdict: r.verdict, note: r.note, createdMs: r.created_ms, logSeq: r.log_seq }));
  }

  isMissedLogged(routeId: number, slotMs: number): boolean {
    return this.db.prepare('SELECT 1 FROM patrol_missed WHERE route_id = ? AND slot_ms = ?').get(routeId, slotMs) !== undefined;
  }

  markMissed(routeId: number, slotMs: number, logSeq: number): void {
    this.db.prepare('INSERT OR IGNORE INTO patrol_missed (route_id, slot_ms, log_seq) VALUES (?, ?, ?)').run(routeId, slotMs, logSeq);
  }
}
