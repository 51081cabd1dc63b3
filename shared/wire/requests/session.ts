/** Bodies of POST /api/session and POST /api/session/password (server/http/routes/session.ts). Rules: common.ts. */
import { z } from 'zod';

export const loginSchema = z.strictObject({
  username: z.string().min(1, 'is required').max(100),
  password: z.string().min(1, 'is required').max(500),
});
export const changeSchema = z.strictObject({ current: z.string().min(1, 'is required').max(500), password: z.string().max(500) });

export type LoginBody = z.input<typeof loginSchema>;
export type PasswordChangeBody = z.input<typeof changeSchema>;
