/**
 * The frame reader's pieces that need no process: its options and frame type, the ffmpeg argument list
 *   [-re] [-skip_frame nokey] -i INPUT -vf fps=N,scale=W:H,showinfo -f rawvideo -pix_fmt bgr24 pipe:1
 * and the parsers of ffmpeg's stderr lines (showinfo's frame size and pts_time, the input's video size).
 */
import { INPUT_SIZE } from './preprocess.ts';

export interface Frame {
  data: Buffer;
  width: number;
  height: number;
  order: 'bgr';
  sourceWidth: number;
  sourceHeight: number;
  /** presentation time in video seconds */
  t: number;
  /** frame number in this stream (0-based, counts dropped frames too) */
  index: number;
  /** Date.now() when the frame was read */
  receivedAt: number;
  /**
   * Wall clock (epoch ms) of the frame on the LL-HLS clock: the PDT of the part it came in + its offset
   * in that part. Only frames read from a camera's LL-HLS ring have it (live/ring-tap.ts).
   */
  wallMs?: number;
  /**
   * Hand the pixel buffer back to its source for the next frame once nothing reads `data` any more
   * (the live scheduler and analyzeVideo do; skipping it is safe, the buffer is then garbage collected).
   * A 390 KB buffer per frame at 16 cameras × 2 fps was most of the server's garbage.
   */
  release?: () => void;
}

export interface FrameSourceOptions {
  input: string;
  /** analysis rate; default 5. In keyframe mode it is a maximum (frames closer than 1/fps are skipped). */
  fps?: number;
  /** decode only key frames (-skip_frame nokey), for live streams with short GOPs */
  keyframesOnly?: boolean;
  /** output size; default: the source letterboxed into `letterboxTo` (416) keeping aspect */
  width?: number;
  height?: number;
  letterboxTo?: number;
  /** read a file at its native rate (-re); live inputs are real time anyway */
  realtime?: boolean;
  /** default 'drop-oldest' when realtime or not a file, else 'block' */
  overflow?: 'block' | 'drop-oldest';
  maxQueue?: number;
  ffmpegPath?: string;
  /** extra input options (before -i); rtsp:// gets -rtsp_transport tcp unless given here */
  inputArgs?: string[];
  /** decoder threads (default 1: inference needs the other core) */
  threads?: number;
  /** the input comes on ffmpeg's stdin (input 'pipe:0'), written through FrameSource.write() */
  stdin?: boolean;
}

export interface FrameStats {
  /** frames handed to the queue */
  frames: number;
  /** frames discarded by 'drop-oldest' because the consumer was behind */
  dropped: number;
}

export const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/** The ffmpeg argument list (pure; exported for tests). */
export function frameArgs(o: FrameSourceOptions): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
  if (o.realtime && !isUrl(o.input)) args.push('-re');
  if (o.input.startsWith('rtsp://') && !(o.inputArgs ?? []).includes('-rtsp_transport')) args.push('-rtsp_transport', 'tcp');
  args.push(...(o.inputArgs ?? []));
  args.push('-threads', String(o.threads ?? 1));
  if (o.keyframesOnly) args.push('-skip_frame', 'nokey');
  args.push('-i', o.input, '-an', '-sn', '-dn');
  const filters: string[] = [];
  if (!o.keyframesOnly) filters.push(`fps=${o.fps ?? 5}`);
  if (o.width && o.height) filters.push(`scale=${o.width}:${o.height}`);
  else {
    const s = o.letterboxTo ?? INPUT_SIZE;
    filters.push(`scale=${s}:${s}:force_original_aspect_ratio=decrease`);
  }
  filters.push('showinfo=checksum=0');
  // each frame leaves as soon as it is filtered: the rawvideo encoder frame-threaded (threads auto) holds one
  // frame back, so it came out with the next analysed frame (measured with ffmpeg 5.1: 200 ms late at 5 fps,
  // a whole GOP with key frames only); -flush_packets 1: no frame tail waits in the output buffer
  args.push('-vf', filters.join(','), '-fps_mode', 'passthrough', '-threads', '1', '-flush_packets', '1', '-f', 'rawvideo', '-pix_fmt', 'bgr24', 'pipe:1');
  return args;
}

const SHOWINFO = /Parsed_showinfo.*\bn:\s*(\d+).*\bpts_time:\s*(-?[\d.]+|NOPTS).*\bs:(\d+)x(\d+)/;
const INPUT_VIDEO = /^\s*Stream #0:\d+.*: Video: .*?, (\d{2,5})x(\d{2,5})/;

/** A showinfo line: the frame's presentation time (NaN without one) and size; undefined for other lines. */
export function parseShowinfo(l: string): { t: number; w: number; h: number } | undefined {
  const m = SHOWINFO.exec(l);
  if (!m) return undefined;
  return { t: m[2] === 'NOPTS' ? Number.NaN : Number(m[2]), w: Number(m[3]), h: Number(m[4]) };
}

/** The input stream's video size from ffmpeg's stream listing, if this line is it. */
export function parseInputVideo(l: string): { w: number; h: number } | undefined {
  const v = INPUT_VIDEO.exec(l);
  return v ? { w: Number(v[1]), h: Number(v[2]) } : undefined;
}
