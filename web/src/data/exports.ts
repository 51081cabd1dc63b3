/** Evidence exports and the signing key (docs/api.md, "Evidence export"). */
import { api } from './api';
import type { ExportView as ExportJob, PublicKeyView as PublicKey } from '../../../shared/wire/exports';
/** Exports on the wire: shared/wire/exports.ts (the server's jobView answers the same type). */
import type { ExportCreateBody } from '../../../shared/wire/requests/exports';
export type { ExportDeletion, ExportStatus, ExportView as ExportJob, PublicKeyView as PublicKey } from '../../../shared/wire/exports';

/** Body: shared/wire/requests/exports.ts, the schema the server validates with (type only here). */
export function createExport(body: ExportCreateBody): Promise<ExportJob> {
  return api<ExportJob>('POST', '/api/exports', { body });
}

export function getExport(id: string, signal?: AbortSignal): Promise<ExportJob> {
  return api<ExportJob>('GET', `/api/exports/${encodeURIComponent(id)}`, { signal });
}

export function listExports(): Promise<ExportJob[]> {
  return api<ExportJob[]>('GET', '/api/exports');
}

/** Delete a bundle (investigator: their own; supervisor, admin). Audited `export.delete`. */
export function deleteExport(id: string): Promise<ExportJob> {
  return api<ExportJob>('DELETE', `/api/exports/${encodeURIComponent(id)}`);
}

let key: Promise<PublicKey> | undefined;
export function publicKey(): Promise<PublicKey> {
  key ??= api<PublicKey>('GET', '/api/evidence/public-key').catch((e: unknown) => {
    key = undefined;
    throw e;
  });
  return key;
}

/** Poll a job until it is done or failed; `onUpdate` sees every state. */
export async function followExport(id: string, onUpdate: (j: ExportJob) => void, signal?: AbortSignal): Promise<ExportJob> {
  for (;;) {
    const j = await getExport(id, signal);
    onUpdate(j);
    if (j.status === 'done' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 400));
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
  }
}

export const EXPORT_ROLES = ['investigator', 'supervisor', 'admin'];
export const canExport = (role: string | undefined): boolean => role !== undefined && EXPORT_ROLES.includes(role);
export const canReleaseLocks = (role: string | undefined): boolean => role === 'supervisor' || role === 'admin';
export const canSeeAudit = (role: string | undefined): boolean => role === 'supervisor' || role === 'admin';
