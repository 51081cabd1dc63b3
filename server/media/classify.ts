/**
 * Pure classification of ffmpeg/ffprobe stderr into an OfflineReason and a short detail for the console.
 *
 * Mapping (first matching rule wins, rules are checked in this order over the whole text):
 *  - 401 / 403, "authorization failed"                    → authentication failed
 *  - 404 Not Found                                         → unreachable ("stream not found (404)": the camera
 *    answers but has no such path, which the operator fixes like an unreachable address)
 *  - connection refused / timed out / reset, no route, network unreachable, DNS failure,
 *    "End of file" (camera closed the connection), missing file → unreachable
 *  - no video stream, "does not contain any stream", "matches no streams",
 *    "Could not find codec parameters"                     → no video
 *  - "Invalid data found when processing input": for RTSP it is what ffmpeg 5.1 reports when the server accepts
 *    the TCP connection but never answers DESCRIBE (hung camera) or answers something that is not RTSP
 *    → unreachable; for a file it means "not a video file" → no video
 *  - "No space left on device" (the recording or live disk is full) → error, "the disk is full"
 *  - anything else (permission denied, encoder missing, "Immediate exit requested" from a
 *    signal nobody asked for, unknown messages)           → error, with the last meaningful line as detail
 */
import type { OfflineReason } from '../cameras/types.ts';

export interface Classified {
  reason: OfflineReason;
  detail: string;
}

interface Rule {
  re: RegExp;
  reason: OfflineReason;
  detail: string;
}

const RULES: readonly Rule[] = [
  // first: a full disk ends the process whatever else the camera said
  { re: /No space left on device/i, reason: 'error', detail: 'the disk is full' },
  { re: /401 Unauthorized|authorization failed/i, reason: 'authentication failed', detail: 'camera rejected the credentials (401)' },
  { re: /403 Forbidden/i, reason: 'authentication failed', detail: 'access forbidden (403)' },
  { re: /404 Not Found/i, reason: 'unreachable', detail: 'stream not found (404): check the URL path' },
  { re: /Connection refused/i, reason: 'unreachable', detail: 'connection refused' },
  { re: /Connection timed out|Operation timed out/i, reason: 'unreachable', detail: 'connection timed out' },
  { re: /No route to host/i, reason: 'unreachable', detail: 'no route to host' },
  { re: /Network is unreachable/i, reason: 'unreachable', detail: 'network is unreachable' },
  {
    re: /Name or service not known|Temporary failure in name resolution|Failed to resolve hostname|nodename nor servname/i,
    reason: 'unreachable',
    detail: 'host name not found',
  },
  { re: /Connection reset by peer|Broken pipe/i, reason: 'unreachable', detail: 'connection reset by the camera' },
  { re: /No such file or directory/i, reason: 'unreachable', detail: 'file not found' },
  {
    re: /does not contain any stream|matches no streams|no video stream/i,
    reason: 'no video',
    detail: 'the source has no video stream',
  },
  { re: /Could not find codec parameters/i, reason: 'no video', detail: 'could not read the video parameters' },
  { re: /End of file/i, reason: 'unreachable', detail: 'connection closed by the camera' },
];

const INVALID_DATA = /Invalid data found when processing input/i;

/** Harmless chatter that must never be taken for the cause of a failure. */
const NOISE: readonly RegExp[] = [
  /Timestamps are unset in a packet/i,
  /Non-monotonous DTS/i,
  /Non-monotonic DTS/i,
  /deprecated pixel format/i,
  /Past duration .* too large/i,
  /max delay reached/i,
  /RTP: missed \d+ packets/i,
  /Thread message queue blocking/i,
  /Packet corrupt/i,
  /^\s*Last message repeated/i,
];

export const isNoise = (line: string): boolean => NOISE.some((re) => re.test(line));

/** Remove credentials from URLs (and any known secret) in a line of ffmpeg output. */
export function redactLine(line: string, secrets: readonly string[] = []): string {
  let out = line.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1***@');
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

/** Strip ffmpeg's "[tcp @ 0x55…] " context and a leading "url: " to keep the message itself. */
export function cleanLine(line: string): string {
  return line
    .replace(/^\s*\[[^\]]*@\s*0x[0-9a-f]+\]\s*/i, '')
    .replace(/^[a-z][a-z0-9+.-]*:\/\/\S*?:\s+/i, '')
    .trim();
}

export interface ClassifyOptions {
  /** The source is a local file (demo) rather than a network stream. */
  isFile?: boolean;
}

/** Classify stderr text; undefined when nothing in it explains a failure. */
export function classifyText(text: string, opts: ClassifyOptions = {}): Classified | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !isNoise(l));
  const useful = lines.join('\n');
  for (const r of RULES) if (r.re.test(useful)) return { reason: r.reason, detail: r.detail };
  if (INVALID_DATA.test(useful)) {
    return opts.isFile
      ? { reason: 'no video', detail: 'not a playable video file' }
      : { reason: 'unreachable', detail: 'no valid RTSP answer from the camera' };
  }
  return undefined;
}

export interface ExitInfo {
  /** Last stderr lines (already redacted). */
  stderr: readonly string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  isFile?: boolean;
}

/** Why did an ffmpeg process that nobody asked to stop exit? Always returns a reason. */
export function classifyExit(e: ExitInfo): Classified {
  const known = classifyText(e.stderr.join('\n'), { isFile: e.isFile });
  if (known) return known;
  if (e.signal) return { reason: 'error', detail: `ffmpeg was killed by ${e.signal}` };
  // A network stream that ends without a word (ffmpeg exits 0): the camera went away.
  if (e.code === 0 && !e.isFile) return { reason: 'unreachable', detail: 'stream ended (camera closed the connection)' };
  const last = [...e.stderr].reverse().find((l) => l.trim() && !isNoise(l));
  const detail = last ? cleanLine(last).slice(0, 200) : `ffmpeg exited with code ${e.code}`;
  return { reason: 'error', detail };
}
