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
 *  - every gesture start is one audit entry `ptz.move` {pan, tilt, zoom} — not one per repeat or direction change.
 */
import { z } from 'zod';
import { conflict } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { PTZ_DEAD_MAN_MS, type PtzMoveAnswer, type PtzVelocity } from '../../shared/wire/ptz.ts';

const log = createLogger('onvif.ptz');

export type { PtzMoveAnswer, PtzVelocity } from '../../shared/wire/ptz.ts';

const axis = z.number({ error: 'must be a number from -1 to 1' }).min(-1, 'must be a number from -1 to 1').max(1, 'must be a number from -1 to 1');

/** POST …/ptz/move: velocities −1..1, each optional (0); at least one not 0 (a stop is POST …/ptz/stop). */
export const ptzMoveSchema = z
  .strictObject({ pan: axis.default(0), tilt: axis.default(0), zoom: axis.default(0) })
  .refine((v) => v.pan !== 0 || v.tilt !== 0 || v.zoom !== 0, { message: 'a move needs pan, tilt or zoom other than 0 (to stop: POST …/ptz/stop)' });

/** POST …/ptz/stop takes no fields. */
export const ptzStopSchema = z.strictObject({});

/** What the controller needs of the ONVIF layer (OnvifService). Every call may throw an AppError. */
export interface PtzDriver {
  /** throws 409 no_ptz when the camera has no ONVIF PTZ (404 when it does not exist) */
  requirePtz(cameraId: string): void;
  /** `first`: the first command of a gesture (the driver may re-read the camera's clock then) */
  continuousMove(cameraId: string, v: PtzVelocity, first: boolean): Promise<void>;
  stop(cameraId: string): Promise<void>;
  gotoPreset(cameraId: string, preset: string): Promise<void>;
}

/** The patrol's per-camera PTZ lock (PtzLocks in server/patrol/ptz.ts), as far as manual control uses it. */
export interface PtzLockView {
  tryAcquire(cameraId: string, key: string): boolean;
  holder(cameraId: string): string | undefined;
  release(cameraId: string, key: string): void;
}

export interface PtzActor {
  id: number;
  username: string;
  role?: string | null;
  ip?: string | null;
}

export interface PtzMoveAudit {
  action: 'ptz.move';
  actor: PtzActor;
  cameraId: string;
  target: string;
  detail: { pan: number; tilt: number; zoom: number };
}

export interface PtzTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: PtzTimers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface PtzControlDeps {
  driver: PtzDriver;
  deadManMs?: number;
  timers?: PtzTimers;
}

interface Gesture {
  userId: number;
  username: string;
  velocity: PtzVelocity;
  timer: unknown;
  startedAt: number;
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
  private audit?: (e: PtzMoveAudit) => void;
  readonly deadManMs: number;
  private readonly timers: PtzTimers;

  constructor(private readonly d: PtzControlDeps) {
    this.deadManMs = d.deadManMs ?? PTZ_DEAD_MAN_MS;
    this.timers = d.timers ?? realTimers;
  }

  /** Patrol and the audit trail are made after the ONVIF service: they are connected here once they exist. */
  connect(o: { locks?: PtzLockView; audit?: (e: PtzMoveAudit) => void }): void {
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
      throw conflict(`patrol round ${round} is using this camera's PTZ; manual control is possible when its stop is done`, 'ptz_patrol');
    }
  }

  private refuseIfOther(cameraId: string, actor: PtzActor): Gesture | undefined {
    const g = this.gestures.get(cameraId);
    if (g && g.userId !== actor.id) throw conflict(`${g.username} is moving this camera`, 'ptz_in_use');
    return g;
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
      if (this.locks && !this.locks.tryAcquire(cameraId, `${MANUAL}${actor.id}`)) {
        this.refuseIfPatrol(cameraId);
        throw conflict('someone else is moving this camera', 'ptz_in_use');
      }
      g = { userId: actor.id, username: actor.username, velocity: v, timer: undefined, startedAt: Date.now() };
      this.gestures.set(cameraId, g);
    } else if (same(g.velocity, v)) {
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
