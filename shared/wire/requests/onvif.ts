/**
 * Bodies of POST /api/onvif/probe and POST /api/onvif/cameras (server/http/routes/onvif.ts). The PTZ bodies stay in
 * server/onvif/ptz-control.ts (the route file checks at compile time that they are shared/wire/ptz.ts's types).
 * Rules: common.ts.
 */
import { z } from 'zod';
import { cameraId } from './common.ts';

const xaddr = z.string().trim().min(1, 'is required').max(500).superRefine((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a valid URL (e.g. http://192.168.1.64/onvif/device_service)' });
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
  else if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'put the credentials in username and password, not in the URL' });
});
const token = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'not a valid profile token');

export const probeSchema = z.strictObject({
  xaddr,
  username: z.string().max(128).default(''),
  password: z.string().max(128).default(''),
  mainProfile: token.optional(),
  subProfile: token.nullable().optional(),
  urn: z.string().max(200).optional(),
});
export const onboardSchema = probeSchema.extend({
  name: z.string().trim().max(100).optional(),
  id: cameraId.optional(),
  enabled: z.boolean().optional(),
});

export type OnvifProbeBody = z.input<typeof probeSchema>;
export type OnvifOnboardBody = z.input<typeof onboardSchema>;
