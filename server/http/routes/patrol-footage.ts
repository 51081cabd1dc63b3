/**
 * Recorded footage for spot-checks (minimal VOD; recorded playback/review proper is being built separately):
 *   GET /api/patrol/footage/:cameraId/index.m3u8?from=ms&to=ms → HLS VOD over the fMP4 recording segments
 *   GET /api/patrol/footage/:cameraId/seg/:segmentId.mp4     → the segment file (byte ranges)
 * Cameras deleted since stay replayable: recordings stay in the index.
 */
import { Router } from 'express';
import { join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { CAMERA_ID_RE } from '../../cameras/types.ts';
import { initLength, vodPlaylist, type PlaylistSegment } from '../../patrol/footage.ts';
import type { Db } from '../../store/db.ts';
import type { SegmentRepo } from '../../store/segments.ts';
import { badRequest, notFound } from '../../util/errors.ts';
import { msQuery } from './patrol.ts';

export function footageRouter(segments: SegmentRepo, db: Db, recordingsDir: string): Router {
  const r = Router();
  r.get('/:cameraId/index.m3u8', (req, res) => {
    const { cameraId } = req.params;
    if (!CAMERA_ID_RE.test(cameraId)) throw notFound('no such camera');
    const from = msQuery(req.query.from, 'from', NaN);
    const to = msQuery(req.query.to, 'to', NaN);
    if (!(from < to) || to - from > 6 * 3600_000) throw badRequest('from/to: epoch ms, from < to, at most 6 hours');
    const items: PlaylistSegment[] = [];
    for (const seg of segments.range(cameraId, from, to)) {
      const file = join(recordingsDir, seg.path);
      if (!existsSync(file)) continue;
      const initLen = initLength(file);
      if (initLen !== undefined) items.push({ seg, initLen, size: statSync(file).size });
    }
    if (!items.length) throw notFound('no recording covers this time range');
    res.set({ 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store' }).send(vodPlaylist(items, from));
  });
  r.get('/:cameraId/seg/:file', (req, res, next) => {
    const m = /^(\d{1,15})\.mp4$/.exec(req.params.file);
    if (!m) throw notFound();
    const row = db.prepare('SELECT camera_id, path FROM segments WHERE id = ?').get(Number(m[1])) as
      | { camera_id: string; path: string }
      | undefined;
    if (!row || row.camera_id !== req.params.cameraId) throw notFound('no such segment');
    res.sendFile(row.path, { root: recordingsDir, dotfiles: 'deny', headers: { 'Content-Type': 'video/mp4', 'Cache-Control': 'private, max-age=3600' } }, (err) => {
      if (err && !res.headersSent) next(notFound('segment gone'));
    });
  });
  return r;
}
