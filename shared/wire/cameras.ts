/**
 * Cameras on the wire (GET /api/cameras, the SSE `hello` / `camera` events, POST /api/cameras/test). The server
 * (server/cameras, server/http/routes/cameras.ts) and the console (web/src/data/types.ts) both import this module.
 * Same rule as shared/wire/dispatch.ts: types, constants and pure functions only, no imports of any kind.
 */

/** A camera id: lowercase letters, digits, - and _, at most 63, starting with a letter or digit. */
export const CAMERA_ID_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export type CameraStatus = 'starting' | 'online' | 'offline' | 'disabled';

/** ONVIF facts shown with a camera onboarded over ONVIF (server/onvif). Never holds credentials. */
export interface CameraOnvifView {
  xaddr: string;
  manufacturer: string;
  model: string;
  firmware: string;
  mainProfile: string | null;
  subProfile: string | null;
  ptz: boolean;
  snapshot: boolean;
  /** Device clock minus server clock (ms) when onboarded; null when the device does not tell. */
  clockOffsetMs: number | null;
  /** |clockOffsetMs| is over the warning threshold (5 s). */
  clockWarning: boolean;
}

/** The camera as the API and the console see it: no credentials, ever. */
export interface CameraView {
  id: string;
  name: string;
  enabled: boolean;
  status: CameraStatus;
  /** set when status is offline ('unreachable', 'authentication failed', …), null otherwise */
  statusReason: string | null;
  statusDetail: string | null;
  /** epoch ms of the last status change */
  statusSince: number;
  /** live HLS the wall tiles play (the sub-stream when there is one) */
  hlsUrl: string;
  /** Live HLS of the main stream (single-camera view); equals hlsUrl for a camera without a sub-stream. */
  hlsMainUrl: string;
  url: string;
  subUrl: string | null;
  hasCredentials: boolean;
  /** 'config' cameras (watchpost.yml, demo) are read-only in the console */
  origin: 'config' | 'db';
  /** The node that holds the camera: records it, serves its video (issue J; cluster.nodeId) */
  node: string;
  /** ONVIF facts of a camera onboarded over ONVIF (docs/onvif.md); null otherwise; absent when server/onvif is not mounted. */
  onvif?: CameraOnvifView | null;
  clockOffsetMs?: number | null;
  thumbnailUrl?: string;
}

/** Stable codes of a failed connection test (the console translates them). */
export type CameraTestCode = 'auth_failed' | 'unreachable' | 'timeout' | 'not_video' | 'probe_failed';

/** The answer of POST /api/cameras/test: what the source sends, or why it could not be read. */
export type CameraTestResult =
  | { ok: true; codec: string; width: number | null; height: number | null; fps: number | null; bitrateKbps: number | null }
  | { ok: false; code: CameraTestCode; detail: string };
