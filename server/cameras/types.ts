/** Camera domain types shared by config, store, media and http. */

import type { CameraStatus } from '../../shared/wire/cameras.ts';
export type { CameraStatus, CameraOnvifView } from '../../shared/wire/cameras.ts';
export type OfflineReason = 'unreachable' | 'authentication failed' | 'no video' | 'stalled' | 'error';

/** A camera source: an RTSP URL or a local file looped in real time (demo). */
export interface CameraSource {
  /** rtsp://host:port/path (no credentials inside) or file path */
  url: string;
  username?: string;
  password?: string;
  /** Optional lower-resolution stream for wall tiles (same credentials). */
  subUrl?: string;
}

export interface CameraConfig {
  id: string;
  name: string;
  enabled: boolean;
  source: CameraSource;
  /** 'config' cameras come from watchpost.yml and are read-only in the console. */
  origin: 'config' | 'db';
  /** Per-camera retention override (days). */
  retentionDays?: number;
}

export interface CameraState {
  status: CameraStatus;
  /** Set when status is offline. */
  reason?: OfflineReason;
  /** Human-readable detail (ffmpeg's message, redacted). */
  detail?: string;
  since: number; // epoch ms of the last transition
}

export { CAMERA_ID_RE } from '../../shared/wire/cameras.ts';

/** Is this source a local file (demo) rather than a network stream? */
export function isFileSource(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || url.startsWith('file://');
}

/** URL with credentials spliced in, for ffmpeg only. Never log or return it. */
export function urlWithCredentials(url: string, username?: string, password?: string): string {
  if (!username || isFileSource(url)) return url;
  const u = new URL(url);
  u.username = encodeURIComponent(username);
  u.password = encodeURIComponent(password ?? '');
  return u.toString();
}

/** URL without any credentials, safe to log and return. */
export function stripCredentials(url: string): string {
  if (isFileSource(url)) return url;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1');
  }
}
