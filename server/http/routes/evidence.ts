/**
 * The evidence routes under /api: recorded timeline and playback, storage, exports, evidence locks and the audit
 * trail — assembled here from the evidence domain (server/evidence/), which knows nothing of HTTP.
 */
import { Router } from 'express';
import type { Evidence } from '../../evidence/index.ts';
import { auditRouter } from './audit.ts';
import { exportsRouter } from './exports.ts';
import { locksRouter } from './locks.ts';
import { reviewRouter } from './review.ts';

export function evidenceRouter(e: Evidence): Router {
  const r = Router();
  r.use(reviewRouter({ segments: e.segments, timeline: e.timeline, views: e.views, access: e.access, retention: e.retention, recordingsDir: e.recordingsDir }));
  r.use(exportsRouter({ exporter: e.exporter, audit: e.audit, key: e.key }));
  r.use(locksRouter({ locks: e.locks, audit: e.audit, access: e.access }));
  r.use(auditRouter(e.audit, () => e.verifyAudit()));
  return r;
}
