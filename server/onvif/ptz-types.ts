/**
 * The types manual PTZ (ptz-control.ts) works with: the ONVIF driver, the patrol lock, the actor, audit entries,
 * and timers (replaced by a manual clock in tests).
 */
import type { PtzVelocity } from '../../shared/wire/ptz.ts';

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
  /** keys waiting for the camera, in order */
  queued(cameraId: string): string[];
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

export type PtzAudit = PtzMoveAudit;

export interface PtzTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: PtzTimers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};
