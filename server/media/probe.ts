/**
 * ffprobe helpers.
 *  - probeSource: the video codec/size/rate of a camera source before a pipeline starts, with a hard timeout.
 *    It spawns ffprobe itself: fluent-ffmpeg's ffprobe() gives no handle on the child, so a hung camera could
 *    not be killed at the deadline.
 *  - probeDuration: duration of a local recording file, through fluent-ffmpeg (no deadline needed).
 */
import { spawn } from 'node:child_process';
import Ffmpeg from 'fluent-ffmpeg';
import { isFileSource } from '../cameras/types.ts';
import { classifyText, cleanLine, isNoise, redactLine, type Classified } from './classify.ts';

export interface ProbeOk {
  ok: true;
  codec: string;
  width?: number;
  height?: number;
  fps?: number;
  /** stream bit rate, else the container's (often unknown for a live RTSP stream) */
  bitrateKbps?: number;
}
export interface ProbeFailed extends Classified {
  ok: false;
}
export type ProbeResult = ProbeOk | ProbeFailed;

export interface ProbeOptions {
  ffprobePath: string;
  /** URL as ffmpeg needs it (credentials included): never logged, never returned */
  url: string;
  rtspTimeoutSeconds: number;
  /** hard deadline; default rtspTimeoutSeconds + 5 s */
  timeoutMs?: number;
  /** extra strings to redact from the detail (the password) */
  secrets?: readonly string[];
  /** abort = kill ffprobe (the result is then an 'error' nobody should use) */
  signal?: AbortSignal;
}

/** "30000/1001" → 29.97; undefined for 0/0 or garbage. */
export function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [n, d] = rate.split('/').map(Number);
  const v = d === undefined ? n : n !== undefined && d ? n / d : NaN;
  return v !== undefined && Number.isFinite(v) && v > 0 && v < 1000 ? v : undefined;
}

/** Analysis cap of the probe; a source whose size is found within it can start ffmpeg with the same cap. */
export const PROBE_ANALYZE_SECONDS = 1;

export function probeArgs(url: string, rtspTimeoutSeconds: number): string[] {
  const net = /^rtsps?:\/\//i.test(url)
    ? ['-rtsp_transport', 'tcp', '-timeout', String(rtspTimeoutSeconds * 1_000_000)]
    : [];
  return [
    '-v', 'error', ...net,
    // the codec is in the SDP; one second of analysis is enough for size and rate
    '-analyzeduration', String(PROBE_ANALYZE_SECONDS * 1_000_000),
    '-select_streams', 'v:0',
    '-show_entries', 'stream=codec_name,width,height,avg_frame_rate,r_frame_rate,bit_rate:format=bit_rate',
    '-of', 'json',
    url,
  ];
}

interface ProbeJson {
  streams?: { codec_name?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; bit_rate?: string }[];
  format?: { bit_rate?: string };
}

/** "2000000" → 2000 kb/s; undefined for "N/A" or garbage. */
function kbps(v: string | undefined): number | undefined {
  const n = Number(v);
  return v && Number.isFinite(n) && n > 0 ? Math.round(n / 1000) : undefined;
}

export function probeSource(o: ProbeOptions): Promise<ProbeResult> {
  const isFile = isFileSource(o.url);
  const timeoutMs = o.timeoutMs ?? o.rtspTimeoutSeconds * 1000 + 5000;
  return new Promise((resolve) => {
    const child = spawn(o.ffprobePath, probeArgs(o.url, o.rtspTimeoutSeconds), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const abort = () => child.kill('SIGKILL');
    o.signal?.addEventListener('abort', abort, { once: true });
    child.on('close', () => o.signal?.removeEventListener('abort', abort));
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 64_000) err += d.toString();
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: 'error', detail: `cannot run ffprobe: ${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = redactLine(err, o.secrets);
      if (timedOut) {
        resolve({
          ok: false,
          reason: isFile ? 'error' : 'unreachable',
          detail: `no answer within ${Math.round(timeoutMs / 1000)} s`,
        });
        return;
      }
      let json: ProbeJson = {};
      try {
        json = JSON.parse(out || '{}') as ProbeJson;
      } catch {
        /* classified below */
      }
      const s = json.streams?.[0];
      if (code === 0 && s?.codec_name) {
        const fps = parseRate(s.avg_frame_rate) ?? parseRate(s.r_frame_rate);
        const bitrateKbps = kbps(s.bit_rate) ?? kbps(json.format?.bit_rate);
        resolve({ ok: true, codec: s.codec_name, width: s.width, height: s.height, fps, bitrateKbps });
        return;
      }
      if (code === 0) {
        resolve({ ok: false, reason: 'no video', detail: 'the source has no video stream' });
        return;
      }
      const known = classifyText(stderr, { isFile });
      if (known) {
        resolve({ ok: false, ...known });
        return;
      }
      const last = stderr.split('\n').filter((l) => l.trim() && !isNoise(l)).pop();
      resolve({ ok: false, reason: 'error', detail: last ? cleanLine(last).slice(0, 200) : `ffprobe exited with ${code}` });
    });
  });
}

/** Duration (seconds) of a local media file, or undefined when it has no readable frames. */
export function probeDuration(ffprobePath: string, file: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    Ffmpeg(file)
      .setFfprobePath(ffprobePath)
      .ffprobe((err: unknown, data) => {
        if (err || !data) return resolve(undefined);
        const d = Number(data.format?.duration ?? data.streams?.[0]?.duration);
        resolve(Number.isFinite(d) && d > 0 ? d : undefined);
      });
  });
}

export interface BitrateOptions {
  ffprobePath: string;
  /** URL with credentials, as for probeSource: never logged, never returned */
  url: string;
  rtspTimeoutSeconds: number;
  /** seconds of stream to read (default 2) */
  seconds?: number;
  /** hard deadline (default seconds + rtspTimeoutSeconds + 1 s) */
  timeoutMs?: number;
}

/**
 * Measured video bit rate (kb/s) of a live source: the packet sizes over a few seconds of stream, for sources
 * whose SDP and container carry no bit rate (RTSP cameras). undefined when nothing could be read in time.
 */
export function measureBitrate(o: BitrateOptions): Promise<number | undefined> {
  const seconds = o.seconds ?? 2;
  const net = /^rtsps?:\/\//i.test(o.url) ? ['-rtsp_transport', 'tcp', '-timeout', String(o.rtspTimeoutSeconds * 1_000_000)] : [];
  const args = ['-v', 'error', ...net, '-select_streams', 'v:0', '-read_intervals', `%+${seconds}`,
    '-show_entries', 'packet=size,pts_time,duration_time', '-of', 'csv=p=0', o.url];
  const timeoutMs = o.timeoutMs ?? (seconds + o.rtspTimeoutSeconds + 1) * 1000;
  return new Promise((resolve) => {
    const child = spawn(o.ffprobePath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < 4_000_000) out += d.toString();
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.on('close', () => {
      clearTimeout(timer);
      let bytes = 0;
      let first = Infinity;
      let last = -Infinity;
      let lastDur = 0;
      let extra = 0;
      for (const line of out.split('\n')) {
        // csv order follows the section's fields: pts_time,duration_time,size
        const [pts, dur, size] = line.split(',').map(Number);
        if (!Number.isFinite(size)) continue;
        bytes += size!;
        // the first packet (the key frame) may have no time stamp: its bytes and its duration count
        if (!Number.isFinite(pts)) {
          extra += Number.isFinite(dur) ? dur! : 0;
          continue;
        }
        first = Math.min(first, pts!);
        if (pts! >= last) {
          last = pts!;
          lastDur = Number.isFinite(dur) ? dur! : 0;
        }
      }
      const span = last - first + lastDur + extra;
      resolve(bytes > 0 && span > 0.2 ? Math.round((bytes * 8) / span / 1000) : undefined);
    });
  });
}
