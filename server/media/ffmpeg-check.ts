/**
 * Startup check: find ffmpeg and ffprobe and make sure ffmpeg is recent enough (major ≥ 5).
 * Resolution order for ffmpeg: FFMPEG_PATH, then the given path (config media.ffmpegPath), then `ffmpeg` on PATH.
 * ffprobe: FFPROBE_PATH, else the ffprobe beside ffmpeg (same directory), else `ffprobe` on PATH.
 */
import { execFile } from 'node:child_process';
import { basename, dirname, join } from 'node:path';

export const MIN_FFMPEG_MAJOR = 5;

export interface FfmpegInfo {
  ffmpegPath: string;
  ffprobePath: string;
  /** e.g. "5.1.9-0+deb12u1" */
  version: string;
  /** e.g. 5; Infinity for git snapshot builds ("N-…"), which are newer than any release */
  major: number;
}

function runVersion(bin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, ['-version'], { timeout: 10_000, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout);
    });
  });
}

/** "ffmpeg version 5.1.9-0+deb12u1 Copyright…" → { version, major } (pure). */
export function parseVersion(text: string, tool = 'ffmpeg'): { version: string; major: number } | undefined {
  const m = new RegExp(`^${tool} version (\\S+)`, 'm').exec(text);
  if (!m) return undefined;
  const version = m[1]!;
  const num = /^n?(\d+)\./.exec(version);
  if (num) return { version, major: Number(num[1]) };
  if (/^N-/.test(version)) return { version, major: Number.POSITIVE_INFINITY };
  return { version, major: Number.NaN };
}

function ffprobeBeside(ffmpegPath: string): string {
  if (!ffmpegPath.includes('/') && !ffmpegPath.includes('\\')) return 'ffprobe';
  const name = basename(ffmpegPath).replace(/ffmpeg/i, 'ffprobe');
  return join(dirname(ffmpegPath), name === basename(ffmpegPath) ? 'ffprobe' : name);
}

export async function checkFfmpeg(path?: string): Promise<FfmpegInfo> {
  const ffmpegPath = process.env.FFMPEG_PATH || path || 'ffmpeg';
  let out: string;
  try {
    out = await runVersion(ffmpegPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? '' : ` (${ffmpegPath}: ${(e as Error).message})`;
    throw new Error(`ffmpeg not found: install it (apt-get install ffmpeg) or set FFMPEG_PATH${why}`);
  }
  const parsed = parseVersion(out);
  if (!parsed || !(parsed.major >= MIN_FFMPEG_MAJOR)) {
    throw new Error(
      `ffmpeg ${parsed?.version ?? '(unknown version)'} at ${ffmpegPath} is too old or unrecognised: ` +
        `Watchpost needs ffmpeg ${MIN_FFMPEG_MAJOR} or newer (apt-get install ffmpeg, or set FFMPEG_PATH)`,
    );
  }
  const ffprobePath = process.env.FFPROBE_PATH || ffprobeBeside(ffmpegPath);
  try {
    const probeOut = await runVersion(ffprobePath);
    if (!parseVersion(probeOut, 'ffprobe')) throw new Error('unexpected -version output');
  } catch (e) {
    throw new Error(
      `ffprobe not found at ${ffprobePath}: install ffmpeg (it ships ffprobe) or set FFPROBE_PATH (${(e as Error).message})`,
    );
  }
  return { ffmpegPath, ffprobePath, version: parsed.version, major: parsed.major };
}
