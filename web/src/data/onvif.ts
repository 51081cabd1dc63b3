/** ONVIF discovery, onboarding, PTZ presets and manual PTZ (docs/onvif.md). */
import { api, ApiError } from './api';
import type { Camera } from './types';
import { getLang, hasKey, t } from '../i18n';
import type { DiscoveryResult, PresetView as Preset, ProbeView as ProbeResult } from '../../../shared/wire/onvif';
import { PTZ_REPEAT_MS, type PtzMoveAnswer, type PtzVelocity } from '../../../shared/wire/ptz';
import { errorMessage } from '../i18n/errors';
import type { OnvifOnboardBody, OnvifProbeBody } from '../../../shared/wire/requests/onvif';
/** Discovery, probe and presets on the wire: shared/wire/onvif.ts (the server's server/onvif sends the same types). */
export type { DiscoveredDevice, DiscoveryResult, OnvifProfileView as OnvifProfile, PresetView as Preset, ProbeView as ProbeResult } from '../../../shared/wire/onvif';

/** "Manufacturer Model" without the vendor twice ("AXIS Q6045-E", not "AXIS AXIS Q6045-E"); as the server names cameras. */
export function deviceLabel(d: { manufacturer: string; model: string }): string {
  const maker = d.manufacturer.trim();
  const model = d.model.trim();
  if (!maker || !model) return maker || model;
  return model.toLowerCase().startsWith(maker.toLowerCase()) ? model : `${maker} ${model}`;
}

/** Bodies of POST /api/onvif/probe and /api/onvif/cameras: shared/wire/requests/onvif.ts (types only). */
export type Credentials = OnvifProbeBody;
export type OnboardInput = OnvifOnboardBody;

export const discoverCameras = (): Promise<DiscoveryResult> => api<DiscoveryResult>('POST', '/api/discovery');

export const probeCamera = (input: Credentials): Promise<ProbeResult> => api<ProbeResult>('POST', '/api/onvif/probe', { body: input });

/** The new camera also arrives on the live event stream. */
export const onboardCamera = (input: OnboardInput): Promise<Camera> => api<Camera>('POST', '/api/onvif/cameras', { body: input });

export async function listPresets(cameraId: string): Promise<Preset[]> {
  return (await api<{ presets: Preset[] }>('GET', `/api/onvif/cameras/${encodeURIComponent(cameraId)}/presets`)).presets;
}

export const gotoPreset = (cameraId: string, token: string): Promise<void> =>
  api<void>('POST', `/api/onvif/cameras/${encodeURIComponent(cameraId)}/presets/${encodeURIComponent(token)}/goto`);

/** "±12.3 s" */
export function formatOffset(ms: number | null): string {
  if (ms === null) return t('onboard.clockUnknown');
  const s = ms / 1000;
  return t('unit.seconds', { n: `${s >= 0 ? '+' : '−'}${Math.abs(s).toFixed(Math.abs(s) < 10 ? 1 : 0)}` });
}

/** A translated headline for ONVIF errors, with the server's detail. */
export function onvifError(err: unknown): string | null {
  if (!(err instanceof ApiError) || !err.code.startsWith('onvif_')) return null;
  const key = `error.${err.code}`;
  if (!hasKey(key)) return null;
  // the server's detail is English: zh-CN shows the translated headline only
  return err.code === 'onvif_auth_failed' || getLang() !== 'en' ? t(key) : `${t(key)} (${err.message})`;
}

/** Manual PTZ (POST …/ptz/move and …/ptz/stop): velocities −1..1, see shared/wire/ptz.ts. */
export type { PtzMoveAnswer, PtzVelocity } from '../../../shared/wire/ptz';

const ptzPath = (cameraId: string, what: 'move' | 'stop') => `/api/onvif/cameras/${encodeURIComponent(cameraId)}/ptz/${what}`;

export const ptzMove = (cameraId: string, v: PtzVelocity): Promise<PtzMoveAnswer> => api<PtzMoveAnswer>('POST', ptzPath(cameraId, 'move'), { body: v });

export const ptzStop = (cameraId: string): Promise<void> => api<void>('POST', ptzPath(cameraId, 'stop'), { body: {} });

const still = (v: PtzVelocity) => v.pan === 0 && v.tilt === 0 && v.zoom === 0;
const same = (a: PtzVelocity, b: PtzVelocity) => a.pan === b.pan && a.tilt === b.tilt && a.zoom === b.zoom;

/**
 * A press-and-hold on one camera: `hold(v)` sends the move at once and repeats it every PTZ_REPEAT_MS while held
 * (the server stops the dome PTZ_DEAD_MAN_MS after the last one: a lost link never leaves it turning); a new
 * velocity is sent at once; `release()` sends Stop. A refused move ends the hold and reports the error.
 */
export class PtzHold {
  private current: PtzVelocity | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly cameraId: string,
    private readonly onError: (err: unknown) => void,
    private readonly onMoving: (moving: boolean) => void = () => undefined,
  ) {}

  get moving(): boolean {
    return this.current !== null;
  }

  hold(v: PtzVelocity): void {
    if (still(v)) return this.release();
    if (this.current && same(this.current, v)) return;
    const first = this.current === null;
    this.current = v;
    if (first) this.onMoving(true);
    this.send();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.send(), PTZ_REPEAT_MS);
  }

  private send(): void {
    const v = this.current;
    if (!v) return;
    ptzMove(this.cameraId, v).catch((err: unknown) => {
      if (this.current !== v) return; // released or changed meanwhile
      this.end();
      this.onError(err);
    });
  }

  private end(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.current) {
      this.current = null;
      this.onMoving(false);
    }
  }

  /** Stop (only when this hold moved the camera). */
  release(): void {
    if (!this.current) return;
    this.end();
    ptzStop(this.cameraId).catch(() => undefined); // a failed stop: the server's dead-man stops the dome
  }

  /** The page goes away (tab closed, navigation): a stop that survives the page. */
  releaseOnUnload(): void {
    if (!this.current) return;
    this.end();
    void fetch(ptzPath(this.cameraId, 'stop'), { method: 'POST', keepalive: true, credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
  }
}

/** A translated message for a failed PTZ request (the 409s of a busy or PTZ-less camera, ONVIF failures, the rest). */
export function ptzError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'ptz_in_use') {
      const name = err.params?.name;
      return name !== undefined ? t('ptz.error.inUse', { name }) : t('ptz.error.inUsePlain');
    }
    if (err.code === 'ptz_patrol') {
      if (err.params?.state === 'took') return t('ptz.error.patrolTook', { seconds: err.params.seconds ?? 30 });
      if (err.params?.state === 'waiting') return t('ptz.error.patrolWaiting');
      return t('ptz.error.patrol');
    }
    if (err.code === 'no_ptz') return t('ptz.error.noPtz');
  }
  return onvifError(err) ?? errorMessage(err);
}
