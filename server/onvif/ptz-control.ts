/**
 * Manual PTZ from the single-camera view (issue K): press-and-hold arrows → ONVIF ContinuousMove, release → Stop,
 * and GotoPreset — with the safety a dome on a mast needs:
 *  - dead-man: the browser repeats a held move every PTZ_REPEAT_MS; when none came for `deadManMs` (the link was
 *    lost, the tab crashed) the server sends Stop itself. A lost link never leaves a dome spinning.
 *  - one driver at a time: a manual gesture holds the camera's patrol PTZ lock (server/patrol/ptz.ts) under the key
 *    `manual:<userId>`, so a patrol round that reaches a preset stop meanwhile waits for the gesture to end; while a
 *    round holds the camera, manual moves (and presets) are refused `409 ptz_patrol` — for every role: turning the
 *    dome away would void the stop the operator is verifying. Another user's gesture: `409 ptz_in_use`.
 *  - camera commands of one camera go out in order (a quick release's Stop never overtakes its ContinuousMove).
 *  - a gesture does not hold a waiting round off for ever: once a round queues for the camera, the gesture may go on
 *    for `yieldToRoundMs` (PTZ_YIELD_TO_ROUND_MS); the next move after that stops the dome, hands it to the round
 *    and is answered `409 ptz_patrol` (the console shows that a round took the camera).
 *  - every gesture start is one audit entry `ptz.move` {pan, tilt, zoom} — not one per repeat or direction change;
 *    a refused role (403) is audited `ptz.denied` by the HTTP layer's auditChanges (server/audit/http.ts).
 */
import { z } from 'zod';
import { conflict } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { PTZ_DEAD_MAN_MS, PTZ_YIELD_TO_ROUND_MS, type PtzMoveAnswer, type PtzVelocity } from '../../shared/wire/ptz.ts';
import { realTimers, type PtzActor, type PtzAudit, type PtzDriver, type PtzLockView, type PtzTimers } from './ptz-types.ts';

const log = createLogger('onvif.ptz');

export type { PtzMoveAnswer, PtzVelocity } from '../../shared/wire/ptz.ts';
export type { PtzActor, PtzAudit, PtzDriver, PtzLockView, PtzMoveAudit, PtzTimers } from './ptz-types.ts';

const axis = z.number({ error: 'must be a number from -1 to 1' }).min(-1, 'must be a number from -1 to 1').max(1, 'must be a number from -1 to 1');

/** POST …/ptz/move: velocities −1..1, each optional (0); at least one not 0 (a stop is POST …/ptz/stop). */
export const ptzMoveSchema = z
  .strictObject({ pan: axis.default(0), tilt: axis.default(0), zoom: axis.default(0) })
  .refine((v) => v.pan !== 0 || v.tilt !== 0 || v.zoom !== 0, { message: 'a move needs pan, tilt or zoom other than 0 (to stop: POST …/ptz/stop)' });

/** POST …/ptz/stop takes no fields. */
export const ptzStopSchema = z.strictObject({});

export interface PtzControlDeps {
  driver: PtzDriver;
  deadManMs?: number;
  /** how long a gesture may go on once a patrol round waits for the camera (default PTZ_YIELD_TO_ROUND_MS) */
  yieldToRoundMs?: number;
  timers?: PtzTimers;
  now?: () => number;
}

interface Gesture {
  userId: number;
  username: string;
  velocity: PtzVelocity;
  timer: unknown;
  startedAt: number;
  /** when a patrol round was first seen waiting for the camera during this gesture */
  roundWaitingSince?: number;
}

const MANUAL = 'manual:';
const same = (a: PtzVelocity, b: PtzVelocity) => a.pan === b.pan && a.tilt === b.tilt && a.zoom === b.zoom;
/** node-onvif writes the numbers as they are: three decimals are plenty for a velocity and keep "1e-7" out */
const tidy = (v: PtzVelocity): PtzVelocity => ({ pan: round3(v.pan), tilt: round3(v.tilt), zoom: round3(v.zoom) });
const round3 = (n: number) => Math.round(n * 1000) / 1000 + 0; // + 0: no "-0"

export class PtzControl {
  private readonly gestures = new Map<string, Gesture>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private locks?: PtzLockView;
  private audit?: (e: PtzAudit) => void;
  readonly deadManMs: number;
  readonly yieldToRoundMs: number;
  private readonly timers: PtzTimers;
  private readonly now: () => number;

  constructor(private readonly d: PtzControlDeps) {
    this.deadManMs = d.deadManMs ?? PTZ_DEAD_MAN_MS;
    this.yieldToRoundMs = d.yieldToRoundMs ?? PTZ_YIELD_TO_ROUND_MS;
    this.timers = d.timers ?? realTimers;
    this.now = d.now ?? Date.now;
  }

  /** Patrol and the audit trail are made after the ONVIF service: they are connected here once they exist. */
  connect(o: { locks?: PtzLockView; audit?: (e: PtzAudit) => void }): void {
    if (o.locks) this.locks = o.locks;
    if (o.audit) this.audit = o.audit;
  }

  /** The camera's commands, one after the other. */
  private run<T>(cameraId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(cameraId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    this.chains.set(cameraId, tail);
    void tail.then(() => {
      if (this.chains.get(cameraId) === tail) this.chains.delete(cameraId);
    });
    return next;
  }

  /** A patrol round (not a manual gesture) holds the camera: refuse. */
  private refuseIfPatrol(cameraId: string): void {
    const holder = this.locks?.holder(cameraId);
    if (holder !== undefined && !holder.startsWith(MANUAL)) {
      const round = holder.split(':')[0];
      throw conflict(`patrol round ${round} is using this camera's PTZ; manual control is possible when its stop is done`, 'ptz_patrol', { round: round ?? '', state: 'driving' });
    }
  }

  private refuseIfOther(cameraId: string, actor: PtzActor): Gesture | undefined {
    const g = this.gestures.get(cameraId);
    if (g && g.userId !== actor.id) throw conflict(`${g.username} is moving this camera`, 'ptz_in_use', { name: g.username });
    return g;
  }

  /** The round waiting for the camera (its lock key), if one is. */
  private waitingRound(cameraId: string): string | undefined {
    return this.locks?.queued(cameraId).find((k) => !k.startsWith(MANUAL));
  }

  /**
   * During a gesture a round queued for the camera: after yieldToRoundMs the gesture ends — Stop first, then the
   * lock goes to the round (so the Stop cannot land after the round's GotoPreset) — and the move is refused.
   */
  private async yieldIfRoundWaited(cameraId: string, g: Gesture): Promise<void> {
    const round = this.waitingRound(cameraId);
    if (round === undefined) {
      g.roundWaitingSince = undefined;
      return;
    }
    const now = this.now();
    g.roundWaitingSince ??= now;
    if (now - g.roundWaitingSince < this.yieldToRoundMs) return;
    if (g.timer !== undefined) this.timers.clear(g.timer);
    g.timer = undefined;
    this.gestures.delete(cameraId); // no new move joins it while Stop is on its way
    log.info('ptz: a patrol round waited too long, manual control ends', { camera: cameraId, user: g.username, waitedMs: now - g.roundWaitingSince });
    await this.sendStop(cameraId).catch(() => undefined);
    this.end(cameraId, g);
    const id = round.split(':')[0] ?? '';
    const seconds = Math.round(this.yieldToRoundMs / 1000);
    throw conflict(`patrol round ${id} waited ${seconds} s for this camera's PTZ and has taken it`, 'ptz_patrol', { round: id, state: 'took', seconds });
  }

  /** The user who is moving the camera now, if anyone. */
  activeUser(cameraId: string): string | null {
    return this.gestures.get(cameraId)?.username ?? null;
  }

  private arm(cameraId: string, g: Gesture): void {
    if (g.timer !== undefined) this.timers.clear(g.timer);
    g.timer = this.timers.set(() => this.expire(cameraId, g), this.deadManMs);
  }

  private expire(cameraId: string, g: Gesture): void {
    if (this.gestures.get(cameraId) !== g) return;
    log.warn('ptz: no move from the console for a while, stopping the camera', { camera: cameraId, user: g.username, afterMs: this.deadManMs });
    this.end(cameraId, g);
    void this.sendStop(cameraId).catch(() => undefined);
  }

  private end(cameraId: string, g: Gesture): void {
    if (g.timer !== undefined) this.timers.clear(g.timer);
    g.timer = undefined;
    if (this.gestures.get(cameraId) === g) this.gestures.delete(cameraId);
    this.locks?.release(cameraId, `${MANUAL}${g.userId}`);
  }

  /** Stop, once more if the first one failed (a dome must not keep turning because one packet was lost). */
  private async sendStop(cameraId: string): Promise<void> {
    try {
      await this.run(cameraId, () => this.d.driver.stop(cameraId));
    } catch (e) {
      log.warn('ptz: Stop failed, retrying once', { camera: cameraId, reason: (e as Error).message });
      try {
        await this.run(cameraId, () => this.d.driver.stop(cameraId));
      } catch (e2) {
        log.error('ptz: the camera did not take Stop', { camera: cameraId, reason: (e2 as Error).message });
        throw e2;
      }
    }
  }

  /**
   * A held move (the browser repeats it while the button is down). A repeat with the same velocities only keeps
   * the gesture alive; new velocities go to the camera at once.
   */
  async move(cameraId: string, actor: PtzActor, velocity: PtzVelocity): Promise<PtzMoveAnswer> {
    this.d.driver.requirePtz(cameraId);
    const v = tidy(velocity);
    let g = this.refuseIfOther(cameraId, actor);
    const started = !g;
    if (!g) {
      this.refuseIfPatrol(cameraId);
      const waiting = this.waitingRound(cameraId);
      // a round queued for the dome gets it next: a new gesture would only keep it waiting
      if (waiting !== undefined) throw conflict(`patrol round ${waiting.split(':')[0]} is waiting for this camera's PTZ`, 'ptz_patrol', { round: waiting.split(':')[0] ?? '', state: 'waiting' });
      if (this.locks && !this.locks.tryAcquire(cameraId, `${MANUAL}${actor.id}`)) {
        this.refuseIfPatrol(cameraId);
        throw conflict('someone else is moving this camera', 'ptz_in_use');
      }
      g = { userId: actor.id, username: actor.username, velocity: v, timer: undefined, startedAt: this.now() };
      this.gestures.set(cameraId, g);
    } else {
      await this.yieldIfRoundWaited(cameraId, g);
    }
    if (!started && same(g.velocity, v)) {
      this.arm(cameraId, g);
      return { stopAfterMs: this.deadManMs, started: false };
    }
    g.velocity = v;
    this.arm(cameraId, g);
    const gesture = g;
    try {
      await this.run(cameraId, () => this.d.driver.continuousMove(cameraId, v, started));
    } catch (e) {
      // the camera refused or is gone: nothing is moving on our account; free the camera
      if (this.gestures.get(cameraId) === gesture) this.end(cameraId, gesture);
      throw e;
    }
    if (started) {
      this.audit?.({ action: 'ptz.move', actor, cameraId, target: cameraId, detail: v });
      log.info('ptz: manual move', { camera: cameraId, user: actor.username, ...v });
    }
    return { stopAfterMs: this.deadManMs, started };
  }

  /** Release of the button: Stop. Anyone who may operate the camera may stop it — except while a round drives it. */
  async stop(cameraId: string, actor: PtzActor): Promise<void> {
    this.d.driver.requirePtz(cameraId);
    const g = this.gestures.get(cameraId);
    if (!g) this.refuseIfPatrol(cameraId);
    if (g) {
      this.end(cameraId, g);
      if (g.userId !== actor.id) log.info('ptz: stopped by another user', { camera: cameraId, mover: g.username, by: actor.username });
    }
    await this.sendStop(cameraId);
  }

  /** A preset from the single view: refused while a round or another user drives the camera; ends one's own gesture. */
  async gotoPreset(cameraId: string, actor: PtzActor, preset: string): Promise<void> {
    this.d.driver.requirePtz(cameraId);
    const g = this.refuseIfOther(cameraId, actor);
    if (g) this.end(cameraId, g);
    else this.refuseIfPatrol(cameraId);
    await this.run(cameraId, () => this.d.driver.gotoPreset(cameraId, preset));
  }

  /** Shutdown: stop every camera someone is moving. */
  async stopAll(): Promise<void> {
    const ids = [...this.gestures.keys()];
    for (const [id, g] of [...this.gestures]) this.end(id, g);
    await Promise.all(ids.map((id) => this.sendStop(id).catch(() => undefined)));
  }
}
