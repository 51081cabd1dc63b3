import { Router } from 'express';
import { existsSync } from 'node:fs';
import type { CameraService } from '../../cameras/service.ts';
import { CAMERA_ID_RE } from '../../cameras/types.ts';
import { notFound } from '../../util/errors.ts';

const FILE_RE = /^(index\.m3u8|seg_\d{1,20}\.ts)$/;

/**
 * Live HLS files. Only exact camera ids and plain file names are served: anything else
 * (encoded slashes, dots, other names) is a 404, so no path ever leaves the camera's live dir.
 */
export function hlsRouter(
  cameras: CameraService,
  liveDir: (cameraId: string) => string,
  mainLiveDir: (cameraId: string) => string | undefined = () => undefined,
): Router {
  const r = Router();
  // /hls/:camera/:file is what the wall tiles play (the sub-stream when there is one);
  // /hls/:camera/main/:file is the main stream, for the single-camera view
  r.get(['/:cameraId/:file', '/:cameraId/main/:file'], (req, res, next) => {
    const { cameraId, file } = req.params as { cameraId: string; file: string };
    if (!CAMERA_ID_RE.test(cameraId) || !FILE_RE.test(file) || !cameras.get(cameraId)) return next(notFound());
    const main = req.path.startsWith(`/${cameraId}/main/`);
    const dir = main ? mainLiveDir(cameraId) : liveDir(cameraId);
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
