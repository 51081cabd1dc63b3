/** Reading the server's LL-HLS media playlists in tests (test/integration/llhls*.test.ts). */

export interface LlPart {
  /** media sequence number of the segment the part belongs to, and its index in it */
  msn: number;
  index: number;
  duration: number;
  independent: boolean;
  uri: string;
}

export interface LlPlaylist {
  text: string;
  msnFirst: number;
  partTarget: number;
  /** the last part listed: its segment's msn and its index in it */
  last: { msn: number; index: number; uri: string };
  hint?: string;
  /** complete segments (ll_s<msn>.m4s), oldest first */
  segments: string[];
  /** every part listed, oldest first */
  parts: LlPart[];
}

export function parseLlPlaylist(text: string): LlPlaylist {
  const lines = text.trim().split('\n');
  const msnFirst = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1]);
  const partTarget = Number(/PART-TARGET=([\d.]+)/.exec(text)?.[1]);
  let msn = msnFirst;
  let index = -1;
  let last = { msn, index, uri: '' };
  const segments: string[] = [];
  const parts: LlPart[] = [];
  for (const l of lines) {
    const p = /^#EXT-X-PART:DURATION=([\d.]+),.*URI="([^"]+)"/.exec(l);
    if (p) {
      index++;
      last = { msn, index, uri: p[2]! };
      parts.push({ msn, index, duration: Number(p[1]), independent: l.includes('INDEPENDENT=YES'), uri: p[2]! });
    } else if (/^ll_s\d+\.m4s$/.test(l)) {
      segments.push(l);
      msn++;
      index = -1;
    }
  }
  return { text, msnFirst, partTarget, last, hint: /PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(text)?.[1], segments, parts };
}
