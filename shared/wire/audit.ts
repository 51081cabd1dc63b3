/**
 * The audit trail on the wire (GET /api/audit). The server (server/audit/log.ts) and the console
 * (web/src/data/audit.ts) both import this module. Same rule as shared/wire/dispatch.ts: no imports of any kind.
 */

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
  /** start of the footage the entry is about (views, exports, locks) */
  footageMs: number | null;
  detail: Record<string, unknown>;
  hash: string;
}

/** A page of GET /api/audit, newest first; `next` is the `before` of the following page, absent on the last. */
export interface AuditPage {
  entries: AuditEntry[];
  next?: number;
}
