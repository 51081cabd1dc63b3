/**
 * Evidence exports (mounted at /api):
 *   POST /exports                 investigator|supervisor|admin → 202 job (validated, range evidence-locked)
 *   GET  /exports                 investigators see their own, supervisors and admins all
 *   GET  /exports/:id             job with progress
 *   GET  /exports/:id/download    the bundle (.zip), audited
 *   DELETE /exports/:id           investigator (own)|supervisor|admin: the bundle file is removed, the job stays
 *                                 (marked deleted, from the `export.delete` audit entry); its evidence locks stay
 *   GET  /evidence/public-key     the signing key (any logged-in user)
 */
import { unlinkSync } from 'node:fs';
import { Router, type Request } from 'express';
import { actorOf } from '../../audit/http.ts';
import type { AuditLog } from '../../audit/log.ts';
import type { Exporter } from '../../evidence/exporter.ts';
import type { ExportJob } from '../../evidence/jobs.ts';
import type { ExportDeletion, ExportView, PublicKeyView } from '../../../shared/wire/exports.ts';
import type { SigningKey } from '../../evidence/keys.ts';
import { requireTime } from '../../evidence/range.ts';
import { AppError, notFound, forbidden, conflict } from '../../util/errors.ts';
import { createLogger } from '../../util/log.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';
import { createSchema } from '../../../shared/wire/requests/exports.ts';

export interface ExportsDeps {
  exporter: Exporter;
  audit: AuditLog;
  key: SigningKey;
}

const log = createLogger('evidence');
export const EXPORT_ROLES = ['investigator', 'supervisor', 'admin'] as const;
const SEE_ALL = new Set(['supervisor', 'admin']);


export type Deletion = ExportDeletion;

/** Bundles deleted through DELETE /exports/:id, by export id (the audit trail is the record). */
async function deletions(audit: AuditLog, id?: string): Promise<Map<string, Deletion>> {
  const out = new Map<string, Deletion>();
  const { entries } = await audit.query({ action: 'export.delete', text: id, limit: 1000 });
  for (const e of entries) if (e.target && e.action === 'export.delete') out.set(e.target, { at: e.time, by: e.actor });
  return out;
}

export function jobView(j: ExportJob, deleted: Deletion | null = null): ExportView {
  return {
    id: j.id,
    cameras: j.cameraIds,
    from: j.fromMs,
    to: j.toMs,
    reason: j.reason,
    caseRef: j.caseRef,
    user: j.username,
    status: j.status,
    progress: Math.round(j.progress * 1000) / 1000,
    bytes: j.bytes,
    manifestSha256: j.sha256,
    error: j.errorCode ? { code: j.errorCode, message: j.error ?? '' } : null,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
    downloadUrl: j.status === 'done' && !deleted ? `/api/exports/${j.id}/download` : null,
    deleted,
  };
}

async function visibleJob(req: Request, exporter: Exporter): Promise<ExportJob> {
  const j = await exporter.get(String(req.params.id));
  if (!j || (!SEE_ALL.has(req.user!.role) && j.username.toLowerCase() !== req.user!.username.toLowerCase())) {
    throw notFound('no such export');
  }
  return j;
}

export function exportsRouter(d: ExportsDeps): Router {
  const r = Router();

  r.post('/exports', requireRole(...EXPORT_ROLES), async (req, res) => {
    const body = parseBody(createSchema, req.body);
    const u = req.user!;
    const job = await d.exporter.requestVerified(
      {
        cameraIds: body.cameras,
        fromMs: requireTime(body.from, 'from'),
        toMs: requireTime(body.to, 'to'),
        reason: body.reason,
        caseRef: body.caseRef ?? null,
      },
      { id: u.id, username: u.username, role: u.role, ip: actorOf(req).ip },
    );
    res.status(202).location(`/api/exports/${job.id}`).json(jobView(job));
  });

  r.get('/exports', requireRole(...EXPORT_ROLES), async (req, res) => {
    const u = req.user!;
    const jobs = await d.exporter.repo.list({ username: SEE_ALL.has(u.role) ? undefined : u.username });
    const gone = await deletions(d.audit);
    res.set('Cache-Control', 'no-store').json(jobs.map((j) => jobView(d.exporter.withProgress(j), gone.get(j.id) ?? null)));
  });

  r.get('/exports/:id', requireRole(...EXPORT_ROLES), async (req, res) => {
    const j = await visibleJob(req, d.exporter);
    res.set('Cache-Control', 'no-store').json(jobView(j, (await deletions(d.audit, j.id)).get(j.id) ?? null));
  });

  r.delete('/exports/:id', requireRole(...EXPORT_ROLES), async (req, res) => {
    const j = await visibleJob(req, d.exporter);
    if (j.status !== 'done') throw conflict(`export ${j.id} is ${j.status}: there is no bundle to delete`, 'not_ready', { id: j.id, status: j.status });
    if ((await deletions(d.audit, j.id)).has(j.id)) throw new AppError(410, 'deleted', `the bundle of export ${j.id} was already deleted`, {}, { params: { id: j.id } });
    const path = d.exporter.bundlePath(j);
    if (path) {
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          log.error('could not delete an export bundle', { id: j.id, err });
          throw new AppError(500, 'delete_failed', `the bundle of export ${j.id} could not be deleted`, {}, { params: { id: j.id } });
        }
      }
    }
    await d.audit.record({
      action: 'export.delete',
      actor: actorOf(req),
      cameraId: j.cameraIds.length === 1 ? j.cameraIds[0] : null,
      target: j.id,
      atMs: j.fromMs,
      detail: { file: j.file, bytes: j.bytes, manifestSha256: j.sha256, fileWasPresent: path !== undefined, locksKept: true },
    });
    const deleted = (await deletions(d.audit, j.id)).get(j.id) ?? null;
    res.set('Cache-Control', 'no-store').json(jobView(j, deleted));
  });

  r.get('/exports/:id/download', async (req, res, next) => {
    if (!EXPORT_ROLES.includes(req.user!.role as (typeof EXPORT_ROLES)[number])) throw forbidden(`needs role ${EXPORT_ROLES.join(' or ')}`, { what: 'role', roles: EXPORT_ROLES.join(', ') });
    const j = await visibleJob(req, d.exporter);
    if (j.status !== 'done') throw conflict(`export ${j.id} is ${j.status}`, 'not_ready', { id: j.id, status: j.status });
    if ((await deletions(d.audit, j.id)).has(j.id)) throw new AppError(410, 'deleted', `the bundle of export ${j.id} was deleted`, {}, { params: { id: j.id } });
    const path = d.exporter.bundlePath(j);
    if (!path) throw notFound('the bundle file is gone from the exports directory');
    d.audit.record({
      action: 'export.download',
      actor: actorOf(req),
      cameraId: j.cameraIds.length === 1 ? j.cameraIds[0] : null,
      target: j.id,
      atMs: j.fromMs,
      detail: { file: j.file, bytes: j.bytes, manifestSha256: j.sha256 },
    });
    res.download(path, `watchpost-${j.id}.zip`, { headers: { 'Cache-Control': 'no-store' }, dotfiles: 'allow' }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });

  r.get('/evidence/public-key', (_req, res) => {
    res.json({ algorithm: 'Ed25519', fingerprint: d.key.fingerprint, publicKeyPem: d.key.publicPem } satisfies PublicKeyView);
  });
  return r;
}
