/**
 * An RTSP client of the test or bench itself on a shared mount ("primer"). It has three jobs:
 *  1. Prepare the shared GStreamer media before Watchpost's N ffmpeg clients connect. Many clients
 *     doing SETUP/PLAY at once on a media that is still being prepared can abort the GStreamer
 *     RTSP server (gst_rtsp_media_get_rates: assertion failed), seen here with 16 clients.
 *  2. Count the frames the source really delivers (is the encoder keeping up at 1080p?).
 *  3. Note the wall-clock arrival time of every key frame: an independent cross-check for the
 *     playlist latency (HLS segments start at key frames, so segment k is closed when key frame
 *     k+1 arrives — at the same moment for every client of the shared media).
 * It is `ffmpeg -c copy -f framecrc` with a flush per packet: one line per frame, non-key frames
 * carry "F=0x…", key frames do not.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Primer {
  readonly process: ChildProcess;
  /** resolves at the first key frame; rejects if ffmpeg exits first or after timeoutMs */
  ready(timeoutMs?: number): Promise<void>;
  frames(): number;
  /** arrival times (ms since the epoch) of key frames */
  keyframeTimes(): number[];
  /** the latest key-frame arrival at or before t */
  lastKeyframeAtOrBefore(t: number): number | undefined;
  /** the key-frame arrival closest to t, if one is within toleranceMs */
  keyframeNear(t: number, toleranceMs: number): number | undefined;
  alive(): boolean;
  stderr(): string;
  stop(): Promise<void>;
}

export function startPrimer(rtspUrl: string, ffmpegPath = 'ffmpeg'): Primer {
  const child = spawn(
    ffmpegPath,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', rtspUrl,
      '-map', '0:v:0', '-c', 'copy', '-flush_packets', '1', '-f', 'framecrc', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let frames = 0;
  const keyframes: number[] = [];
  let buf = '';
  let err = '';
  let onKey: (() => void) | undefined;
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    const now = Date.now();
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line || line.startsWith('#')) continue;
      frames++;
      if (!line.includes('F=0x')) {
        keyframes.push(now);
        if (keyframes.length > 10_000) keyframes.splice(0, 5_000);
        onKey?.();
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const isAlive = () => child.exitCode === null && child.signalCode === null;

  return {
    process: child,
    ready(timeoutMs = 15_000) {
      if (keyframes.length) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`primer got no key frame in ${timeoutMs} ms: ${err.trim()}`)), timeoutMs);
        onKey = () => {
          clearTimeout(t);
          onKey = undefined;
          resolve();
        };
        void exited.then(() => {
          clearTimeout(t);
          reject(new Error(`primer ffmpeg exited (${child.exitCode ?? child.signalCode}): ${err.trim()}`));
        });
      });
    },
    frames: () => frames,
    keyframeTimes: () => [...keyframes],
    lastKeyframeAtOrBefore(t) {
      for (let i = keyframes.length - 1; i >= 0; i--) if (keyframes[i]! <= t) return keyframes[i];
      return undefined;
    },
    keyframeNear(t, toleranceMs) {
      let best: number | undefined;
      for (const k of keyframes) if (Math.abs(k - t) <= toleranceMs && (best === undefined || Math.abs(k - t) < Math.abs(best - t))) best = k;
      return best;
    },
    alive: isAlive,
    stderr: () => err,
    async stop() {
      if (!isAlive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
