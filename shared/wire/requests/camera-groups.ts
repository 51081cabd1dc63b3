/** Bodies of POST/PATCH /api/camera-groups (server/http/routes/camera-groups.ts). Rules: common.ts. */
import { z } from 'zod';

const name = z.string().trim().min(1, 'is required').max(100);
const cameras = z.array(z.string().max(63)).max(1000);
export const createSchema = z.strictObject({ name, cameras: cameras.default([]) });
export const patchSchema = z.strictObject({ name: name.optional(), cameras: cameras.optional() });

export type CameraGroupCreateBody = z.input<typeof createSchema>;
export type CameraGroupPatchBody = z.input<typeof patchSchema>;
