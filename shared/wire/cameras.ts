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
  /** the source (credentials stripped); null for another node's camera (its source stays on that node) */
  url: string | null;
  subUrl: string | null;
  hasCredentials: boolean;
  /** 'config' cameras (watchpost.yml, demo) are read-only in the console; 'remote': another node's (issue J), read-only here */
  origin: 'config' | 'db' | 'remote';
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

/** A camera state as another node publishes it on MQTT (NodeCameraView of shared/wire/nodes.ts, structurally). */
export interface PublishedCameraState {
  id: string;
  name: string;
  status: string;
  reason: string | null;
  since: number | null;
}

const STATUSES: readonly string[] = ['starting', 'online', 'offline', 'disabled'];

/**
 * Another node's camera in this node's camera list (issue J, docs/cluster.md "Cameras of other nodes"): its name and
 * state as `node` published them; its live video through this node's /hls (the proxy forwards it to the holder);
 * no source, credentials, ONVIF facts or thumbnail (they stay on the node that holds it).
 */
export function remoteCameraView(node: string, c: PublishedCameraState): CameraView {
  const status = (STATUSES.includes(c.status) ? c.status : 'offline') as CameraStatus;
  const hls = `/hls/${encodeURIComponent(c.id)}/index.m3u8`;
  return {
    id: c.id,
    name: c.name,
    enabled: status !== 'disabled',
    status,
    statusReason: status === 'offline' ? (c.reason ?? 'error') : null,
    statusDetail: null,
    statusSince: c.since ?? 0,
    hlsUrl: hls,
    hlsMainUrl: hls,
    url: null,
    subUrl: null,
    hasCredentials: false,
    origin: 'remote',
    node,
    onvif: null,
    clockOffsetMs: null,
  };
}
