/**
 * Evidence locks (mounted at /api):
 *   GET    /locks?camera&active=1       any logged-in user (the timeline shows them)
 *   POST   /locks                       investigator|supervisor|admin → 201 lock
 *   DELETE /locks/:id  {"reason"}       supervisor|admin → 200 released lock (the row stays)
 * Both changes are audited (`lock.create`, `lock.release`); a refused release is audited as `lock.denied`.
 */
import { Router } from 'express';
import { actorOf } from '../../audit/http.ts';
import type { AuditLog } from '../../audit/log.ts';
import type { CameraAccess } from '../../evidence/access.ts';
import { checkRange, requireTime } from '../../evidence/range.ts';
import type { EvidenceLock, LockRepo } from '../../retention/locks.ts';
import type { EvidenceLockView } from '../../../shared/wire/recordings.ts';
import { forbidden, notFound } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';
import { createSchema, releaseSchema } from '../../../shared/wire/requests/locks.ts';

export interface LocksDeps {
  locks: LockRepo;
  audit: AuditLog;
  access: CameraAccess;
}

const MAX_LOCK_MS = 366 * 86_400_000;

export function lockView(l: EvidenceLock): EvidenceLockView {
  return {
    id: l.id,
    camera: l.cameraId,
    from: l.startMs,
    to: l.endMs,
    reason: l.reason,
    caseRef: l.caseRef,
    exportId: l.exportId,
    createdBy: l.createdBy,
    createdAt: l.createdAt,
    active: l.releasedAt === null,
    releasedAt: l.releasedAt,
    releasedBy: l.releasedBy,
    releaseReason: l.releaseReason,
  };
}

export function locksRouter(d: LocksDeps): Router {
  const r = Router();

  r.get('/locks', async (req, res) => {
    const camera = typeof req.query.camera === 'string' ? req.query.camera : undefined;
    const all = await d.locks.list({ cameraId: camera, active: req.query.active === '1' || req.query.active === 'true' });
    const sees = new Map<string, boolean>();
    for (const c of new Set(all.map((l) => l.cameraId))) sees.set(c, await d.access.canSee(req.user!, c));
    const list = all.filter((l) => sees.get(l.cameraId));
    res.set('Cache-Control', 'no-store').json(list.map(lockView));
  });

  r.post('/locks', requireRole('investigator', 'supervisor', 'admin'), async (req, res) => {
    const b = parseBody(createSchema, req.body);
    if (!(await d.access.canSee(req.user!, b.camera))) throw notFound(`no camera "${b.camera}"`, { what: 'camera', id: b.camera });
    const from = requireTime(b.from, 'from');
    const to = requireTime(b.to, 'to');
    checkRange(from, to, { now: Date.now(), maxMs: MAX_LOCK_MS });
    const lock = await d.locks.create({ cameraId: b.camera, startMs: from, endMs: to, reason: b.reason, caseRef: b.caseRef ?? null, createdBy: req.user!.username });
    d.audit.record({
      action: 'lock.create',
      actor: actorOf(req),
      cameraId: lock.cameraId,
      target: String(lock.id),
      atMs: lock.startMs,
      detail: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), reason: lock.reason, case: lock.caseRef },
    });
    res.status(201).location(`/api/locks/${lock.id}`).json(lockView(lock));
  });

  r.delete('/locks/:id', async (req, res) => {
    const id = Number(req.params.id);
    const lock = Number.isSafeInteger(id) ? await d.locks.get(id) : undefined;
    if (!lock || !(await d.access.canSee(req.user!, lock.cameraId))) throw notFound('no such lock');
    if (req.user!.role !== 'supervisor' && req.user!.role !== 'admin') {
      d.audit.record({ action: 'lock.denied', actor: actorOf(req), cameraId: lock.cameraId, target: String(id), atMs: lock.startMs });
      throw forbidden('releasing an evidence lock needs a supervisor or an administrator');
    }
    const b = parseBody(releaseSchema, req.body);
    const released = await d.locks.release(id, req.user!.username, b.reason);
    if (!released) throw notFound('this lock is already released');
    d.audit.record({
      action: 'lock.release',
      actor: actorOf(req),
      cameraId: released.cameraId,
      target: String(id),
      atMs: released.startMs,
      detail: { reason: b.reason, lockReason: released.reason, from: new Date(released.startMs).toISOString(), to: new Date(released.endMs).toISOString(), exportId: released.exportId },
    });
    res.json(lockView(released));
  });
  return r;
}
