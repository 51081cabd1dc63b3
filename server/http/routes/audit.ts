/**
 * The audit trail (mounted at /api, supervisor|admin):
 *   GET /audit?from&to&actor&action&camera&q&before&limit   newest first, paged by `before`
 *   GET /audit/export.csv?…same filters…                     all matching entries, oldest first (audited)
 *   GET /audit/actions                                       action names present, for the filter
 *   GET /audit/verify                                        walks the hash chain
 */
import { Router, type Request } from 'express';
import { auditCsvRow, csvRow, CSV_HEADER } from '../../audit/csv.ts';
import { actorOf } from '../../audit/http.ts';
import type { AuditLog, AuditQuery } from '../../audit/log.ts';
import { parseTime } from '../../evidence/range.ts';
import { badRequest } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';

function str(v: unknown, name: string, max = 100): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw badRequest(`${name}: expected a string of at most ${max} characters`, 'invalid_request', { field: name, n: max });
  return v.trim() || undefined;
}

function filters(req: Request): AuditQuery {
  const q = req.query;
  const before = q.before === undefined ? undefined : Number(q.before);
  const limit = q.limit === undefined ? undefined : Number(q.limit);
  if (before !== undefined && !Number.isInteger(before)) throw badRequest('before: expected an entry id');
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw badRequest('limit: expected a positive integer');
  const from = parseTime(q.from, 'from');
  const to = parseTime(q.to, 'to');
  if (from !== undefined && to !== undefined && to <= from) throw badRequest('to is not after from', 'invalid_range');
  return {
    from,
    to,
    actor: str(q.actor, 'actor'),
    action: str(q.action, 'action', 64),
    cameraId: str(q.camera, 'camera', 64),
    text: str(q.q, 'q', 200),
    before,
    limit,
  };
}

/** `verify` checks the trail's links and its signed checkpoints (server/integrity/chains.ts). */
export function auditRouter(audit: AuditLog, verify: () => Promise<object> = () => audit.verify()): Router {
  const r = Router();
  r.use('/audit', requireRole('supervisor', 'admin'));

  r.get('/audit', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await audit.query(filters(req)));
  });

  r.get('/audit/actions', async (_req, res) => {
    res.json(await audit.actions());
  });

  r.get('/audit/verify', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await verify());
  });

  r.get('/audit/export.csv', async (req, res) => {
    const q = filters(req);
    const { before: _b, limit: _l, ...rest } = q;
    await audit.record({ action: 'audit.export', actor: actorOf(req), detail: { filters: JSON.parse(JSON.stringify(rest)) as Record<string, unknown> } });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="watchpost-audit-${stamp}.csv"`,
      'Cache-Control': 'no-store',
    });
    // paged and streamed with back-pressure: a large trail never sits in memory
    res.write('\ufeff' + csvRow(CSV_HEADER));
    let after = 0;
    for (;;) {
      const page = await audit.pageAscending(rest, after, 1000);
      if (!page.length) break;
      after = page[page.length - 1]!.id;
      // a user with limited camera rights gets the entries of their cameras and those tied to none
      const visible = res.locals.visibleCamera as ((id: string) => boolean) | undefined;
      const rows = visible ? page.filter((e) => !e.cameraId || visible(e.cameraId)) : page;
      const ok = res.write(rows.map(auditCsvRow).join(''));
      if (!ok) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
      if (res.destroyed) return;
    }
    res.end();
  });
  return r;
}
