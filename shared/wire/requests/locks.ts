/** Bodies of POST /api/locks and DELETE /api/locks/:id (server/http/routes/locks.ts). Rules: common.ts. */
import { z } from 'zod';
import { time } from './common.ts';

export const createSchema = z.strictObject({
  camera: z.string().min(1).max(64),
  from: time,
  to: time,
  reason: z.string().trim().min(3, 'say why this footage must be kept (at least 3 characters)').max(500),
  caseRef: z.string().trim().max(100).nullable().optional(),
});
export const releaseSchema = z.strictObject({
  reason: z.string().trim().min(3, 'say why the lock is released (at least 3 characters)').max(500),
});

export type LockCreateBody = z.input<typeof createSchema>;
export type LockReleaseBody = z.input<typeof releaseSchema>;
