/** The audit trail as CSV (RFC 4180, UTF-8 with BOM so spreadsheet tools pick the encoding). */
import type { AuditEntry } from './log.ts';

export const CSV_HEADER = ['id', 'time_utc', 'actor', 'role', 'ip', 'action', 'camera', 'target', 'footage_utc', 'detail', 'hash'];

/**
 * One cell. Quotes when needed; a cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR)
 * is prefixed with an apostrophe — user names and reasons are free text.
 */
export function csvCell(v: unknown): string {
  let s = v == null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(cells: unknown[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

const iso = (ms: number | null) => (ms == null ? '' : new Date(ms).toISOString());

export function auditCsvRow(e: AuditEntry): string {
  return csvRow([
    e.id,
    iso(e.time),
    e.actor ?? '',
    e.role ?? '',
    e.ip ?? '',
    e.action,
    e.cameraId ?? '',
    e.target ?? '',
    iso(e.footageMs),
    Object.keys(e.detail).length ? JSON.stringify(e.detail) : '',
    e.hash,
  ]);
}
