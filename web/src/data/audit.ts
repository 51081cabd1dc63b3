/** The audit trail (docs/api.md, "Audit"). Supervisors and administrators only. */
import { api } from './api';
import type { AuditPage } from '../../../shared/wire/audit';

/** Entries on the wire: shared/wire/audit.ts (the server's audit log sends the same type). */
export type { AuditEntry, AuditPage } from '../../../shared/wire/audit';

export interface AuditFilters {
  from?: number;
  to?: number;
  actor?: string;
  action?: string;
  camera?: string;
  q?: string;
}

function query(f: AuditFilters, extra: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) {
    if (v !== undefined && v !== '') q.set(k, String(v));
  }
  return q.toString();
}

export function fetchAudit(f: AuditFilters, before?: number, limit = 100): Promise<AuditPage> {
  return api('GET', `/api/audit?${query(f, { before, limit })}`);
}

export function auditActions(): Promise<string[]> {
  return api('GET', '/api/audit/actions');
}

export function verifyAudit(): Promise<{ ok: boolean; count: number; head: string; firstBad?: number }> {
  return api('GET', '/api/audit/verify');
}

/** Download URL of the CSV for the same filters. */
export function auditCsvUrl(f: AuditFilters): string {
  return `/api/audit/export.csv?${query(f)}`;
}
