/**
 * ffmpeg's segment muxer list (`-segment_list pipe:3 -segment_list_type csv`): one line `file,start,end` per
 * *finished* segment, times in seconds of the run's stream time (0 = first packet of the run).
 *
 * Wall-clock anchoring: when a stream time t is observed at wall time `now` (a list line's end, or ffmpeg's
 * progress out_time), `now - t` is an upper bound of the wall time of stream time 0, because observation only
 * ever lags. The anchor is the minimum over the run; a segment is then [anchor + start, anchor + end].
 * Segments of one run share the anchor, so they are exactly contiguous.
 */

export interface SegmentListEntry {
  /** file name as written by ffmpeg (basename) */
  file: string;
  /** seconds, stream time */
  start: number;
  end: number;
}

/** Parse one CSV field list, honouring ffmpeg's quoting ("a ""b"",c"). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** One list line → entry, or undefined when the line is not a valid entry. */
export function parseSegmentListLine(line: string): SegmentListEntry | undefined {
  const trimmed = line.replace(/\r$/, '');
  if (!trimmed.trim()) return undefined;
  const fields = splitCsv(trimmed);
  if (fields.length < 3) return undefined;
  const end = Number(fields.pop());
  const start = Number(fields.pop());
  const file = fields.join(',');
  if (!file || !Number.isFinite(start) || !Number.isFinite(end) || end < start) return undefined;
  return { file, start, end };
}

/** Splits a byte stream into lines; feed chunks, get complete entries back. */
export class SegmentListReader {
  private buf = '';
  push(chunk: string): SegmentListEntry[] {
    this.buf += chunk;
    const lines = this.buf.split('\n');
    this.buf = lines.pop() ?? '';
    return lines.map(parseSegmentListLine).filter((e): e is SegmentListEntry => e !== undefined);
  }
  /** Whatever is left when the stream ends (a last line without newline). */
  end(): SegmentListEntry[] {
    const rest = this.buf;
    this.buf = '';
    const e = parseSegmentListLine(rest);
    return e ? [e] : [];
  }
}

/** Anchor after observing stream time `streamSec` at wall time `nowMs` (pure). */
export function nextAnchor(prev: number | undefined, streamSec: number, nowMs: number): number {
  const candidate = nowMs - streamSec * 1000;
  return prev === undefined ? candidate : Math.min(prev, candidate);
}

export interface WallRange {
  startMs: number;
  endMs: number;
}

/** Wall-clock range of an entry for a given anchor (pure). */
export function wallRange(anchorMs: number, e: Pick<SegmentListEntry, 'start' | 'end'>): WallRange {
  return { startMs: anchorMs + e.start * 1000, endMs: anchorMs + e.end * 1000 };
}

/** Mutable holder of one run's anchor. */
export class WallClockAnchor {
  private value: number | undefined;
  /** Returns by how many ms the anchor moved earlier (0 if it did not). */
  observe(streamSec: number, nowMs: number): number {
    if (!Number.isFinite(streamSec) || streamSec < 0) return 0;
    const prev = this.value;
    this.value = nextAnchor(prev, streamSec, nowMs);
    return prev === undefined ? 0 : prev - this.value;
  }
  get ms(): number | undefined {
    return this.value;
  }
  range(e: Pick<SegmentListEntry, 'start' | 'end'>): WallRange | undefined {
    return this.value === undefined ? undefined : wallRange(this.value, e);
  }
}
