/** The duty log (监控记录): read, append, correct, verify. There is no edit or delete. */
import { api } from './api';

export interface LogEntry {
  seq: number;
  ts: number;
  cameraId: string | null;
  category: string;
  kind: string;
  text: string;
  authorName: string;
  refSeq: number | null;
  hash: string;
}

export const MANUAL_CATEGORIES = ['anomaly', 'dispatch', 'equipment_fault', 'visitor', 'other'] as const;
export type ManualCategory = (typeof MANUAL_CATEGORIES)[number];

export const fetchLog = (limit = 300) => api<LogEntry[]>('GET', `/api/dutylog?limit=${limit}`);
export const appendLog = (category: ManualCategory, text: string, cameraId: string | null) =>
  api<LogEntry>('POST', '/api/dutylog', { body: { category, text, cameraId } });
export const correctLog = (seq: number, text: string) => api<LogEntry>('POST', `/api/dutylog/${seq}/corrections`, { body: { text } });
export const verifyLog = () =>
  api<{ ok: boolean; entries: number; broken?: { seq: number; reason: string }; triggers: boolean }>('GET', '/api/dutylog/verify');
