/** The daily equipment check (server/http/routes/equipment.ts). */
import { api } from './api';

export interface EquipmentCamera {
  id: string;
  name: string;
  onlineMinutes: number;
  completeness: number;
  gaps: { start: number; end: number; reason: string }[];
  offlineEpisodes: number;
  clockOffsetMs: number | null;
  tamperAlarms: number;
  restarts: number;
  flagged: boolean;
}

export interface EquipmentReport {
  date: string;
  from: number;
  to: number;
  threshold: number;
  cameras: EquipmentCamera[];
}

export const equipmentUrl = (date: string, format: 'csv' | 'html') => `/api/reports/equipment?date=${encodeURIComponent(date)}&format=${format}`;

export function fetchEquipment(date: string): Promise<EquipmentReport> {
  return api('GET', `/api/reports/equipment?date=${encodeURIComponent(date)}`);
}

export function signEquipment(date: string, note: string): Promise<{ entry: { seq: number } }> {
  return api('POST', '/api/reports/equipment/sign', { body: { date, note: note || undefined } });
}
