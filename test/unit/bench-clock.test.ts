/**
 * The glass-to-glass benchmark's camera clock (bench/clock): the frames clock_server.py draws, through a
 * real H.264 encode and decode (ffmpeg libx264 at a low bitrate, then back to luma), decode to the time
 * that was drawn into them with bench/clock/code.ts — and frames that are not clock frames decode to null.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clockBits, decodeClock, unwrap, valueFromBits } from '../../bench/clock/code.ts';
import { SYSTEM_PYTHON } from '../support/rtsp.ts';

const SERVER = fileURLToPath(new URL('../../bench/clock/clock_server.py', import.meta.url));
const W = 640;
const H = 360;
const FRAME = (W * H * 3) / 2;

function drawnFrame(ms: number): Buffer {
  return execFileSync(SYSTEM_PYTHON, [SERVER, '--dump-frame', String(ms), '--width', String(W), '--height', String(H)], {
    maxBuffer: 16 * FRAME,
  });
}

/** raw I420 frames → H.264 (x264 ultrafast zerolatency, like the camera) → decoded luma planes */
function throughH264(frames: Buffer[], kbps: number): Buffer[] {
  const h264 = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${W}x${H}`,
    '-r', '25', '-i', 'pipe:0', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline',
    '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`, '-g', '25', '-f', 'h264', 'pipe:1'], { input: Buffer.concat(frames), maxBuffer: 64 * FRAME });
  const gray = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'h264', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    { input: h264, maxBuffer: 64 * FRAME });
  const out: Buffer[] = [];
  for (let o = 0; o + W * H <= gray.length; o += W * H) out.push(gray.subarray(o, o + W * H));
  return out;
}

const lumaOf = (plane: Buffer) => (x: number, y: number) => plane[y * W + x]!;

describe('bench camera clock', () => {
  it('decodes the drawn time from frames that went through H.264 at 150 kbit/s', () => {
    const t0 = Date.parse('2026-12-03T18:00:00.123Z');
    const times = Array.from({ length: 30 }, (_, i) => t0 + i * 40 + (i % 7)); // 30 frames: 1 I + P frames
    const decoded = throughH264(times.map(drawnFrame), 150);
    expect(decoded).toHaveLength(times.length);
    const now = t0 + 5000;
    expect(decoded.map((p) => decodeClock(lumaOf(p), W, now))).toEqual(times);
  });

  it('decodes a time right across the 2^32 ms wrap', () => {
    const wrap = 2 ** 32;
    const t = 400 * wrap - 3; // ms mod 2^32 = 2^32 − 3
    const [p] = throughH264([drawnFrame(t)], 500);
    expect(decodeClock(lumaOf(p!), W, t + 10)).toBe(t); // reader's clock already past the wrap
    expect(unwrap((t + 20) % wrap, t)).toBe(t + 20); // frame from just after the wrap, reader just before
  });

  it('encodes the same bits as clock_server.py draws (TS encoder = Python encoder)', () => {
    const ms = 1_764_790_000_123;
    const plane = drawnFrame(ms).subarray(0, W * H);
    const block = W / 20;
    const drawn = Array.from({ length: 40 }, (_, i) => (plane[Math.floor((Math.floor(i / 20) + 0.5) * block) * W + Math.floor(((i % 20) + 0.5) * block)]! > 128 ? 1 : 0));
    expect(drawn).toEqual(clockBits(ms));
    expect(valueFromBits(clockBits(ms))).toBe(ms % 2 ** 32);
  });

  it('rejects frames that are not clock frames: noise, flat grey, a flipped bit, a blurred code', () => {
    const now = Date.now();
    const noise = randomBytes(W * H);
    expect(decodeClock(lumaOf(noise), W, now)).toBeNull();
    expect(decodeClock(() => 128, W, now)).toBeNull();
    expect(decodeClock(() => 16, W, now)).toBeNull(); // all black
    expect(decodeClock(() => 235, W, now)).toBeNull(); // all white
    const bits = clockBits(now);
    for (let i = 0; i < 40; i++) {
      const flipped = bits.map((b, j) => (j === i ? 1 - b : b));
      expect(valueFromBits(flipped)).toBeNull();
    }
    // a block near mid-grey is not read as a bit
    const plane = Buffer.from(throughH264([drawnFrame(now)], 500)[0]!);
    const block = W / 20;
    const cx = Math.floor(3.5 * block);
    const cy = Math.floor(0.5 * block);
    plane[cy * W + cx] = 140;
    expect(decodeClock(lumaOf(plane), W, now)).toBeNull();
    expect(valueFromBits(bits.slice(1))).toBeNull();
  });
});
