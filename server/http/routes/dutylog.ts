/**
 * The duty log (监控记录) and shift handovers. Append-only: there is no route that edits or deletes an
 * entry (PUT/PATCH/DELETE answer 405 append_only); a correction is a new entry referencing the old one.
 */
import { Router } from 'express';
import type { Patrol } from '../../patrol/index.ts';
import { AppError, notFound } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';
import { actor, intParam, msQuery } from './patrol.ts';
import { correctionSchema, entrySchema, handoverAckSchema, handoverSchema } from '../../../shared/wire/requests/dutylog.ts';
import type { ManualCategory } from '../../../shared/wire/dutylog.ts';


const appendOnly = () => {
  throw new AppError(405, 'append_only', 'the duty log is append-only: entries cannot be changed or deleted; add a correction instead');
};

/** `verify` checks the chain's links, its triggers and its signed checkpoints (server/integrity/chains.ts). */
export function dutyLogRouter(patrol: Patrol, verify: () => Promise<object> = () => patrol.log.verify()): Router {
  const r = Router();
  const writer = requireRole('operator', 'supervisor', 'admin');
  const duty = patrol.log;

  r.get('/', async (req, res) => {
    res.json(
      await duty.list({
        from: req.query.from ? msQuery(req.query.from, 'from', 0) : undefined,
        to: req.query.to ? msQuery(req.query.to, 'to', 0) : undefined,
        cameraId: typeof req.query.camera === 'string' ? req.query.camera : undefined,
        category: typeof req.query.category === 'string' ? req.query.category : undefined,
        beforeSeq: req.query.before ? msQuery(req.query.before, 'before', 0) : undefined,
        limit: req.query.limit ? Number(req.query.limit) || 200 : 200,
      }),
    );
  });
  r.get('/verify', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await verify());
  });
  r.get('/:seq', async (req, res) => {
    const e = await duty.get(intParam(req.params.seq, 'entry', Number.MAX_SAFE_INTEGER));
    if (!e) throw notFound('no such entry');
    res.json({ ...e, corrections: await duty.corrections(e.seq) });
  });
  r.post('/', writer, async (req, res) => {
    const body = parseBody(entrySchema, req.body);
    if (body.cameraId && !patrol.cameras.name(body.cameraId)) throw new AppError(400, 'unknown_camera', `cameraId: no camera "${body.cameraId}"`, {}, { params: { ids: body.cameraId } });
    const u = actor(req);
    res.status(201).json(await duty.append({ category: body.category, kind: 'manual', text: body.text, cameraId: body.cameraId ?? null, author: { id: u.id, name: u.username } }));
  });
  r.post('/:seq/corrections', writer, async (req, res) => {
    const old = await duty.get(intParam(req.params.seq, 'entry', Number.MAX_SAFE_INTEGER));
    if (!old) throw notFound('no such entry');
    const { text } = parseBody(correctionSchema, req.body);
    const u = actor(req);
    res.status(201).json(
      await duty.append({ category: old.category as ManualCategory, kind: 'correction', text, cameraId: old.cameraId, refSeq: old.seq, author: { id: u.id, name: u.username } }),
    );
  });
  r.put('/:seq', appendOnly);
  r.patch('/:seq', appendOnly);
  r.delete('/:seq', appendOnly);
  r.delete('/', appendOnly);
  return r;
}

export function handoverRouter(patrol: Patrol): Router {
  const r = Router();
  const writer = requireRole('operator', 'supervisor', 'admin');
  r.get('/draft', async (_req, res) => {
    res.json({ openItems: await patrol.handover.openItems(), latest: (await patrol.handover.latest()) ?? null });
  });
  r.get('/', async (_req, res) => {
    res.json(await patrol.handover.list());
  });
  r.get('/:id', async (req, res) => {
    res.json(await patrol.handover.get(intParam(req.params.id, 'handover')));
  });
  r.post('/', writer, async (req, res) => {
    const { notes } = parseBody(handoverSchema, req.body);
    res.status(201).json(await patrol.handover.create(actor(req), notes));
  });
  r.post('/:id/ack', writer, async (req, res) => {
    const { note } = parseBody(handoverAckSchema, req.body ?? {});
    res.json(await patrol.handover.acknowledge(actor(req), intParam(req.params.id, 'handover'), note));
  });
  return r;
}
