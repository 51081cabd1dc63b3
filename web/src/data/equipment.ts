/** The daily equipment check (server/http/routes/equipment.ts). */
import { api } from './api';

import type { EquipmentReport } from '../../../shared/wire/equipment';
export type { EquipmentCamera, EquipmentReport } from '../../../shared/wire/equipment';
import type { EquipmentSignBody } from '../../../shared/wire/requests/equipment';

export const equipmentUrl = (date: string, format: 'csv' | 'html') => `/api/reports/equipment?date=${encodeURIComponent(date)}&format=${format}`;

export function fetchEquipment(date: string): Promise<EquipmentReport> {
  return api('GET', `/api/reports/equipment?date=${encodeURIComponent(date)}`);
}

export function signEquipment(date: string, note: string): Promise<{ entry: { seq: number } }> {
  return api('POST', '/api/reports/equipment/sign', { body: { date, note: note || undefined } satisfies EquipmentSignBody });
}
