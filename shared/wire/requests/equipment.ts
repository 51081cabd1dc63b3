/** Body of POST /api/reports/equipment/sign (server/http/routes/equipment.ts). Rules: common.ts. */
import { z } from 'zod';
import { note } from './common.ts';

export const signSchema = z.strictObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'), note });

export type EquipmentSignBody = z.input<typeof signSchema>;
