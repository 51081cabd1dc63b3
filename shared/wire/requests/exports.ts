/** Body of POST /api/exports (server/http/routes/exports.ts). Rules: common.ts. */
import { z } from 'zod';
import { time } from './common.ts';

export const createSchema = z.strictObject({
  cameras: z.array(z.string().min(1).max(64)).min(1, 'pick at least one camera').max(16),
  from: time,
  to: time,
  reason: z.string().trim().min(3, 'say why this footage is exported (at least 3 characters)').max(500),
  caseRef: z.string().trim().max(100).nullable().optional(),
});

export type ExportCreateBody = z.input<typeof createSchema>;
