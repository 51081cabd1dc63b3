/** ONVIF discovery, onboarding and PTZ presets (docs/onvif.md). */
import { api, ApiError } from './api';
import type { Camera } from './types';
import { getLang, hasKey, t } from '../i18n';
import type { DiscoveryResult, PresetView as Preset, ProbeView as ProbeResult } from '../../../shared/wire/onvif';
/** Discovery, probe and presets on the wire: shared/wire/onvif.ts (the server's server/onvif sends the same types). */
export type { DiscoveredDevice, DiscoveryResult, OnvifProfileView as OnvifProfile, PresetView as Preset, ProbeView as ProbeResult } from '../../../shared/wire/onvif';

/** "Manufacturer Model" without the vendor twice ("AXIS Q6045-E", not "AXIS AXIS Q6045-E"); as the server names cameras. */
export function deviceLabel(d: { manufacturer: string; model: string }): string {
  const maker = d.manufacturer.trim();
  const model = d.model.trim();
  if (!maker || !model) return maker || model;
  return model.toLowerCase().startsWith(maker.toLowerCase()) ? model : `${maker} ${model}`;
}

export interface Credentials {
  xaddr: string;
  username: string;
  password: string;
  urn?: string;
}

export interface OnboardInput extends Credentials {
  name?: string;
  mainProfile?: string;
  subProfile?: string | null;
}

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
