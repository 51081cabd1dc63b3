/** Shapes of the API (docs/api.md). */

export type Role = 'operator' | 'supervisor' | 'investigator' | 'admin';

export interface User {
  id: string | number;
  username: string;
  role: Role;
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
  url: string;
  subUrl: string | null;
  hasCredentials: boolean;
  origin: 'config' | 'db' | 'demo';
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
