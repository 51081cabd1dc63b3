/**
 * Evidence exports (mounted at /api):
 *   POST /exports                 investigator|supervisor|admin → 202 job (validated, range evidence-locked)
 *   GET  /exports                 investigators see their own, supervisors and admins all
 *   GET  /exports/:id             job with progress
 *   GET  /exports/:id/download    the bundle (.zip), audited
 *   GET  /evidence/public-key     the signing key (any logged-in user)
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf } from '../../audit/http.ts';
import type { AuditLog } from '../../audit/log.ts';
import type { Exporter } from '../../evidence/exporter.ts';
import type { ExportJob } from '../../evidence/jobs.ts';
import type { SigningKey } from '../../evidence/keys.ts';
import { requireTime } from '../../evidence/range.ts';
import { notFound, forbidden, conflict } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';

export interface ExportsDeps {
  exporter: Exporter;
  audit: AuditLog;
  key: SigningKey;
}

export const EXPORT_ROLES = ['investigator', 'supervisor', 'admin'] as const;
const SEE_ALL = new Set(['supervisor', 'admin']);

const createSchema = z.strictObject({
  cameras: z.array(z.string().min(1).max(64)).min(1, 'pick at least one camera').max(16),
  from: z.union([z.string(), z.number()]),
  to: z.union([z.string(), z.number()]),
  reason: z.string().trim().min(3, 'say why this footage is exported (at least 3 characters)').max(500),
  caseRef: z.string().trim().max(100).nullable().optional(),
});

export function jobView(j: ExportJob) {
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
    error: j.errorCode ? { code: j.errorCode, message: j.error } : null,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
    downloadUrl: j.status === 'done' ? `/api/exports/${j.id}/download` : null,
  };
}

function visibleJob(req: Request, exporter: Exporter): ExportJob {
  const j = exporter.get(String(req.params.id));
  if (!j || (!SEE_ALL.has(req.user!.role) && j.username.toLowerCase() !== req.user!.username.toLowerCase())) {
    throw notFound('no such export');
  }
  return j;
}

export function exportsRouter(d: ExportsDeps): Router {
  const r = Router();

  r.post('/exports', requireRole(...EXPORT_ROLES), (req, res) => {
    const body = parseBody(createSchema, req.body);
    const u = req.user!;
    const job = d.exporter.request(
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

  r.get('/exports', requireRole(...EXPORT_ROLES), (req, res) => {
    const u = req.user!;
    const jobs = d.exporter.repo.list({ username: SEE_ALL.has(u.role) ? undefined : u.username });
    res.set('Cache-Control', 'no-store').json(jobs.map((j) => jobView(d.exporter.get(j.id) ?? j)));
  });

  r.get('/exports/:id', requireRole(...EXPORT_ROLES), (req, res) => {
    res.set('Cache-Control', 'no-store').json(jobView(visibleJob(req, d.exporter)));
  });

  r.get('/exports/:id/download', (req, res, next) => {
    if (!EXPORT_ROLES.includes(req.user!.role as (typeof EXPORT_ROLES)[number])) throw forbidden(`needs role ${EXPORT_ROLES.join(' or ')}`);
    const j = visibleJob(req, d.exporter);
    if (j.status !== 'done') throw conflict(`export ${j.id} is ${j.status}`, 'not_ready');
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
    res.json({ algorithm: 'Ed25519', fingerprint: d.key.fingerprint, publicKeyPem: d.key.publicPem });
  });
  return r;
}
