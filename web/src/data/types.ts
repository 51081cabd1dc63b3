/** Shapes of the API (docs/api.md). */

import type { Role } from '../../../shared/wire/users';
export type { Role } from '../../../shared/wire/users';

export interface User {
  id: string | number;
  username: string;
  role: Role;
  displayName?: string | null;
  /** must choose a new password before anything else (after an admin reset) */
  mustChangePassword?: boolean;
  /** cameras listed for the user; null = all (with no groups) */
  cameras?: string[] | null;
  groups?: number[];
}

export type CameraStatus = 'starting' | 'online' | 'offline' | 'disabled';

export interface Camera {
  id: string;
  name: string;
  enabled: boolean;
  status: CameraStatus;
  statusReason: string | null;
  statusDetail: string | null;
  statusSince: number;
  hlsUrl: string;
  /** Main stream for the single-camera view (tiles play hlsUrl, the sub-stream when there is one). */
  hlsMainUrl?: string;
  url: string;
  subUrl: string | null;
  hasCredentials: boolean;
  origin: 'config' | 'db' | 'demo';
  /** the node that holds the camera (issue J: cluster.nodeId) */
  node: string;
  /** ONVIF facts of a camera onboarded over ONVIF (docs/onvif.md); null otherwise. */
  onvif?: CameraOnvif | null;
  clockOffsetMs?: number | null;
  thumbnailUrl?: string;
}

export interface CameraOnvif {
  xaddr: string;
  manufacturer: string;
  model: string;
  firmware: string;
  mainProfile: string | null;
  subProfile: string | null;
  ptz: boolean;
  snapshot: boolean;
  clockOffsetMs: number | null;
  clockWarning: boolean;
}

/** Body of POST /api/cameras and PATCH /api/cameras/:id. */
/** POST /api/cameras/test: the form's source fields (cameraId: editing, use its saved credentials). */
export interface CameraTestInput {
  url: string;
  username?: string;
  password?: string;
  cameraId?: string;
}

/** Stable codes of a failed connection test (server/http/routes/cameras.ts). */
export type CameraTestCode = 'auth_failed' | 'unreachable' | 'timeout' | 'not_video' | 'probe_failed';

/** The answer of POST /api/cameras/test: what the source sends, or why it could not be read. */
export type CameraTestResult =
  | { ok: true; codec: string; width: number | null; height: number | null; fps: number | null; bitrateKbps: number | null }
  | { ok: false; code: CameraTestCode; detail: string };

export interface CameraInput {
  id?: string;
  name?: string;
  url?: string;
  subUrl?: string | null;
  username?: string;
  password?: string;
  enabled?: boolean;
}
