/** Bodies of the duty log and handover routes (server/http/routes/dutylog.ts). Rules: common.ts. */
import { z } from 'zod';
import { MANUAL_CATEGORIES } from '../dutylog.ts';

export const entrySchema = z.strictObject({
  category: z.enum(MANUAL_CATEGORIES),
  text: z.string().trim().min(1, 'is required').max(4000),
  cameraId: z.string().max(63).nullable().optional(),
});
export const correctionSchema = z.strictObject({ text: z.string().trim().min(1, 'is required').max(4000) });
export const handoverSchema = z.strictObject({ notes: z.string().max(8000) });
export const handoverAckSchema = z.strictObject({ note: z.string().max(4000).default('') });

export type LogEntryBody = z.input<typeof entrySchema>;
export type LogCorrectionBody = z.input<typeof correctionSchema>;
export type HandoverBody = z.input<typeof handoverSchema>;
export type HandoverAckBody = z.input<typeof handoverAckSchema>;
