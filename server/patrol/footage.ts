/**
 * Spot-check footage: an HLS VOD playlist over the recorded fragmented-MP4 segments of a time range, so a
 * supervisor replays exactly what a stop showed the operator. Each recording file carries its own init
 * (ftyp+moov) followed by moof/mdat fragments: the playlist maps the init with a byte range and plays the rest,
 * with a discontinuity between files.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Segment } from '../store/segments.ts';

/** Bytes before the first `moof` box (the file's init section), or undefined when there is none yet. */
export function initLength(file: string): number | undefined {
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const head = Buffer.alloc(16);
    let pos = 0;
    while (pos + 8 <= size) {
      if (readSync(fd, head, 0, 16, pos) < 8) return undefined;
      let len = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (len === 1) len = Number(head.readBigUInt64BE(8));
      if (type === 'moof') return pos > 0 ? pos : undefined;
      if (len < 8) return undefined;
      pos += len;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export interface PlaylistSegment {
  seg: Segment;
  initLen: number;
  size: number;
}

/** The VOD playlist text; segment URIs are `seg/<id>.mp4` relative to the playlist. */
export function vodPlaylist(items: PlaylistSegment[], fromMs: number): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MEDIA-SEQUENCE:0'];
  const durs = items.map((i) => Math.max(0.1, (i.seg.endMs - i.seg.startMs) / 1000));
  lines.push(`#EXT-X-TARGETDURATION:${Math.ceil(Math.max(1, ...durs))}`);
  const first = items[0];
  if (first) lines.push(`#EXT-X-START:TIME-OFFSET=${Math.max(0, (fromMs - first.seg.startMs) / 1000).toFixed(3)},PRECISE=YES`);
  items.forEach((it, i) => {
    if (i > 0) lines.push('#EXT-X-DISCONTINUITY');
    const uri = `seg/${it.seg.id}.mp4`;
    lines.push(`#EXT-X-MAP:URI="${uri}",BYTERANGE="${it.initLen}@0"`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(it.seg.startMs).toISOString()}`);
    lines.push(`#EXTINF:${durs[i]!.toFixed(3)},`);
    lines.push(`#EXT-X-BYTERANGE:${it.size - it.initLen}@${it.initLen}`);
    lines.push(uri);
  });
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}
