/**
 * ffmpeg/ffprobe for exports: key frame times of a recording, and the remux itself — concat demuxer, `-c copy`
 * (never re-encoded), one MP4 with its index at the end (written once; plays in any player).
 */
import { spawn } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import type { KeyframeTimes } from './plan.ts';

export class RemuxError extends Error {
  constructor(
    readonly code: 'disk_full' | 'remux_failed' | 'aborted' | 'footage_tampered',
    message: string,
  ) {
    super(message);
    this.name = 'RemuxError';
  }
}

/** Key frame times (s) of a file, relative to its first packet. */
export function keyframeTimes(ffprobePath: string, file: string): Promise<KeyframeTimes> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffprobePath,
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,dts_time,flags', '-of', 'csv=p=0', file],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', (e) => reject(e));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new RemuxError('remux_failed', `ffprobe failed on ${file}: ${err.trim() || `exit ${code}`}`));
      let base: number | undefined;
      const keys: number[] = [];
      for (const line of out.split('\n')) {
        const [pts, dts, flags] = line.trim().split(',');
        const t = Number(pts !== undefined && pts !== 'N/A' && pts !== '' ? pts : dts);
        if (!Number.isFinite(t)) continue;
        base ??= t;
        if (flags?.includes('K')) keys.push(Math.round((t - base) * 1e6) / 1e6);
      }
      resolve([...new Set(keys)].sort((a, b) => a - b));
    });
  });
}

/** Expected messages of the decoder-less probe (plan.ts concatScript). */
const NOISE = /not on whitelist|Last message repeated|Failed to open codec/;

export interface RemuxOptions {
  ffmpegPath: string;
  concatFile: string;
  output: string;
  /** expected output duration (s), for progress */
  durationSec: number;
  /** creation_time metadata of the MP4 (the actual start) */
  creationTimeMs: number;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * While ffmpeg writes `file`, push what it has written to disk in the background (fdatasync on a second
 * descriptor, every `step` bytes). A finished bundle is fsynced before it counts as done, and the in-place
 * zip (insert-range) flushes the whole file first: without this the export would then wait for gigabytes of
 * write-back that could have happened during the remux. Returns a stop function.
 */
function backgroundFlush(file: string, step = 128 << 20): () => Promise<void> {
  let stopped = false;
  let synced = 0;
  const loop = (async () => {
    let fh: FileHandle | undefined;
    try {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, 200));
        if (!fh) fh = await open(file, 'r').catch(() => undefined);
        if (!fh) continue;
        const size = (await fh.stat()).size;
        if (size - synced >= step) {
          await fh.datasync();
          synced = size;
        }
      }
    } catch {
      /* best effort: the final fsync still makes the bundle durable */
    } finally {
      await fh?.close().catch(() => undefined);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

export function remux(o: RemuxOptions): Promise<void> {
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1',
    '-f', 'concat', '-safe', '0', '-i', o.concatFile,
    '-map', '0:v:0', '-c', 'copy', '-map_metadata', '-1',
    '-metadata', `creation_time=${new Date(o.creationTimeMs).toISOString()}`,
    '-avoid_negative_ts', 'make_zero',
    '-f', 'mp4', '-y', o.output,
  ];
  const stopFlush = backgroundFlush(o.output);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(o.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let buf = '';
    const onAbort = () => child.kill('SIGKILL');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        const m = /^out_time_us=(\d+)/.exec(l);
        if (m && o.durationSec > 0) o.onProgress?.(Math.min(1, Number(m[1]) / 1e6 / o.durationSec));
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      const kept = d
        .toString()
        .split('\n')
        .filter((l) => !NOISE.test(l))
        .join('\n');
      err = (err + kept).slice(-4000);
    });
    child.on('error', (e) => reject(new RemuxError('remux_failed', `cannot run ffmpeg: ${e.message}`)));
    child.on('close', (code, signal) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted) return reject(new RemuxError('aborted', 'export cancelled'));
      if (code === 0) return resolve();
      if (/No space left on device|ENOSPC/i.test(err)) return reject(new RemuxError('disk_full', 'the disk is full'));
      const last = err.trim().split('\n').filter(Boolean).pop() ?? `exit ${code ?? signal}`;
      reject(new RemuxError('remux_failed', `ffmpeg could not remux the recordings: ${last.slice(0, 300)}`));
    });
  }).finally(stopFlush);
}
