/** Bodies of POST /api/alarms/ack and /api/alarms/:id/{ack,dispatch,resolve} (server/http/routes/alarms.ts). Rules: common.ts. */
import { z } from 'zod';
import { ALARM_OUTCOMES, MAX_BULK_ACK } from '../alarms.ts';
import { note } from './common.ts';

export const ackSchema = z.strictObject({ note });
/** `to`: free text (radio dispatch) or a guard's username (then the guard's phone gets it); `guard`: a guard's username. */
export const dispatchSchema = z
  .strictObject({ to: z.string().trim().min(1, 'to: who is sent must not be empty').max(200).optional(), guard: z.string().trim().min(1).max(100).optional(), note })
  .refine((b) => b.to !== undefined || b.guard !== undefined, { message: 'to: who is sent must not be empty' });
/** Without `outcome` (clients older than issue H point 4) still accepted, stored without one. */
export const resolveSchema = z.strictObject({
  outcome: z.enum(ALARM_OUTCOMES, { error: 'outcome must be genuine, false_alarm or test' }).optional(),
  note,
});
export const bulkAckSchema = z.strictObject({
  ids: z
    .array(z.number().int().positive(), { error: 'ids must be a list of alarm ids' })
    .min(1, 'ids must not be empty')
    .max(MAX_BULK_ACK, `at most ${MAX_BULK_ACK} ids at once`),
  note,
});

export type AlarmAckBody = z.input<typeof ackSchema>;
export type AlarmDispatchBody = z.input<typeof dispatchSchema>;
export type AlarmResolveBody = z.input<typeof resolveSchema>;
export type AlarmBulkAckBody = z.input<typeof bulkAckSchema>;
