/** Shapes of the API (docs/api.md). */

/** Users and the session's user on the wire: shared/wire/users.ts (GET /api/session answers { user: UserView }). */
export type { Role, UserView as User } from '../../../shared/wire/users';

/** Cameras on the wire: shared/wire/cameras.ts (the server imports the same module). */
export type { CameraStatus, CameraView as Camera, CameraOnvifView as CameraOnvif, CameraTestCode, CameraTestResult } from '../../../shared/wire/cameras';

/** Request bodies: shared/wire/requests/cameras.ts, the schemas the server validates with (types only here). */
import type { CameraCreateBody, CameraPatchBody, CameraTestBody } from '../../../shared/wire/requests/cameras';
export type { CameraCreateBody };
/** POST /api/cameras/test: the form's source fields (cameraId: editing, use its saved credentials). */
export type CameraTestInput = CameraTestBody;
/** What the camera form sends: PATCH /api/cameras/:id's body; when adding, name and url are always set. */
export type CameraInput = CameraPatchBody;
