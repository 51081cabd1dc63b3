/**
 * Incremental reader of ffmpeg's fragmented MP4 byte stream (`-f mp4 -movflags frag_keyframe+empty_moov+
 * default_base_moof`): cuts it at top-level box boundaries into the init segment (ftyp+moov) and fragments
 * (moof+mdat), never rewriting a byte. From the boxes it reads only what LL-HLS needs: the video track's
 * timescale and default sample flags/duration (moov: mdhd, trex), and per fragment its decode time (tfdt),
 * duration (trun/tfhd/trex sample durations) and whether its first sample is a sync sample (key frame).
 * The buffer is bounded: a box larger than maxBoxBytes is an error (the reader resets and resynchronises on
 * the next init segment).
 */

export interface InitSegment {
  data: Buffer;
  timescale: number;
}

export interface Fragment {
  /** moof+mdat bytes, as ffmpeg wrote them */
  data: Buffer;
  /** baseMediaDecodeTime / timescale, seconds */
  startSec: number;
  durationSec: number;
  /** the first sample is a sync sample (a key frame): the fragment can start decoding */
  independent: boolean;
  samples: number;
}

export interface BoxEvents {
  onInit(init: InitSegment): void;
  onFragment(f: Fragment): void;
  onError?(message: string): void;
}

interface TrackDefaults {
  timescale: number;
  duration: number;
  flags: number;
}

/** sample_is_non_sync_sample bit of the ISO BMFF sample flags */
const NON_SYNC = 0x10000;
export const MAX_BOX_BYTES = 32 * 1024 * 1024;

/** Header of the box at `off` in `b`: [size, type, header length], or undefined if not all there yet. */
function header(b: Buffer, off: number, end = b.length): [number, string, number] | undefined {
  if (end - off < 8) return undefined;
  let size = b.readUInt32BE(off);
  const type = b.toString('latin1', off + 4, off + 8);
  let hdr = 8;
  if (size === 1) {
    if (end - off < 16) return undefined;
    size = Number(b.readBigUInt64BE(off + 8));
    hdr = 16;
  } else if (size === 0) {
    size = end - off; // to the end of the enclosing container
  }
  return [size, type, hdr];
}

/** Children of a container box's payload [start, end): type → [payload start, box end] (first of each type). */
function children(b: Buffer, start: number, end: number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  let off = start;
  while (off < end) {
    const h = header(b, off, end);
    if (!h || h[0] < h[2] || off + h[0] > end) break;
    if (!out.has(h[1])) out.set(h[1], [off + h[2], off + h[0]]);
    off += h[0];
  }
  return out;
}

function path(b: Buffer, start: number, end: number, names: string[]): [number, number] | undefined {
  let range: [number, number] | undefined = [start, end];
  for (const n of names) {
    range = children(b, range[0], range[1]).get(n);
    if (!range) return undefined;
  }
  return range;
}

/** Timescale and trex defaults of the first track of a moov box. */
export function readMoov(b: Buffer, start: number, end: number): TrackDefaults | undefined {
  const mdhd = path(b, start, end, ['trak', 'mdia', 'mdhd']);
  if (!mdhd) return undefined;
  const v = b[mdhd[0]];
  const timescale = b.readUInt32BE(mdhd[0] + (v === 1 ? 20 : 12));
  const trex = path(b, start, end, ['mvex', 'trex']);
  // trex: version/flags(4) track_ID(4) default_sample_description_index(4) duration(4) size(4) flags(4)
  const duration = trex ? b.readUInt32BE(trex[0] + 12) : 0;
  const flags = trex ? b.readUInt32BE(trex[0] + 20) : 0;
  return timescale > 0 ? { timescale, duration, flags } : undefined;
}

/** Decode time, duration (timescale units), sample count and first-sample sync flag of a moof's first traf. */
export function readMoof(b: Buffer, start: number, end: number, d: TrackDefaults): { t: number; dur: number; n: number; sync: boolean } | undefined {
  const traf = path(b, start, end, ['traf']);
  if (!traf) return undefined;
  const kids = children(b, traf[0], traf[1]);
  const tfhd = kids.get('tfhd');
  const trun = kids.get('trun');
  if (!tfhd || !trun) return undefined;
  let defDur = d.duration;
  let defFlags = d.flags;
  const hf = b.readUInt32BE(tfhd[0]) & 0xffffff;
  let p = tfhd[0] + 8; // version/flags, track_ID
  if (hf & 0x1) p += 8; // base_data_offset
  if (hf & 0x2) p += 4; // sample_description_index
  if (hf & 0x8) {
    defDur = b.readUInt32BE(p);
    p += 4;
  }
  if (hf & 0x10) p += 4; // default_sample_size
  if (hf & 0x20) defFlags = b.readUInt32BE(p);
  let t = 0;
  const tfdt = kids.get('tfdt');
  if (tfdt) t = b[tfdt[0]] === 1 ? Number(b.readBigUInt64BE(tfdt[0] + 4)) : b.readUInt32BE(tfdt[0] + 4);
  const rf = b.readUInt32BE(trun[0]) & 0xffffff;
  const n = b.readUInt32BE(trun[0] + 4);
  p = trun[0] + 8;
  if (rf & 0x1) p += 4; // data_offset
  let firstFlags: number | undefined;
  if (rf & 0x4) {
    firstFlags = b.readUInt32BE(p);
    p += 4;
  }
  const per = ((rf & 0x100) ? 4 : 0) + ((rf & 0x200) ? 4 : 0) + ((rf & 0x400) ? 4 : 0) + ((rf & 0x800) ? 4 : 0);
  let dur = 0;
  for (let i = 0; i < n; i++) {
    const s = p + i * per;
    if (s + per > trun[1]) return undefined;
    let q = s;
    if (rf & 0x100) {
      dur += b.readUInt32BE(q);
      q += 4;
    } else dur += defDur;
    if (rf & 0x200) q += 4;
    if (i === 0 && firstFlags === undefined && rf & 0x400) firstFlags = b.readUInt32BE(q);
  }
  const flags = firstFlags ?? defFlags;
  return { t, dur, n, sync: (flags & NON_SYNC) === 0 };
}

export class Fmp4BoxReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ftyp: Buffer | undefined;
  private track: TrackDefaults | undefined;
  private moof: [Buffer, number] | undefined;
  /** size of the box being waited for, once its header was read */
  private need = 0;

  constructor(
    private readonly ev: BoxEvents,
    private readonly maxBoxBytes = MAX_BOX_BYTES,
  ) {}

  /** Bytes held while waiting for the end of a box. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < Math.max(8, this.need)) return;
      const head = this.peek(16);
      const h = header(head, 0, head.length);
      if (!h) return;
      const [size, type, hdr] = h;
      if (size < hdr || size > this.maxBoxBytes || !/^[\x20-\x7e]{4}$/.test(type)) {
        this.fail(`unreadable box ${JSON.stringify(type)} of ${size} bytes`);
        return;
      }
      this.need = size;
      if (this.buffered < size) return;
      this.need = 0;
      this.box(type, this.take(size), hdr);
    }
  }

  /** Drop everything (the process producing the stream is gone). */
  reset(): void {
    this.chunks = [];
    this.buffered = 0;
    this.need = 0;
    this.ftyp = undefined;
    this.moof = undefined;
    this.track = undefined;
  }

  private fail(message: string): void {
    this.reset();
    this.ev.onError?.(message);
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n || this.chunks.length === 1) return first.subarray(0, n);
    return Buffer.concat(this.chunks).subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const box = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return box;
  }

  private box(type: string, b: Buffer, hdr: number): void {
    switch (type) {
      case 'ftyp':
        this.ftyp = b;
        this.track = undefined;
        this.moof = undefined;
        return;
      case 'moov': {
        const track = readMoov(b, hdr, b.length);
        if (!this.ftyp || !track) return this.fail('init segment without ftyp or video track');
        this.track = track;
        this.ev.onInit({ data: Buffer.concat([this.ftyp, b]), timescale: track.timescale });
        return;
      }
      case 'moof':
        this.moof = this.track ? [b, hdr] : undefined;
        return;
      case 'mdat': {
        const moof = this.moof;
        this.moof = undefined;
        if (!moof || !this.track) return;
        const m = readMoof(moof[0], moof[1], moof[0].length, this.track);
        if (!m) return this.ev.onError?.('fragment without a readable traf');
        const ts = this.track.timescale;
        this.ev.onFragment({
          data: Buffer.concat([moof[0], b]),
          startSec: m.t / ts,
          durationSec: m.dur / ts,
          independent: m.sync,
          samples: m.n,
        });
        return;
      }
      default:
        return; // styp, sidx, mfra, free, …: not needed
    }
  }
}
