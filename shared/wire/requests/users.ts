/** Bodies of POST/PATCH /api/users and POST /api/users/:id/password (server/http/routes/users.ts). Rules: common.ts. */
import { z } from 'zod';
import { ROLES } from '../users.ts';

const displayName = z.string().trim().max(100).nullable().optional();
/** null: every camera (no per-camera rights) */
const cameras = z.array(z.string().max(63)).max(1000).nullable().optional();
const groups = z.array(z.number().int().positive()).max(200).optional();

export const createSchema = z.strictObject({
  username: z.string().trim().min(1, 'is required').max(64).regex(/^[^\s:]+$/, 'no spaces or colons'),
  password: z.string().max(500),
  role: z.enum(ROLES),
  displayName,
  cameras,
  groups,
});
export const patchSchema = z.strictObject({
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  displayName,
  cameras,
  groups,
});
export const resetSchema = z.strictObject({ password: z.string().max(500) });

export type UserCreateBody = z.input<typeof createSchema>;
export type UserPatchBody = z.input<typeof patchSchema>;
export type PasswordResetBody = z.input<typeof resetSchema>;
