import { Router } from 'express';
import { existsSync } from 'node:fs';
import type { CameraService } from '../../cameras/service.ts';
import { CAMERA_ID_RE } from '../../cameras/types.ts';
import type { LlStream } from '../../media/llhls/hub.ts';
import type { PartRing } from '../../media/llhls/part-ring.ts';
import { LL_FILE_RE } from '../../media/llhls/playlist.ts';
import { notFound } from '../../util/errors.ts';
import { serveFile, servePlaylist, wantsLowLatency } from './llhls.ts';

const FILE_RE = /^(index\.m3u8|seg_\d{1,20}\.ts)$/;

/**
 * Live HLS. Only exact camera ids and plain file names are served: anything else
 * (encoded slashes, dots, other names) is a 404, so no path ever leaves the camera's live dir.
 * index.m3u8 is the plain HLS ffmpeg writes to disk (mpegts segments); with `?ll=1` or LL-HLS delivery
 * directives (_HLS_msn/_HLS_part) it is the LL-HLS playlist of the same stream, served from memory with
 * its ll_* parts and segments (routes/llhls.ts). Every live output, copied or transcoded, has LL-HLS; a
 * stream without a ring (none given) answers `?ll=1` with the plain playlist.
 */
export function hlsRouter(
  cameras: CameraService,
  liveDir: (cameraId: string) => string,
  mainLiveDir: (cameraId: string) => string | undefined = () => undefined,
  llRing: (cameraId: string, stream: LlStream) => PartRing | undefined = () => undefined,
): Router {
  const r = Router();
  // /hls/:camera/:file is what the wall tiles play (the sub-stream when there is one);
  // /hls/:camera/main/:file is the main stream, for the single-camera view
  r.get(['/:cameraId/:file', '/:cameraId/main/:file'], (req, res, next) => {
    const { cameraId, file } = req.params as { cameraId: string; file: string };
    const ll = LL_FILE_RE.test(file);
    if (!CAMERA_ID_RE.test(cameraId) || !(ll || FILE_RE.test(file)) || !cameras.get(cameraId)) return next(notFound());
    const main = req.path.startsWith(`/${cameraId}/main/`);
    const dir = main ? mainLiveDir(cameraId) : liveDir(cameraId);
    const found = llRing(cameraId, main ? 'main' : 'live');
    const ring = found?.closed ? undefined : found;
    if (ll) return ring ? void serveFile(ring, file, req, res, next) : next(notFound('part gone'));
    if (file === 'index.m3u8' && wantsLowLatency(req.query as Record<string, unknown>)) {
      // a ring that has played serves LL-HLS even while ffmpeg restarts (blocked reloads wait for it)
      if (ring?.segments.length) return void servePlaylist(ring, req, res, next);
      // a stream that will have LL-HLS but has no part yet: no plain playlist in between
      if (found) return next(notFound('camera has no live stream right now'));
    }
    if (!dir || !existsSync(`${dir}/${file}`)) {
      return next(notFound(file === 'index.m3u8' ? 'camera has no live stream right now' : 'segment gone'));
    }
    const playlist = file.endsWith('.m3u8');
    res.sendFile(file, {
      root: dir,
      dotfiles: 'deny',
      headers: {
        'Content-Type': playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
        'Cache-Control': playlist ? 'no-store' : 'private, max-age=60',
      },
      lastModified: !playlist,
      etag: !playlist,
    }, (err) => {
      if (err && !res.headersSent) next(notFound('segment gone'));
    });
  });
  r.use((_req, _res, next) => next(notFound()));
  return r;
}
