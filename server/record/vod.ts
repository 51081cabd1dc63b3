/**
 * HLS VOD playlist over recorded segments. Each recording file is its own fMP4 with its own init section and
 * timestamps starting at 0, so every segment gets an EXT-X-MAP and a discontinuity; EXT-X-PROGRAM-DATE-TIME
 * carries its wall-clock start, which the console uses to map the player's position to the time of day.
 * Segment URIs are absolute (/api/recordings/<id>/…): the playlist itself never names a file path.
 */
import type { Segment } from '../store/segments.ts';

export const MAX_VOD_MS = 6 * 3600_000;

export function vodPlaylist(segments: Segment[]): string {
  const durs = segments.map((s) => Math.max(0.05, (s.endMs - s.startMs) / 1000));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXT-X-TARGETDURATION:${Math.ceil(Math.max(1, ...durs))}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  segments.forEach((s, i) => {
    if (i > 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-MAP:URI="/api/recordings/${s.id}/init.mp4"`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.startMs).toISOString()}`);
    lines.push(`#EXTINF:${durs[i]!.toFixed(3)},`);
    lines.push(`/api/recordings/${s.id}/media.mp4`);
  });
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}
