/**
 * Doing a round: start it for the route's current slot, view each stop for at least its minimum dwell
 * (enforced here, not only in the console), record the outcome, and close the round. Every anomaly and
 * every finished round becomes a duty-log entry.
 */
import type { DutyLog } from '../dutylog/log.ts';
import { AppError, conflict, forbidden, notFound } from '../util/errors.ts';
import { isUniqueViolation } from '../store/sql/errors.ts';
import { createLogger } from '../util/log.ts';
import type { AlarmSource } from './alarms.ts';
import type { Clock } from './clock.ts';
import type { RouteRepo } from './routes-repo.ts';
import type { PatrolPtz } from './ptz.ts';
import type { NewStop, RoundRepo } from './rounds-repo.ts';
import { CHECKLIST_INCOMPLETE, checklistMissing } from '../../shared/wire/patrol.ts';
import { currentSlot } from './schedule.ts';
import type { Actor, Round, RoundStop } from './types.ts';

const log = createLogger('patrol');

/** What patrol needs to know about cameras. */
export interface PatrolCameras {
  name(id: string): string | undefined;
  /** Online and delivering video (offline, stalled, starting or disabled = false). */
  online(id: string): boolean;
}

/** Grabs the current frame of a camera's live video; resolves to a stored file name or null. */
export interface SnapshotTaker {
  take(cameraId: string, fileStem: string): Promise<{ file: string; sha256: string } | null>;
}

export { recordedRange, type StopConfirm } from './recorded-range.ts';
import type { StopConfirm } from './recorded-range.ts';
import { recordedRange } from './recorded-range.ts';

export interface RoundsDeps {
  routes: RouteRepo;
  rounds: RoundRepo;
  log: DutyLog;
  clock: Clock;
  cameras: PatrolCameras;
  alarms: AlarmSource;
  snapshots: SnapshotTaker;
  /** How far live video on screen lags the wall clock (HLS latency). */
  liveLatencyMs: number;
  /** moves preset stops' cameras (ptz.ts) */
  ptz: PatrolPtz;
}

const roundExists = (r: Round) =>
  conflict(`this round was already ${r.status === 'in_progress' ? 'started' : 'done'} by ${r.username}`, 'round_exists', { what: r.status === 'in_progress' ? 'started' : 'done', by: r.username });

export class RoundService {

  constructor(private readonly d: RoundsDeps) {}

  async require(id: number): Promise<Round> {
    const r = await this.d.rounds.get(id);
    if (!r) throw notFound(`no round ${id}`, { what: 'round', id });
    return r;
  }

  current(user: Actor): Promise<Round | undefined> {
    return this.d.rounds.inProgressOf(user.id);
  }

  async start(user: Actor, routeId: number): Promise<Round> {
    const { routes, rounds, clock, cameras, alarms } = this.d;
    const route = await routes.get(routeId);
    if (!route || !route.enabled) throw notFound(`no active route ${routeId}`, { what: 'active_route', id: routeId });
    const mine = await rounds.inProgressOf(user.id);
    if (mine) {
      if (mine.routeId === routeId) return mine;
      throw conflict(`finish or abandon your round ${mine.id} (${mine.routeName}) first`, 'round_in_progress', { id: mine.id, route: mine.routeName });
    }
    const now = clock.now();
    const slot = currentSlot(route, now);
    if (slot === undefined) throw conflict(`route "${route.name}" is not due now (outside its active hours)`, 'not_due', { route: route.name });
    const existing = await rounds.bySlot(routeId, slot);
    if (existing) throw roundExists(existing);
    const missing = route.stops.filter((s) => cameras.name(s.cameraId) === undefined).map((s) => s.cameraId);
    if (missing.length) {
      throw new AppError(409, 'camera_deleted', `camera ${missing.map((m) => `"${m}"`).join(', ')} no longer exists; a supervisor must edit route "${route.name}"`, {}, { params: { ids: missing.join(', '), route: route.name } });
    }
    const open = alarms.openAlarmCameraIds();
    const stops: NewStop[] = route.stops.map((s) => ({
      cameraId: s.cameraId,
      cameraName: cameras.name(s.cameraId)!,
      preset: s.preset,
      minDwellS: s.minDwellS,
      checklist: s.checklist,
      alarm: open.has(s.cameraId),
    }));
    stops.sort((a, b) => Number(b.alarm) - Number(a.alarm)); // stable: alarmed cameras first
    let id: number;
    try {
      id = await rounds.create({ routeId, routeName: route.name, slotMs: slot, userId: user.id, username: user.username, startedMs: now, requireChecklist: route.requireChecklist }, stops);
    } catch (e) {
      // two starts of one slot at once (two operators, two nodes): the table keeps one, the other is told who has it
      const won = isUniqueViolation(e) ? await rounds.bySlot(routeId, slot) : undefined;
      if (won) throw roundExists(won);
      throw e;
    }
    log.info('round started', { round: id, route: routeId, user: user.username, slot: new Date(slot).toISOString() });
    const round = await this.require(id);
    await this.d.ptz.reach(round, 0);
    return this.require(id);
  }

  /** The round, its stop, checked to be the caller's current stop. */
  private async open(user: Actor, roundId: number, idx: number): Promise<{ round: Round; stop: RoundStop }> {
    const round = await this.require(roundId);
    if (round.userId !== user.id) throw forbidden(`round ${roundId} belongs to ${round.username}`, { what: 'round', id: roundId, owner: round.username });
    if (round.status !== 'in_progress') throw conflict(`round ${roundId} is ${round.status}`, 'round_closed', { id: roundId, status: round.status });
    const stop = round.stops[idx];
    if (!stop) throw notFound(`round ${roundId} has no stop ${idx}`, { what: 'round_stop', id: roundId, n: idx });
    if (round.currentIdx !== idx) throw conflict(`stop ${idx} is not the current stop (current: ${round.currentIdx})`, 'wrong_stop', { n: idx, current: round.currentIdx ?? '' });
    return { round, stop };
  }

  async confirm(user: Actor, roundId: number, idx: number, body: StopConfirm): Promise<Round> {
    const { round, stop } = await this.open(user, roundId, idx);
    const { cameras, clock } = this.d;
    if (stop.preset && (stop.ptzState === null || stop.ptzState === 'waiting' || stop.ptzState === 'moving') && body.outcome !== 'not_verifiable') {
      throw conflict(
        stop.ptzState === 'waiting'
          ? `waiting for camera "${stop.cameraName}": another round is using it`
          : `camera "${stop.cameraName}" is still moving to preset "${stop.preset}"`,
        'ptz_moving',
        { what: stop.ptzState === 'waiting' ? 'waiting' : 'moving', camera: stop.cameraName, preset: stop.preset },
      );
    }
    // a camera that did not get to its preset does not show what the stop is about
    const moved = stop.ptzState !== 'failed';
    const camOk = cameras.name(stop.cameraId) !== undefined && cameras.online(stop.cameraId) && moved;
    let outcome = body.outcome;
    if (!camOk && outcome === 'normal') outcome = 'not_verifiable'; // never "normal" without a picture
    if (camOk && outcome === 'not_verifiable') {
      throw conflict(`camera "${stop.cameraName}" is online: choose normal or anomaly`, 'camera_online', { camera: stop.cameraName });
    }
    if (outcome !== 'not_verifiable') {
      const watched = clock.now() - (stop.viewStartedMs ?? clock.now());
      const need = stop.minDwellS * 1000;
      if (watched < need) {
        throw conflict(`watch this camera ${Math.ceil((need - watched) / 1000)} s more (minimum ${stop.minDwellS} s)`, 'dwell_not_met', { s: Math.ceil((need - watched) / 1000), min: stop.minDwellS });
      }
    }
    if (outcome === 'anomaly' && !body.note?.trim()) throw new AppError(400, 'invalid_request', 'note: describe the anomaly');
    if (body.checks && body.checks.length !== stop.checklist.length) {
      throw new AppError(400, 'invalid_request', `checks: expected ${stop.checklist.length} answers`, {}, { params: { what: 'checks', field: 'checks', n: stop.checklist.length } });
    }
    if (outcome === 'normal' && round.requireChecklist) {
      // the route requires the whole checklist for "normal"; an anomaly (or not verifiable) can always be recorded
      const missing = checklistMissing(stop.checklist, body.checks);
      if (missing.length) {
        throw new AppError(400, CHECKLIST_INCOMPLETE, `checks: tick every checklist item before confirming normal (not ticked: ${missing.map((i) => i + 1).join(', ')})`, {}, { missing, params: { items: missing.map((i) => i + 1).join(', ') } });
      }
    }
    const shot = outcome === 'anomaly' && camOk ? await this.d.snapshots.take(stop.cameraId, `r${roundId}-s${idx}`) : null;
    let note = body.note?.trim() || null;
    if (!moved && outcome === 'not_verifiable') {
      const why = `camera did not move to preset "${stop.preset}": ${stop.ptzError ?? 'unknown error'}`;
      note = note ? `${why} — ${note}` : why;
    }
    return this.finish(user, round.id, idx, { outcome, note, checks: body.checks ?? null, dispatch: Boolean(body.dispatch) && outcome === 'anomaly', shot, shown: { from: body.shownFromMs, to: body.shownToMs } });
  }

  async skip(user: Actor, roundId: number, idx: number, reason: string): Promise<Round> {
    await this.open(user, roundId, idx);
    if (!reason.trim()) throw new AppError(400, 'invalid_request', 'reason: skipping a stop needs a reason');
    return this.finish(user, roundId, idx, { outcome: 'skipped', note: reason.trim(), checks: null, dispatch: false, shot: null });
  }

  private async finish(
    user: Actor,
    roundId: number,
    idx: number,
    r: { outcome: RoundStop['outcome'] & string; note: string | null; checks: boolean[] | null; dispatch: boolean; shot: { file: string; sha256: string } | null; shown?: { from?: number; to?: number } },
  ): Promise<Round> {
    const { rounds, clock, log: duty } = this.d;
    // re-check after the (async) snapshot; the database then lets only one of two requests at once record the stop
    const { round, stop } = await this.open(user, roundId, idx);
    const now = clock.now();
    const started = stop.viewStartedMs ?? now;
    const range = recordedRange(started, now, this.d.liveLatencyMs, r.shown);
    const last = idx === round.stops.length - 1;
    const claimed = await rounds.finishStop(roundId, idx, {
      viewEndedMs: now,
      outcome: r.outcome,
      note: r.note,
      checks: r.checks,
      snapshot: r.shot?.file ?? null,
      recFromMs: r.outcome === 'skipped' ? null : range.from,
      recToMs: r.outcome === 'skipped' ? null : range.to,
      userId: user.id,
      dispatch: r.dispatch,
      logSeq: null,
    }, last ? null : now);
    if (!claimed) {
      // another request recorded this stop first (a double click, two tabs): this one writes nothing
      const again = await this.open(user, roundId, idx); // throws wrong_stop / round_closed, as for any late request
      throw conflict(`stop ${idx} of round ${roundId} was just recorded by another request`, 'wrong_stop', { n: idx, current: again.round.currentIdx ?? '' });
    }
    if (r.outcome === 'anomaly') {
      let logSeq: number;
      try {
        logSeq = (
          await duty.append({
            category: 'anomaly',
            kind: 'round_anomaly',
            text: r.note ?? '',
            cameraId: stop.cameraId,
            author: { id: user.id, name: user.username },
            data: { roundId, stop: idx, route: round.routeName, snapshot: r.shot?.file ?? null, snapshotSha256: r.shot?.sha256 ?? null, dispatch: r.dispatch },
          })
        ).seq;
      } catch (e) {
        await rounds.reopenStop(roundId, idx); // no anomaly without its duty-log entry: the stop is open again
        throw e;
      }
      await rounds.setStopLogSeq(roundId, idx, logSeq);
      if (r.dispatch) {
        await duty.append({
          category: 'dispatch',
          kind: 'dispatch_request',
          text: `dispatch requested: ${r.note ?? ''}`,
          cameraId: stop.cameraId,
          author: { id: user.id, name: user.username },
          refSeq: logSeq,
          data: { roundId, stop: idx, note: r.note ?? '' },
        });
        this.d.alarms.raiseFromPatrol?.({ cameraId: stop.cameraId, text: r.note ?? '', roundId, stop: idx, logSeq });
      }
    }
    this.d.ptz.done(roundId, idx, stop.cameraId);
    if (last) await this.close(roundId, 'completed', null, user);
    else await this.d.ptz.reach(await this.require(roundId), idx + 1);
    return this.require(roundId);
  }

  async abandon(user: Actor, roundId: number, reason: string): Promise<Round> {
    const round = await this.require(roundId);
    if (round.userId !== user.id) throw forbidden(`round ${roundId} belongs to ${round.username}`, { what: 'round', id: roundId, owner: round.username });
    if (round.status !== 'in_progress') throw conflict(`round ${roundId} is ${round.status}`, 'round_closed', { id: roundId, status: round.status });
    if (!reason.trim()) throw new AppError(400, 'invalid_request', 'reason: abandoning a round needs a reason');
    if (!(await this.close(roundId, 'abandoned', reason.trim(), user))) {
      const now = await this.require(roundId);
      throw conflict(`round ${roundId} is ${now.status}`, 'round_closed', { id: roundId, status: now.status });
    }
    return this.require(roundId);
  }

  /**
   * Close the round and seal a summary of every stop in the duty log. The database closes it once (two closes at
   * once: one wins, the other writes nothing and gets false).
   */
  private async close(roundId: number, status: 'completed' | 'abandoned', reason: string | null, user: Actor): Promise<boolean> {
    const now = this.d.clock.now();
    if (!(await this.d.rounds.end(roundId, status, now, reason, null))) return false;
    const round = await this.require(roundId);
    const counts: Record<string, number> = {};
    for (const s of round.stops) counts[s.outcome ?? 'not_done'] = (counts[s.outcome ?? 'not_done'] ?? 0) + 1;
    const summary = Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ');
    let entry: { seq: number };
    try {
      entry = await this.d.log.append({
      category: 'patrol',
      kind: status === 'completed' ? 'round_completed' : 'round_abandoned',
      text: `${round.routeName}: round ${status}${reason ? ` (${reason})` : ''} — ${summary}`,
      author: { id: user.id, name: user.username },
      data: {
        roundId,
        routeId: round.routeId,
        route: round.routeName,
        reason,
        slotMs: round.slotMs,
        startedMs: round.startedMs,
        endedMs: now,
        stops: round.stops.map((s) => ({
          idx: s.idx, cameraId: s.cameraId, ...(s.preset ? { preset: s.preset, arrivedMs: s.arrivedMs, ptzError: s.ptzError } : {}), outcome: s.outcome, viewStartedMs: s.viewStartedMs, viewEndedMs: s.viewEndedMs,
          recFromMs: s.recFromMs, recToMs: s.recToMs, note: s.note, checks: s.checks, logSeq: s.logSeq,
        })),
      },
    });
    } catch (e) {
      await this.d.rounds.reopenRound(roundId); // not closed without its duty-log entry
      throw e;
    }
    await this.d.rounds.setRoundLogSeq(roundId, entry.seq);
    this.d.ptz.closed(roundId);
    log.info(`round ${status}`, { round: roundId, user: user.username, summary });
    return true;
  }
}
