/**
 * Doing a round: start it for the route's current slot, view each stop for at least its minimum dwell
 * (enforced here, not only in the console), record the outcome, and close the round. Every anomaly and
 * every finished round becomes a duty-log entry.
 */
import type { DutyLog } from '../dutylog/log.ts';
import { AppError, conflict, forbidden, notFound } from '../util/errors.ts';
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

export interface StopConfirm {
  outcome: 'normal' | 'anomaly' | 'not_verifiable';
  note?: string;
  checks?: boolean[];
  /** Ask for an alarm / dispatch for an anomaly. */
  dispatch?: boolean;
  /**
   * The video's own clock (EXT-X-PROGRAM-DATE-TIME, epoch ms) of the first and the last frame the console
   * showed during this stop (issue I point 3): the recorded range the spot-check replays. Without them, or
   * when they are not plausible, the range is the viewing time minus `liveLatencyMs`.
   */
  shownFromMs?: number;
  shownToMs?: number;
}

/** how far behind the viewing time a shown frame may be (a picture older than this was not "live") */
const SHOWN_MAX_BEHIND_MS = 30_000;
/** clocks of server and camera/ffmpeg may differ a little */
const SHOWN_MAX_AHEAD_MS = 2_000;

/** The recorded range of a stop: the shown frames' own times when given and plausible, else the viewing time − lag. */
export function recordedRange(viewFrom: number, viewTo: number, lagMs: number, shown?: { from?: number; to?: number }): { from: number; to: number; source: 'video' | 'lag' } {
  const f = shown?.from;
  const t = shown?.to;
  if (f !== undefined && t !== undefined && Number.isFinite(f) && Number.isFinite(t) && f <= t && f >= viewFrom - SHOWN_MAX_BEHIND_MS && t <= viewTo + SHOWN_MAX_AHEAD_MS && t >= viewFrom - SHOWN_MAX_BEHIND_MS) {
    return { from: f, to: t, source: 'video' };
  }
  return { from: viewFrom - lagMs, to: viewTo - lagMs, source: 'lag' };
}

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

export class RoundService {
  /** per round, the step being recorded: its duty-log entry is awaited, so the next step waits for it */
  private readonly busy = new Map<number, Promise<unknown>>();

  constructor(private readonly d: RoundsDeps) {}

  /** One recorded step of a round at a time (a double click waits, then finds the stop done). */
  private serial<T>(roundId: number, fn: () => Promise<T>): Promise<T> {
    const prev = this.busy.get(roundId) ?? Promise.resolve();
    const p = prev.then(fn, fn);
    const done = p.catch(() => undefined);
    this.busy.set(roundId, done);
    void done.then(() => {
      if (this.busy.get(roundId) === done) this.busy.delete(roundId);
    });
    return p;
  }

  require(id: number): Round {
    const r = this.d.rounds.get(id);
    if (!r) throw notFound(`no round ${id}`, { what: 'round', id });
    return r;
  }

  current(user: Actor): Round | undefined {
    return this.d.rounds.inProgressOf(user.id);
  }

  start(user: Actor, routeId: number): Round {
    const { routes, rounds, clock, cameras, alarms } = this.d;
    const route = routes.get(routeId);
    if (!route || !route.enabled) throw notFound(`no active route ${routeId}`, { what: 'active_route', id: routeId });
    const mine = rounds.inProgressOf(user.id);
    if (mine) {
      if (mine.routeId === routeId) return mine;
      throw conflict(`finish or abandon your round ${mine.id} (${mine.routeName}) first`, 'round_in_progress', { id: mine.id, route: mine.routeName });
    }
    const now = clock.now();
    const slot = currentSlot(route, now);
    if (slot === undefined) throw conflict(`route "${route.name}" is not due now (outside its active hours)`, 'not_due', { route: route.name });
    const existing = rounds.bySlot(routeId, slot);
    if (existing) {
      throw conflict(`this round was already ${existing.status === 'in_progress' ? 'started' : 'done'} by ${existing.username}`, 'round_exists', { what: existing.status === 'in_progress' ? 'started' : 'done', by: existing.username });
    }
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
    const id = rounds.create({ routeId, routeName: route.name, slotMs: slot, userId: user.id, username: user.username, startedMs: now, requireChecklist: route.requireChecklist }, stops);
    log.info('round started', { round: id, route: routeId, user: user.username, slot: new Date(slot).toISOString() });
    this.d.ptz.reach(this.require(id), 0);
    return this.require(id);
  }

  /** The round, its stop, checked to be the caller's current stop. */
  private open(user: Actor, roundId: number, idx: number): { round: Round; stop: RoundStop } {
    const round = this.require(roundId);
    if (round.userId !== user.id) throw forbidden(`round ${roundId} belongs to ${round.username}`, { what: 'round', id: roundId, owner: round.username });
    if (round.status !== 'in_progress') throw conflict(`round ${roundId} is ${round.status}`, 'round_closed', { id: roundId, status: round.status });
    const stop = round.stops[idx];
    if (!stop) throw notFound(`round ${roundId} has no stop ${idx}`, { what: 'round_stop', id: roundId, n: idx });
    if (round.currentIdx !== idx) throw conflict(`stop ${idx} is not the current stop (current: ${round.currentIdx})`, 'wrong_stop', { n: idx, current: round.currentIdx ?? '' });
    return { round, stop };
  }

  async confirm(user: Actor, roundId: number, idx: number, body: StopConfirm): Promise<Round> {
    const { round, stop } = this.open(user, roundId, idx);
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
    this.open(user, roundId, idx);
    if (!reason.trim()) throw new AppError(400, 'invalid_request', 'reason: skipping a stop needs a reason');
    return this.finish(user, roundId, idx, { outcome: 'skipped', note: reason.trim(), checks: null, dispatch: false, shot: null });
  }

  private finish(...a: Parameters<RoundService['finishNow']>): Promise<Round> {
    return this.serial(a[1], () => this.finishNow(...a));
  }

  private async finishNow(
    user: Actor,
    roundId: number,
    idx: number,
    r: { outcome: RoundStop['outcome'] & string; note: string | null; checks: boolean[] | null; dispatch: boolean; shot: { file: string; sha256: string } | null; shown?: { from?: number; to?: number } },
  ): Promise<Round> {
    const { rounds, clock, log: duty } = this.d;
    // re-check after the (async) snapshot: a double click must not record a stop twice
    const { round, stop } = this.open(user, roundId, idx);
    const now = clock.now();
    const started = stop.viewStartedMs ?? now;
    const range = recordedRange(started, now, this.d.liveLatencyMs, r.shown);
    let logSeq: number | null = null;
    if (r.outcome === 'anomaly') {
      logSeq = (await duty.append({
        category: 'anomaly',
        kind: 'round_anomaly',
        text: r.note ?? '',
        cameraId: stop.cameraId,
        author: { id: user.id, name: user.username },
        data: { roundId, stop: idx, route: round.routeName, snapshot: r.shot?.file ?? null, snapshotSha256: r.shot?.sha256 ?? null, dispatch: r.dispatch },
      })).seq;
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
    const last = idx === round.stops.length - 1;
    rounds.finishStop(roundId, idx, {
      viewEndedMs: now,
      outcome: r.outcome,
      note: r.note,
      checks: r.checks,
      snapshot: r.shot?.file ?? null,
      recFromMs: r.outcome === 'skipped' ? null : range.from,
      recToMs: r.outcome === 'skipped' ? null : range.to,
      userId: user.id,
      dispatch: r.dispatch,
      logSeq,
    }, last ? null : now);
    this.d.ptz.done(roundId, idx, stop.cameraId);
    if (last) await this.close(roundId, 'completed', null, user);
    else this.d.ptz.reach(this.require(roundId), idx + 1);
    return this.require(roundId);
  }

  abandon(user: Actor, roundId: number, reason: string): Promise<Round> {
    return this.serial(roundId, () => this.abandonNow(user, roundId, reason));
  }

  private async abandonNow(user: Actor, roundId: number, reason: string): Promise<Round> {
    const round = this.require(roundId);
    if (round.userId !== user.id) throw forbidden(`round ${roundId} belongs to ${round.username}`, { what: 'round', id: roundId, owner: round.username });
    if (round.status !== 'in_progress') throw conflict(`round ${roundId} is ${round.status}`, 'round_closed', { id: roundId, status: round.status });
    if (!reason.trim()) throw new AppError(400, 'invalid_request', 'reason: abandoning a round needs a reason');
    await this.close(roundId, 'abandoned', reason.trim(), user);
    return this.require(roundId);
  }

  /** Close the round and seal a summary of every stop in the duty log. */
  private async close(roundId: number, status: 'completed' | 'abandoned', reason: string | null, user: Actor): Promise<void> {
    const round = this.require(roundId);
    const now = this.d.clock.now();
    const counts: Record<string, number> = {};
    for (const s of round.stops) counts[s.outcome ?? 'not_done'] = (counts[s.outcome ?? 'not_done'] ?? 0) + 1;
    const summary = Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ');
    const entry = await this.d.log.append({
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
    this.d.rounds.end(roundId, status, now, reason, entry.seq);
    this.d.ptz.closed(roundId);
    log.info(`round ${status}`, { round: roundId, user: user.username, summary });
  }
}
