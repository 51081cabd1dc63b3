/** Bodies of POST /api/cameras, PATCH /api/cameras/:id and POST /api/cameras/test (server/http/routes/cameras.ts). Rules: common.ts. */
import { z } from 'zod';
import { cameraId } from './common.ts';

/** rtsp(s)://host[:port]/path — credentials inside the URL are moved to username/password (by the route). */
const rtspUrl = z.string().trim().max(2000).superRefine((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a valid URL: "${s.replace(/\/\/[^@/]*@/, '//***@')}"` });
    return;
  }
  if (u.protocol !== 'rtsp:' && u.protocol !== 'rtsps:') {
    ctx.addIssue({ code: 'custom', message: `must be an rtsp:// or rtsps:// URL (got ${u.protocol.replace(':', '')})` });
  } else if (!u.hostname) {
    ctx.addIssue({ code: 'custom', message: 'has no host' });
  }
});

export const createSchema = z.strictObject({
  id: cameraId.optional(),
  name: z.string().trim().min(1, 'is required').max(100),
  url: rtspUrl,
  subUrl: rtspUrl.nullable().optional(),
  username: z.string().max(128).optional(),
  password: z.string().max(128).optional(),
  enabled: z.boolean().optional(),
});
/** `password: ""` clears it. */
export const patchSchema = createSchema.omit({ id: true }).partial();

/**
 * POST /api/cameras/test: the source fields of the camera form (other form fields are accepted and ignored).
 * A probe, not a change: nothing is stored, nothing is audited as a camera change (server/audit/http.ts).
 */
export const testSchema = z.object({
  url: rtspUrl,
  username: z.string().max(128).optional(),
  password: z.string().max(128).optional(),
  /** editing a camera: its saved credentials are used when none are sent, and only towards the same host:port */
  cameraId: cameraId.optional(),
});

export type CameraCreateBody = z.input<typeof createSchema>;
export type CameraPatchBody = z.input<typeof patchSchema>;
export type CameraTestBody = z.input<typeof testSchema>;
