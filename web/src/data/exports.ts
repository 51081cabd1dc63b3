/** Evidence exports and the signing key (docs/api.md, "Evidence export"). */
import { api } from './api';

export type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

export interface ExportJob {
  id: string;
  cameras: string[];
  from: number;
  to: number;
  reason: string;
  caseRef: string | null;
  user: string;
  status: ExportStatus;
  progress: number;
  bytes: number | null;
  manifestSha256: string | null;
  error: { code: string; message: string } | null;
  createdAt: number;
  finishedAt: number | null;
  downloadUrl: string | null;
  /** the bundle was deleted (DELETE /api/exports/:id); the job and its evidence locks stay */
  deleted?: { at: number; by: string | null } | null;
}

export interface PublicKey {
  algorithm: 'Ed25519';
  fingerprint: string;
  publicKeyPem: string;
}

export function createExport(body: { cameras: string[]; from: number; to: number; reason: string; caseRef?: string | null }): Promise<ExportJob> {
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
