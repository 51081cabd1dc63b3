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

/** Cameras on the wire: shared/wire/cameras.ts (the server imports the same module). */
export type { CameraStatus, CameraView as Camera, CameraOnvifView as CameraOnvif, CameraTestCode, CameraTestResult } from '../../../shared/wire/cameras';

/** POST /api/cameras/test: the form's source fields (cameraId: editing, use its saved credentials). */
export interface CameraTestInput {
  url: string;
  username?: string;
  password?: string;
  cameraId?: string;
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
