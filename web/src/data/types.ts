/** Shapes of the API (docs/api.md). */

/** Users and the session's user on the wire: shared/wire/users.ts (GET /api/session answers { user: UserView }). */
export type { Role, UserView as User } from '../../../shared/wire/users';

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
