/** Bodies of POST /api/wall-views and PUT /api/wall-views/:id (server/wallviews/routes.ts). Rules: common.ts. */
import { z } from 'zod';

/** The wall layouts a view may have (tiles on the grid). */
export const VIEW_LAYOUTS = [1, 4, 6, 8, 9, 16, 25] as const;

const tiles = z
  .array(z.string().min(1).max(63).nullable())
  .min(1, 'at least one tile')
  .max(400, 'at most 400 tiles');
const fields = {
  name: z.string().trim().min(1, 'is required').max(50, 'at most 50 characters'),
  display: z.string().trim().max(50, 'at most 50 characters').nullable().optional(),
  layout: z.number().int().refine((n) => (VIEW_LAYOUTS as readonly number[]).includes(n), { message: `one of ${VIEW_LAYOUTS.join(', ')}` }),
  tiles,
};
/** userId (admin only): create the view for another user, e.g. a wall-display account. */
export const createSchema = z.strictObject({ ...fields, userId: z.number().int().positive().optional() });
export const replaceSchema = z.strictObject(fields);

export type WallViewCreateBody = z.input<typeof createSchema>;
export type WallViewReplaceBody = z.input<typeof replaceSchema>;
