/**
 * Still images of cameras: the ONVIF snapshot when there is one, else one frame from the newest live HLS segment
 * (no extra connection to the camera) or from the stream. Thumbnails are cached; ffmpeg grabs are limited to two at
 * a time (a camera list asks for many at once).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { urlWithCredentials, type CameraConfig } from '../cameras/types.ts';
import { createLogger } from '../util/log.ts';
import { OnvifError, toAppError } from './errors.ts';
import { browserImage, fetchSnapshot, grabFrame, makeThumbnail } from './snapshot.ts';

const log = createLogger('onvif');
const FAILED_TTL_MS = 10_000;

/** A still image and its real type (read from the bytes, not from the camera's Content-Type). */
export interface Still {
  type: 'image/jpeg' | 'image/png';
  body: Buffer;
}

export class Stills {
  private readonly thumbs = new Map<string, { at: number; ok: boolean; p: Promise<Buffer> }>();
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly ffmpegPath: string,
    private readonly liveDir: (cameraId: string) => string,
    private readonly thumbnailTtlMs: number,
  ) {}

  forget(cameraId: string): void {
    this.thumbs.delete(cameraId);
  }

  async grab(input: string): Promise<Buffer> {
    if (this.running >= 2) await new Promise<void>((r) => this.queue.push(r));
    this.running++;
    try {
      return await grabFrame(this.ffmpegPath, input);
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  /** Newest finished live HLS segment of the camera, if any. */
  private latestSegment(cameraId: string): string | null {
    try {
      const dir = this.liveDir(cameraId);
      const segs = readdirSync(dir)
        .map((f) => /^seg_(\d+)\.ts$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .sort((a, b) => Number(b[1]) - Number(a[1]));
      return segs[0] ? join(dir, segs[0][0]) : null;
    } catch {
      return null;
    }
  }

  /** A full-size image of the camera: the device's own JPEG or PNG as it sent it, else a JPEG. Throws AppError. */
  async snapshot(cam: CameraConfig, snapshotUri: string | null): Promise<Still> {
    const { username, password } = cam.source;
    try {
      if (snapshotUri) {
        try {
          return await browserImage(await fetchSnapshot(snapshotUri, username, password));
        } catch (e) {
          if ((e as OnvifError).kind === 'auth') throw e;
          log.debug('onvif snapshot failed, grabbing a frame', { camera: cam.id, reason: (e as Error).message });
        }
      }
      const seg = this.latestSegment(cam.id);
      return { type: 'image/jpeg', body: await this.grab(seg ?? urlWithCredentials(cam.source.subUrl ?? cam.source.url, username, password)) };
    } catch (e) {
      throw toAppError(e);
    }
  }

  /** 320×180 JPEG, cached (failures for 10 s). Throws AppError. */
  async thumbnail(cam: CameraConfig, snapshotUri: string | null): Promise<Buffer> {
    const now = Date.now();
    const hit = this.thumbs.get(cam.id);
    if (hit && now - hit.at < (hit.ok ? this.thumbnailTtlMs : FAILED_TTL_MS)) return hit.p;
    const entry = { at: now, ok: true, p: this.snapshot(cam, snapshotUri).then((s) => makeThumbnail(s.body)) };
    entry.p.catch(() => (entry.ok = false));
    this.thumbs.set(cam.id, entry);
    try {
      return await entry.p;
    } catch (e) {
      throw toAppError(e);
    }
  }
}
