/** Bodies of the patrol routes (server/http/routes/patrol.ts). Rules: common.ts. */
import { z } from 'zod';
import { HHMM_RE } from '../patrol.ts';

const hhmm = z.string().regex(HHMM_RE, 'must be HH:MM (24 h)');
export const routeSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100),
  post: z.string().trim().max(100).default(''),
  intervalMin: z.number().int().min(1).max(1440),
  activeFrom: hhmm.default('00:00'),
  activeTo: hhmm.default('00:00'),
  graceMin: z.number().int().min(0).max(1440).default(10),
  enabled: z.boolean().default(true),
  /** a stop is confirmed "normal" only with every checklist item ticked (400 checklist_incomplete otherwise) */
  requireChecklist: z.boolean().default(false),
  stops: z
    .array(
      z.strictObject({
        cameraId: z.string().min(1, 'is required'),
        // an ONVIF PTZ preset token (GET /api/onvif/cameras/:id/presets): the round moves the camera there first
        preset: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'not a valid PTZ preset token').nullable().default(null),
        minDwellS: z.number().int().min(1).max(3600).default(10),
        checklist: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
      }),
    )
    .min(1, 'a route needs at least one stop')
    .max(64),
});
export const startSchema = z.strictObject({ routeId: z.number().int().positive() });
export const confirmSchema = z.strictObject({
  outcome: z.enum(['normal', 'anomaly', 'not_verifiable']),
  note: z.string().max(2000).optional(),
  checks: z.array(z.boolean()).max(20).optional(),
  dispatch: z.boolean().optional(),
  /** the video's own time (epoch ms, PROGRAM-DATE-TIME) of the first and last frame shown at this stop */
  shownFromMs: z.number().int().min(0).optional(),
  shownToMs: z.number().int().min(0).optional(),
});
export const reasonSchema = z.strictObject({ reason: z.string().max(2000) });
export const spotSchema = z.strictObject({ verdict: z.enum(['agree', 'disagree']), note: z.string().max(2000).default('') });

export type RouteBody = z.input<typeof routeSchema>;
export type RouteStopBody = RouteBody['stops'][number];
export type RoundStartBody = z.input<typeof startSchema>;
export type StopConfirmBody = z.input<typeof confirmSchema>;
export type ReasonBody = z.input<typeof reasonSchema>;
export type SpotCheckBody = z.input<typeof spotSchema>;
