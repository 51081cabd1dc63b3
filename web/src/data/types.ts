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
export interface CameraInput {
  id?: string;
  name?: string;
  url?: string;
  subUrl?: string | null;
  username?: string;
  password?: string;
  enabled?: boolean;
}
