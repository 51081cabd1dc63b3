/**
 * Evidence exports on the wire (POST/GET/DELETE /api/exports, GET /api/evidence/public-key). The server
 * (server/http/routes/exports.ts: jobView) and the console (web/src/data/exports.ts) both import this module.
 * Same rule as shared/wire/dispatch.ts: types, constants and pure functions only, no imports of any kind.
 */

export type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

/** A bundle deleted through DELETE /api/exports/:id (from its `export.delete` audit entry). */
export interface ExportDeletion {
  at: number;
  by: string | null;
}

/** An export job as the API answers it. */
export interface ExportView {
  id: string;
  cameras: string[];
  from: number;
  to: number;
  reason: string;
  caseRef: string | null;
  /** who asked for it (username) */
  user: string;
  status: ExportStatus;
  /** 0..1 */
  progress: number;
  bytes: number | null;
  /** sha256 of the bundle's manifest, once done */
  manifestSha256: string | null;
  error: { code: string; message: string } | null;
  createdAt: number;
  finishedAt: number | null;
  /** set while the bundle can be downloaded (done, not deleted) */
  downloadUrl: string | null;
  /** the bundle was deleted (DELETE /api/exports/:id); the job and its evidence locks stay */
  deleted: ExportDeletion | null;
}

/** GET /api/evidence/public-key: the key that signs every bundle. */
export interface PublicKeyView {
  algorithm: 'Ed25519';
  fingerprint: string;
  publicKeyPem: string;
}
