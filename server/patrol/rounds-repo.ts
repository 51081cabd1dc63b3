/** Rounds and their stops on the SQL layer (Kysely, both engines; SQL steps 0025–0026, docs/cluster.md). */
import type { SqlDb } from '../store/sql/db.ts';
import { writeTransaction } from '../store/sql/tx.ts';
import { fitsInt32 } from '../store/sql/filters.ts';
import { toStop, type CameraStop, type NewStop, type RoundFilter, type RoundRow, type StopResult } from './rounds-rows.ts';
import type { PtzState, Round, RoundStop, SpotCheck } from './types.ts';

export type { CameraStop, NewStop, RoundFilter, StopResult } from './rounds-rows.ts';

/** rounds' stops read in one query per this many rounds (bound parameters stay far below both engines' limits) */
const STOPS_CHUNK = 500;

/** Rounds and their stops (server-side state: a round in progress survives a reload or a restart). */
export class RoundRepo {
  constructor(private readonly s: SqlDb) {}

  private async assembleAll(rows: RoundRow[]): Promise<Round[]> {
    const byRound = new Map<number, RoundStop[]>();
    for (let i = 0; i < rows.length; i += STOPS_CHUNK) {
      const ids = rows.slice(i, i + STOPS_CHUNK).map((r) => r.id);
      const stops = await this.s.db.selectFrom('patrol_stops').selectAll().where('round_id', 'in', ids).orderBy('round_id').orderBy('idx').execute();
      for (const st of stops) {
        const list = byRound.get(st.round_id) ?? [];
        list.push(toStop(st));
        byRound.set(st.round_id, list);
      }
    }
    return rows.map((r) => {
      const stops = byRound.get(r.id) ?? [];
      const cur = r.status === 'in_progress' ? stops.find((x) => x.outcome === null) : undefined;
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
    });
  }

  private async one(r: RoundRow | undefined): Promise<Round | undefined> {
    return r && (await this.assembleAll([r]))[0];
  }

  async get(id: number): Promise<Round | undefined> {
    return this.one(await this.s.db.selectFrom('patrol_rounds').selectAll().where('id', '=', id).executeTakeFirst());
  }

  async bySlot(routeId: number, slotMs: number): Promise<Round | undefined> {
    return this.one(await this.s.db.selectFrom('patrol_rounds').selectAll().where('route_id', '=', routeId).where('slot_ms', '=', slotMs).executeTakeFirst());
  }

  async inProgressOf(userId: number): Promise<Round | undefined> {
    const r = await this.s.db
      .selectFrom('patrol_rounds')
      .selectAll()
      .where('user_id', '=', userId)
      .where('status', '=', 'in_progress')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return this.one(r);
  }

  async list(f: RoundFilter = {}): Promise<Round[]> {
    if (!fitsInt32(f.userId) || !fitsInt32(f.routeId)) return []; // ?user=abc, ?route=2147483648: no such row (filters.ts)
    const rows = await this.s.db
      .selectFrom('patrol_rounds')
      .selectAll()
      .$if(f.from !== undefined, (q) => q.where('slot_ms', '>=', f.from!))
      .$if(f.to !== undefined, (q) => q.where('slot_ms', '<', f.to!))
      .$if(f.userId !== undefined, (q) => q.where('user_id', '=', f.userId!))
      .$if(f.routeId !== undefined, (q) => q.where('route_id', '=', f.routeId!))
      .$if(f.status !== undefined, (q) => q.where('status', '=', f.status!))
      .orderBy('slot_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(f.limit ?? 500, 5000))
      .execute();
    return this.assembleAll(rows);
  }

  /**
   * A camera's finished stops viewed during [fromMs, toMs), oldest first, with their round (review timeline
   * markers; index patrol_stops_camera).
   */
  async stopsForCamera(cameraId: string, fromMs: number, toMs: number, limit = 1000): Promise<CameraStop[]> {
    const rows = await this.s.db
      .selectFrom('patrol_stops as s')
      .innerJoin('patrol_rounds as r', 'r.id', 's.round_id')
      .selectAll('s')
      .select(['r.route_name', 'r.username'])
      .where('s.camera_id', '=', cameraId)
      .where('s.view_started_ms', '<', toMs)
      .where('s.view_ended_ms', '>', fromMs)
      .where('s.outcome', 'is not', null)
      .orderBy('s.view_started_ms')
      .orderBy('s.round_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...toStop(r), roundId: r.round_id, routeName: r.route_name, username: r.username }));
  }

  /** A new round and its stops in one transaction. A second round of one slot is a unique violation (isUniqueViolation). */
  async create(r: { routeId: number; routeName: string; slotMs: number; userId: number; username: string; startedMs: number; requireChecklist?: boolean }, stops: NewStop[]): Promise<number> {
    return writeTransaction(this.s, async (tx) => {
      const { id } = await tx
        .insertInto('patrol_rounds')
        .values({
          route_id: r.routeId, route_name: r.routeName, slot_ms: r.slotMs, user_id: r.userId, username: r.username,
          status: 'in_progress', started_ms: r.startedMs, require_checklist: r.requireChecklist ? 1 : 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (stops.length) {
        await tx
          .insertInto('patrol_stops')
          .values(stops.map((s, idx) => ({
            round_id: id, idx, camera_id: s.cameraId, camera_name: s.cameraName, preset: s.preset, min_dwell_s: s.minDwellS,
            checklist_json: JSON.stringify(s.checklist), alarm_flag: s.alarm ? 1 : 0,
            view_started_ms: idx === 0 && !s.preset ? r.startedMs : null,
          })))
          .execute();
      }
      return id;
    });
  }

  /**
   * Record a stop's result, only while it is open (atomic on both engines): false when another request recorded
   * it first — the caller then writes nothing else. The next stop's view starts at `nextViewStartMs` (a preset
   * stop's when the camera has arrived, setPtz).
   */
  async finishStop(roundId: number, idx: number, res: StopResult, nextViewStartMs: number | null): Promise<boolean> {
    return writeTransaction(this.s, async (tx) => {
      const done = await tx
        .updateTable('patrol_stops')
        .set({
          view_ended_ms: res.viewEndedMs, outcome: res.outcome, note: res.note, checks_json: res.checks ? JSON.stringify(res.checks) : null,
          snapshot: res.snapshot, rec_from_ms: res.recFromMs, rec_to_ms: res.recToMs, user_id: res.userId, dispatch: res.dispatch ? 1 : 0,
          log_seq: res.logSeq,
        })
        .where('round_id', '=', roundId)
        .where('idx', '=', idx)
        .where('outcome', 'is', null)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) return false;
      if (nextViewStartMs !== null) {
        await tx
          .updateTable('patrol_stops')
          .set({ view_started_ms: nextViewStartMs })
          .where('round_id', '=', roundId)
          .where('idx', '=', idx + 1)
          .where('view_started_ms', 'is', null)
          .where('preset', 'is', null)
          .execute();
      }
      return true;
    });
  }

  /**
   * Undo finishStop when what must follow it failed (the duty-log entry could not be written): the stop is open
   * again, as it was before, and the next stop's view has not started.
   */
  async reopenStop(roundId: number, idx: number): Promise<void> {
    await writeTransaction(this.s, async (tx) => {
      await tx
        .updateTable('patrol_stops')
        .set({ view_ended_ms: null, outcome: null, note: null, checks_json: null, snapshot: null, rec_from_ms: null, rec_to_ms: null, user_id: null, dispatch: 0, log_seq: null })
        .where('round_id', '=', roundId)
        .where('idx', '=', idx)
        .execute();
      await tx
        .updateTable('patrol_stops')
        .set({ view_started_ms: null })
        .where('round_id', '=', roundId)
        .where('idx', '=', idx + 1)
        .where('preset', 'is', null)
        .where('outcome', 'is', null)
        .execute();
    });
  }

  /** The duty-log entry of a recorded stop (written after the stop was claimed by finishStop). */
  async setStopLogSeq(roundId: number, idx: number, logSeq: number): Promise<void> {
    await this.s.db.updateTable('patrol_stops').set({ log_seq: logSeq }).where('round_id', '=', roundId).where('idx', '=', idx).execute();
  }

  /**
   * Record the PTZ move of a preset stop that is still open. `viewStartedMs` (arrival or failure) starts the
   * dwell; it is set once.
   */
  async setPtz(roundId: number, idx: number, p: { state: PtzState; error?: string | null; gotoMs?: number; arrivedMs?: number; viewStartedMs?: number }): Promise<void> {
    await this.s.db
      .updateTable('patrol_stops')
      .set((eb) => ({
        ptz_state: p.state,
        ptz_error: eb.fn.coalesce(eb.val(p.error ?? null), eb.ref('ptz_error')),
        goto_ms: eb.fn.coalesce(eb.val(p.gotoMs ?? null), eb.ref('goto_ms')),
        arrived_ms: eb.fn.coalesce(eb.val(p.arrivedMs ?? null), eb.ref('arrived_ms')),
        view_started_ms: eb.fn.coalesce(eb.ref('view_started_ms'), eb.val(p.viewStartedMs ?? null)),
      }))
      .where('round_id', '=', roundId)
      .where('idx', '=', idx)
      .where('outcome', 'is', null)
      .execute();
  }

  /** Close a round in progress (atomic): false when it was closed already (a second completion writes nothing). */
  async end(roundId: number, status: 'completed' | 'abandoned', endedMs: number, reason: string | null, logSeq: number | null): Promise<boolean> {
    const r = await this.s.db
      .updateTable('patrol_rounds')
      .set({ status, ended_ms: endedMs, abandon_reason: reason, log_seq: logSeq })
      .where('id', '=', roundId)
      .where('status', '=', 'in_progress')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Undo end() when its duty-log entry could not be written: the round is in progress again. */
  async reopenRound(roundId: number): Promise<void> {
    await this.s.db.updateTable('patrol_rounds').set({ status: 'in_progress', ended_ms: null, abandon_reason: null, log_seq: null }).where('id', '=', roundId).where('log_seq', 'is', null).execute();
  }

  /** The duty-log entry of a closed round (written after end() claimed it). */
  async setRoundLogSeq(roundId: number, logSeq: number): Promise<void> {
    await this.s.db.updateTable('patrol_rounds').set({ log_seq: logSeq }).where('id', '=', roundId).execute();
  }

  async snapshotFile(roundId: number, idx: number): Promise<string | undefined> {
    const r = await this.s.db.selectFrom('patrol_stops').select('snapshot').where('round_id', '=', roundId).where('idx', '=', idx).executeTakeFirst();
    return r?.snapshot ?? undefined;
  }

  async addSpotCheck(c: Omit<SpotCheck, 'id'> & { roundId: number }): Promise<void> {
    await this.s.db
      .insertInto('patrol_spot_checks')
      .values({ round_id: c.roundId, idx: c.idx, user_id: c.userId, username: c.username, verdict: c.verdict, note: c.note, created_ms: c.createdMs, log_seq: c.logSeq })
      .execute();
  }

  async spotChecks(roundId: number): Promise<SpotCheck[]> {
    const rows = await this.s.db.selectFrom('patrol_spot_checks').selectAll().where('round_id', '=', roundId).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, idx: r.idx, userId: r.user_id, username: r.username, verdict: r.verdict, note: r.note, createdMs: r.created_ms, logSeq: r.log_seq }));
  }

  async isMissedLogged(routeId: number, slotMs: number): Promise<boolean> {
    const r = await this.s.db.selectFrom('patrol_missed').select('route_id').where('route_id', '=', routeId).where('slot_ms', '=', slotMs).executeTakeFirst();
    return r !== undefined;
  }

  /**
   * Claim a missed slot before its duty-log entry is written: false when it is claimed already (another check, or
   * another node), so a missed round is logged once. The entry's seq follows (setMissedLogSeq).
   */
  async claimMissed(routeId: number, slotMs: number): Promise<boolean> {
    const r = await this.s.db
      .insertInto('patrol_missed')
      .values({ route_id: routeId, slot_ms: slotMs, log_seq: null })
      .onConflict((oc) => oc.columns(['route_id', 'slot_ms']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async setMissedLogSeq(routeId: number, slotMs: number, logSeq: number): Promise<void> {
    await this.s.db.updateTable('patrol_missed').set({ log_seq: logSeq }).where('route_id', '=', routeId).where('slot_ms', '=', slotMs).execute();
  }

  /** Give up a claim whose duty-log entry could not be written (the next check tries again). */
  async unclaimMissed(routeId: number, slotMs: number): Promise<void> {
    await this.s.db.deleteFrom('patrol_missed').where('route_id', '=', routeId).where('slot_ms', '=', slotMs).where('log_seq', 'is', null).execute();
  }
}
