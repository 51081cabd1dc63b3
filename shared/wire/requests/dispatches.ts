/** Body of POST /api/dispatches/:id/step (server/http/routes/dispatches.ts); the photo route takes a raw image. Rules: common.ts. */
import { z } from 'zod';
import { DISPATCH_STEPS } from '../dispatch.ts';
import { note } from './common.ts';

export const stepSchema = z.strictObject({
  step: z.enum(DISPATCH_STEPS, { error: 'step must be on_way, arrived or handled' }),
  note,
});

export type DispatchStepBody = z.input<typeof stepSchema>;
