/**
 * Manual PTZ from the single-camera view on the wire: POST /api/onvif/cameras/:id/ptz/move and …/ptz/stop.
 * The server (server/onvif/ptz-control.ts) and the console (web/src/data/onvif.ts) both import this module.
 * Same rule as shared/wire/onvif.ts: types, constants and pure functions only, no imports.
 */

/** ONVIF ContinuousMove velocities in the generic velocity space: each −1..1, 0 = that axis does not move. */
export interface PtzVelocity {
  /** + = right */
  pan: number;
  /** + = up */
  tilt: number;
  /** + = zoom in (tele) */
  zoom: number;
}

/** The answer to a move: keep sending the same move at least this often while the button is held. */
export interface PtzMoveAnswer {
  /** the server sends Stop when no move came for this long (the dead-man timeout) */
  stopAfterMs: number;
  /** true when this move started a new gesture (audited as `ptz.move`), false for a repeat or a change of direction */
  started: boolean;
}

/** The browser repeats a held move this often; the server's dead-man timeout is three times that. */
export const PTZ_REPEAT_MS = 500;
export const PTZ_DEAD_MAN_MS = 1500;
/** Once a patrol round waits for a dome, a manual gesture may go on this long before the round takes it. */
export const PTZ_YIELD_TO_ROUND_MS = 30_000;

/** Error codes of the manual PTZ routes (409): a patrol round drives the camera, another user is moving it. */
export const PTZ_ERROR_CODES = ['no_ptz', 'ptz_patrol', 'ptz_in_use'] as const;
