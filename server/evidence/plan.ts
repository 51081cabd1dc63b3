/**
 * Export planning (pure): which recorded segments cover a requested range, where to cut, and what the MP4 will
 * actually cover.
 *
 *  - Start: the key frame at or before the requested start (concat `inpoint` on the first file, an exact key
 *    frame time, so `-c copy` starts on a decodable frame). A request starting in a gap starts at the next footage.
 *  - End: the first key frame at or after the requested end (concat `outpoint`, exclusive), so the file ends with
 *    a whole GOP; when the last segment has none, at the end of that segment.
 *  - Gaps between segments longer than GAP_MS are kept in the MP4's timeline (concat `duration` of the file
 *    before the gap), so MP4 time + actual start = wall-clock time throughout; they are listed in the manifest.
 */
import type { Segment } from '../store/segments.ts';

export const GAP_MS = 1000;

export interface ConcatEntry {
  seg: Segment;
  /** seconds in the file's own timeline */
  inpoint?: number;
  outpoint?: number;
  /** seconds this file occupies in the output timeline (only set before a gap) */
  duration?: number;
}

export interface CameraPlan {
  cameraId: string;
  entries: ConcatEntry[];
  actualStartMs: number;
  actualEndMs: number;
  gaps: { startMs: number; endMs: number }[];
}

/** Key frame times of a file, seconds relative to its first packet, ascending. */
export type KeyframeTimes = number[];

/**
 * @param segments  the segments overlapping [fromMs, toMs), in time order (SegmentRepo.range)
 * @param firstKeys key frames of segments[0]
 * @param lastKeys  key frames of the last segment
 */
export function planCamera(
  cameraId: string,
  segments: Segment[],
  fromMs: number,
  toMs: number,
  firstKeys: KeyframeTimes,
  lastKeys: KeyframeTimes,
): CameraPlan {
  if (!segments.length) throw new Error('no segments');
  const entries: ConcatEntry[] = segments.map((seg) => ({ seg }));
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;

  // start: greatest key frame at or before fromMs (0 = the segment's own start, always a key frame)
  let inSec = 0;
  if (fromMs > first.seg.startMs) {
    for (const k of firstKeys) if (first.seg.startMs + k * 1000 <= fromMs + 0.5) inSec = k;
  }
  if (inSec > 0) first.inpoint = inSec;
  const actualStartMs = first.seg.startMs + inSec * 1000;

  // end: smallest key frame at or after toMs, after the in point when it is the same file
  let outSec: number | undefined;
  const minOut = last === first ? inSec : 0;
  for (const k of lastKeys) {
    if (k > minOut && last.seg.startMs + k * 1000 >= toMs - 0.5) {
      outSec = k;
      break;
    }
  }
  if (outSec !== undefined && last.seg.startMs + outSec * 1000 < last.seg.endMs - 1) last.outpoint = outSec;
  const actualEndMs = last.outpoint !== undefined ? last.seg.startMs + last.outpoint * 1000 : last.seg.endMs;

  const gaps: CameraPlan['gaps'] = [];
  for (let i = 0; i + 1 < entries.length; i++) {
    const a = entries[i]!;
    const b = entries[i + 1]!;
    const gap = b.seg.startMs - a.seg.endMs;
    if (gap > GAP_MS) {
      gaps.push({ startMs: a.seg.endMs, endMs: b.seg.startMs });
      a.duration = (b.seg.startMs - a.seg.startMs) / 1000 - (a.inpoint ?? 0);
    }
  }
  return { cameraId, entries, actualStartMs, actualEndMs, gaps };
}

const quote = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;

/**
 * The ffconcat script. Each file is opened with a minimal probe and no decoder: its codec parameters are in its
 * own moov, and `-c copy` needs nothing more. Without these options the concat demuxer's stream probe decodes
 * frames of every file (a 1080p key frame each, ~10 ms), which made up most of a long export's demux time.
 * (ffmpeg logs "Codec (h264) not on whitelist" for each file; remux.ts drops those lines.)
 */
export function concatScript(entries: ConcatEntry[], absPath: (seg: Segment) => string): string {
  const lines = ['ffconcat version 1.0'];
  for (const e of entries) {
    lines.push(`file ${quote(absPath(e.seg))}`);
    lines.push('option probesize 32', 'option fpsprobesize 0', 'option codec_whitelist none');
    if (e.inpoint !== undefined) lines.push(`inpoint ${e.inpoint.toFixed(6)}`);
    if (e.outpoint !== undefined) lines.push(`outpoint ${e.outpoint.toFixed(6)}`);
    if (e.duration !== undefined) lines.push(`duration ${e.duration.toFixed(6)}`);
  }
  return lines.join('\n') + '\n';
}
