/** The audit trail (docs/api.md, "Audit"). Supervisors and administrators only. */
import { api } from './api';

export interface AuditEntry {
  id: number;
  time: number;
  actorId: number | null;
  actor: string | null;
  role: string | null;
  ip: string | null;
  action: string;
  cameraId: string | null;
  target: string | null;
  footageMs: number | null;
  detail: Record<string, unknown>;
  hash: string;
}

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

export function fetchAudit(f: AuditFilters, before?: number, limit = 100): Promise<{ entries: AuditEntry[]; next?: number }> {
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
