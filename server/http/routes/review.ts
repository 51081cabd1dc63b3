/**
 * Recorded footage (mounted at /api):
 *   GET /cameras/:id/timeline?from&to     ranges, gaps, locks, markers (≤ 31 days)
 *   GET /cameras/:id/vod.m3u8?from&to     HLS VOD playlist over the recorded segments (≤ 6 h)
 *   GET /recordings/:segmentId/init.mp4   a segment's init section (ftyp+moov)
 *   GET /recordings/:segmentId/media.mp4  its fragments
 *   GET /storage                          disk, quota and low-disk alarm state
 * Every request needs a session; playlist and media requests feed the audit's recorded-viewing sessions.
 */
import { Router, type Request, type Response } from 'express';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CAMERA_ID_RE } from '../../cameras/types.ts';
import { actorOf } from '../../audit/http.ts';
import type { ViewTracker } from '../../audit/views.ts';
import type { CameraAccess } from '../../evidence/access.ts';
import { checkRange, noFootage, requireTime } from '../../evidence/range.ts';
import { fragmentLayout } from '../../record/boxes.ts';
import type { TimelineService } from '../../record/timeline.ts';
import { MAX_VOD_MS, vodPlaylist } from '../../record/vod.ts';
import type { Retention } from '../../retention/retention.ts';
import type { Db } from '../../store/db.ts';
import type { Segment, SegmentRepo } from '../../store/segments.ts';
import { notFound } from '../../util/errors.ts';

export interface ReviewDeps {
  db: Db;
  segments: SegmentRepo;
  timeline: TimelineService;
  views: ViewTracker;
  access: CameraAccess;
  retention: Retention;
  recordingsDir: string;
}

const TIMELINE_MAX_MS = 31 * 86_400_000;

function camera(req: Request, access: CameraAccess): string {
  const id = String(req.params.id);
  if (!CAMERA_ID_RE.test(id) || !access.canSee(req.user!, id)) throw notFound(`no camera "${id}"`, { what: 'camera', id });
  return id;
}

function range(req: Request, maxMs: number, allowFuture: boolean): { from: number; to: number } {
  const from = requireTime(req.query.from, 'from');
  const to = requireTime(req.query.to, 'to');
  // the timeline may show the rest of today; footage requests may not reach into the future
  checkRange(from, to, { now: allowFuture ? Math.max(Date.now(), to) : Date.now(), maxMs });
  return { from, to };
}

export function reviewRouter(d: ReviewDeps): Router {
  const r = Router();
  const byId = d.db.prepare('SELECT * FROM segments WHERE id = ?');

  r.get('/cameras/:id/timeline', async (req, res) => {
    const id = camera(req, d.access);
    const { from, to } = range(req, TIMELINE_MAX_MS, true);
    res.set('Cache-Control', 'no-store').json(await d.timeline.build(id, from, to));
  });

  r.get('/cameras/:id/vod.m3u8', (req, res) => {
    const id = camera(req, d.access);
    const { from, to } = range(req, MAX_VOD_MS, false);
    const segs = d.segments.range(id, from, to).filter((s) => existsSync(join(d.recordingsDir, s.path)));
    if (!segs.length) throw noFootage(id, from, to);
    d.views.touch({ session: req.sessionToken!, actor: actorOf(req), cameraId: id, kind: 'recording' });
    res.set({ 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store' }).send(vodPlaylist(segs));
  });

  const part = (which: 'init' | 'media') => (req: Request, res: Response) => {
    const m = /^\d{1,15}$/.exec(String(req.params.seg));
    const row = m ? (byId.get(Number(m[0])) as { id: number; camera_id: string; path: string; start_ms: number; end_ms: number } | undefined) : undefined;
    if (!row || !d.access.canSee(req.user!, row.camera_id)) throw notFound('no such recording');
    const seg: Pick<Segment, 'cameraId' | 'startMs' | 'endMs'> = { cameraId: row.camera_id, startMs: row.start_ms, endMs: row.end_ms };
    const file = join(d.recordingsDir, row.path);
    let layout;
    try {
      layout = fragmentLayout(file);
    } catch {
      throw notFound('recording gone (deleted by retention?)');
    }
    if (!layout) throw notFound('recording has no playable fragment');
    if (which === 'media') {
      d.views.touch({ session: req.sessionToken!, actor: actorOf(req), cameraId: seg.cameraId, kind: 'recording', span: { startMs: seg.startMs, endMs: seg.endMs } });
    }
    const [start, end] = which === 'init' ? [0, layout.initEnd] : [layout.initEnd, layout.mediaEnd];
    res.set({ 'Content-Type': 'video/mp4', 'Content-Length': String(end - start), 'Cache-Control': 'private, max-age=3600' });
    const stream = createReadStream(file, { start, end: end - 1 });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
  r.get('/recordings/:seg/init.mp4', part('init'));
  r.get('/recordings/:seg/media.mp4', part('media'));

  r.get('/storage', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(d.retention.status());
  });
  return r;
}
