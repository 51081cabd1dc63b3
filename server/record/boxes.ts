/**
 * Top-level box layout of a recording file (fragmented MP4: ftyp, moov, then moof/mdat pairs, then mfra when
 * ffmpeg closed the file normally). Recorded playback serves the file as two parts: the init section
 * (everything before the first moof) and the media section (the moof/mdat pairs — mfra and a torn last
 * fragment left out), which is what an HLS player's EXT-X-MAP and segment expect.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface FragmentLayout {
  /** bytes [0, initEnd) = ftyp + moov */
  initEnd: number;
  /** bytes [initEnd, mediaEnd) = complete moof/mdat pairs */
  mediaEnd: number;
  size: number;
  mtimeMs: number;
}

const cache = new Map<string, FragmentLayout>();
const CACHE_MAX = 2000;

/** Layout of `file`, or undefined when it has no complete fragment. Cached by path, size and mtime. */
export function fragmentLayout(file: string): FragmentLayout | undefined {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    const hit = cache.get(file);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit;
    const head = Buffer.alloc(16);
    let pos = 0;
    let initEnd: number | undefined;
    let mediaEnd: number | undefined;
    let lastWasMoof = false;
    while (pos + 8 <= st.size) {
      if (readSync(fd, head, 0, 16, pos) < 8) break;
      let len = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (len === 1) len = Number(head.readBigUInt64BE(8));
      else if (len === 0) len = st.size - pos;
      if (len < 8 || pos + len > st.size) break; // torn box at the end
      if (type === 'moof') {
        initEnd ??= pos;
        lastWasMoof = true;
      } else if (type === 'mdat' && initEnd !== undefined && lastWasMoof) {
        mediaEnd = pos + len;
        lastWasMoof = false;
      } else lastWasMoof = false;
      pos += len;
    }
    if (initEnd === undefined || mediaEnd === undefined) return undefined;
    const layout = { initEnd, mediaEnd, size: st.size, mtimeMs: st.mtimeMs };
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(file, layout);
    return layout;
  } finally {
    closeSync(fd);
  }
}
