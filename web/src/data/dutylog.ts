/** The duty log (监控记录): read, append, correct, verify. There is no edit or delete. */
import { api } from './api';
import type { LogEntry } from '../../../shared/wire/dutylog';
/** Entries on the wire: shared/wire/dutylog.ts (the server's duty log sends the same type). */
export type { LogEntry } from '../../../shared/wire/dutylog';

/**
 * The footage time an entry is about (same rule as the server's review markers): when a camera went offline
 * or came back, else when the entry was written.
 */
export function entryFootageMs(e: Pick<LogEntry, 'ts' | 'kind' | 'data'>): number {
  const since = e.data?.since;
  if ((e.kind === 'camera_offline' || e.kind === 'camera_online') && typeof since === 'number' && Number.isFinite(since) && since <= e.ts) {
    return since;
  }
  return e.ts;
}

/** The categories of a hand-written entry and the bodies: shared/wire (the server validates with the same). */
export { MANUAL_CATEGORIES, type ManualCategory } from '../../../shared/wire/dutylog';
import type { ManualCategory } from '../../../shared/wire/dutylog';
import type { LogCorrectionBody, LogEntryBody } from '../../../shared/wire/requests/dutylog';

export const fetchLog = (limit = 300) => api<LogEntry[]>('GET', `/api/dutylog?limit=${limit}`);
export const appendLog = (category: ManualCategory, text: string, cameraId: string | null) =>
  api<LogEntry>('POST', '/api/dutylog', { body: { category, text, cameraId } satisfies LogEntryBody });
export const correctLog = (seq: number, text: string) => api<LogEntry>('POST', `/api/dutylog/${seq}/corrections`, { body: { text } satisfies LogCorrectionBody });
export const verifyLog = () =>
  api<{ ok: boolean; entries: number; broken?: { seq: number; reason: string }; triggers: boolean }>('GET', '/api/dutylog/verify');
