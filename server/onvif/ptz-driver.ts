/**
 * The ONVIF side of manual PTZ (ptz-control.ts): ContinuousMove, Stop and GotoPreset over the camera's PTZ service,
 * each bounded by the request timeout, failures as the API's onvif_* errors.
 */
import type { OnvifClient } from './client.ts';
import { toAppError } from './errors.ts';
import type { PtzDriver, PtzVelocity } from './ptz-control.ts';
import { withDeadline } from './soap-guard.ts';

export interface PtzTarget {
  client: OnvifClient;
  ptzXaddr: string;
  profile: string;
}

export function onvifPtzDriver(o: {
  /** throws 409 no_ptz / 404 */
  target: (cameraId: string) => PtzTarget;
  gotoPreset: (cameraId: string, preset: string) => Promise<void>;
  requestTimeoutMs: () => number;
}): PtzDriver {
  const send = async (cameraId: string, fn: (t: PtzTarget) => Promise<void>, readClock = false): Promise<void> => {
    const t = o.target(cameraId);
    try {
      await withDeadline(o.requestTimeoutMs() * (readClock ? 2 : 1), async () => {
        if (readClock) await t.client.readClock().catch(() => null); // the clock may have drifted since onboarding
        await fn(t);
      });
    } catch (e) {
      throw toAppError(e);
    }
  };
  return {
    requirePtz: (cameraId) => void o.target(cameraId),
    continuousMove: (cameraId, v: PtzVelocity, first) => send(cameraId, (t) => t.client.ptz(t.ptzXaddr).continuousMove(t.profile, v), first),
    stop: (cameraId) => send(cameraId, (t) => t.client.ptz(t.ptzXaddr).stop(t.profile)),
    gotoPreset: (cameraId, preset) => o.gotoPreset(cameraId, preset),
  };
}
