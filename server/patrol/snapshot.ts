/**
 * Anomaly snapshots: the newest frame of a camera's live HLS, grabbed with ffmpeg from the newest live
 * segment (each starts with a key frame). Stored under <dataDir>/patrol/snapshots with its sha256 (which goes
 * into the chained duty-log entry, so a swapped picture is detectable).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../util/log.ts';
import type { SnapshotTaker } from './rounds.ts';

const log = createLogger('patrol');

export function newestLiveSegment(liveDir: string): string | undefined {
  const playlist = join(liveDir, 'index.m3u8');
  if (!existsSync(playlist)) return undefined;
  const segs = readFileSync(playlist, 'utf8').split('\n').map((l) => l.trim()).filter((l) => /^seg_\d+\.ts$/.test(l));
  for (let i = segs.length - 1; i >= 0; i--) {
    const p = join(liveDir, segs[i]!);
    if (existsSync(p)) return p;
  }
  return undefined;
}

export class FfmpegSnapshots implements SnapshotTaker {
  readonly dir: string;
  constructor(
    private readonly ffmpegPath: string,
    dataDir: string,
    private readonly liveDir: (cameraId: string) => string,
  ) {
    this.dir = join(dataDir, 'patrol', 'snapshots');
  }

  take(cameraId: string, fileStem: string): Promise<{ file: string; sha256: string } | null> {
    const seg = newestLiveSegment(this.liveDir(cameraId));
    if (!seg) {
      log.warn('no live segment for a snapshot', { camera: cameraId });
      return Promise.resolve(null);
    }
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (err) {
      log.warn('snapshot failed: cannot create the snapshot folder (disk full?)', { camera: cameraId, err });
      return Promise.resolve(null);
    }
    const file = `${fileStem.replace(/[^a-z0-9_-]/gi, '')}-${Date.now()}.jpg`;
    const out = join(this.dir, file);
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', seg, '-frames:v', '1', '-q:v', '4', '-y', out];
    return new Promise((resolve) => {
      execFile(this.ffmpegPath, args, { timeout: 8000 }, (err, _stdout, stderr) => {
        if (err || !existsSync(out)) {
          log.warn('snapshot failed', { camera: cameraId, err: err ?? undefined, stderr: String(stderr).slice(0, 300) });
          return resolve(null);
        }
        try {
          resolve({ file, sha256: createHash('sha256').update(readFileSync(out)).digest('hex') });
        } catch (e) {
          log.warn('snapshot failed: cannot read it back', { camera: cameraId, err: e });
          resolve(null);
        }
      });
    });
  }

  path(file: string): string | undefined {
    return /^[a-z0-9_-]+\.jpg$/i.test(file) ? join(this.dir, file) : undefined;
  }
}
