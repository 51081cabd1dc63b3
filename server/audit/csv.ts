/**
 * The audit trail as CSV (RFC 4180, UTF-8 with BOM so spreadsheet tools pick the encoding); times in the site's
 * time zone with their UTC offset (util/site-time.ts).
 */
import type { AuditEntry } from './log.ts';
import { csvLine } from '../util/csv.ts';
import { siteIso } from '../util/site-time.ts';

export const CSV_HEADER = ['id', 'time', 'actor', 'role', 'ip', 'action', 'camera', 'target', 'footage', 'detail', 'hash'];

export { csvCell } from '../util/csv.ts';

export function csvRow(cells: unknown[]): string {
  return csvLine(cells) + '\r\n';
}

const iso = siteIso;

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
