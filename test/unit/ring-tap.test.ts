/**
 * The live analytics' frame tap fed from an LL-HLS ring (issue I point 2), on real ffmpeg: a clip whose
 * every frame shows its own number (grey level 20 + 22 × (N mod 10)) goes through the server's fMP4 command line
 * (llFmp4Args) in real time into a real PartRing, and the tap decodes it from the ring over a pipe.
 * Checked: a frame's wall time is the PDT of the part that holds it (found from the frame's pixels, not its
 * time stamp) + its offset, within one frame interval; frames come shortly after their part; a new init
 * (the camera's ffmpeg restarted) restarts the tap's ffmpeg; a tap whose ffmpeg stops reading is dropped
 * with a log line, with a bounded queue, and a new one takes over.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CameraTap } from '../../server/analytics/live/tap.ts';
import type { Frame } from '../../server/analytics/frames.ts';
import { llFmp4Args } from '../../server/media/ffmpeg-args.ts';
import { Fmp4BoxReader } from '../../server/media/llhls/fmp4-boxes.ts';
import { PartRing, type Part } from '../../server/media/llhls/part-ring.ts';
import { createLogger, type Logger } from '../../server/util/log.ts';

const FPS = 10;
const tmp = mkdtempSync(join(os.tmpdir(), 'wp-ringtap-'));
const clip = join(tmp, 'numbered.mp4');

beforeAll(() => {
  // 10 fps, key frame every second, each frame's grey level (Y = 20 + 22 × (N mod 10)) = its number; noise
  // makes it ~400 KB/s, so a stuck reader's queue fills in a fraction of a second
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `nullsrc=size=320x192:rate=${FPS},geq=lum='20+mod(N\\,10)*22':cb=128:cr=128,noise=alls=20:allf=t`,
    '-t', '30', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-keyint_min', '10', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', clip]);
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The camera pipeline's part: the clip in real time through the server's fMP4 output into the ring. */
function feed(ring: PartRing, seconds: number, from = 0): ChildProcess {
  const c = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-ss', String(from), '-t', String(seconds), '-i', clip, ...llFmp4Args()], {
    stdio: ['ignore', 'ignore', 'inherit', 'ignore', 'pipe'],
  });
  const r = new Fmp4BoxReader({ onInit: (i) => ring.init(i), onFragment: (f) => ring.fragment(f) });
  (c.stdio[4] as Readable).on('data', (d: Buffer) => r.push(d));
  c.on('close', () => ring.end());
  return c;
}

const newRing = () => new PartRing({ minSegmentSeconds: 1, partTargetSeconds: 0.2, maxSegments: 6 });

/** every part the ring ever had (the ring itself keeps only the last few segments) */
function record(ring: PartRing): Part[] {
  const all: Part[] = [];
  ring.subscribe({ onPart: (p) => all.push({ ...p, data: Buffer.alloc(0) }) });
  return all;
}

interface Seen {
  t: number;
  wallMs: number | undefined;
  receivedAt: number;
  /** the frame number mod 10, from its pixels */
  digit: number;
}

function seen(f: Frame): Seen {
  let sum = 0;
  for (let i = 0; i < f.data.length; i += 3 * 17) sum += f.data[i + 1]!;
  const mean = sum / Math.ceil(f.data.length / (3 * 17));
  f.release?.();
  // BGR from limited-range Y: G = 1.164 (Y − 16)
  return { t: f.t, wallMs: f.wallMs, receivedAt: f.receivedAt, digit: Math.round((mean / 1.164 + 16 - 20) / 22) };
}

function recordingLog(): { log: Logger; warnings: string[] } {
  const base = createLogger('test-ring-tap');
  const warnings: string[] = [];
  const log: Logger = { ...base, warn: (m, f) => (warnings.push(m), base.warn(m, f)), child: () => log };
  return { log, warnings };
}

const until = async (what: string, ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function startTap(ring: PartRing | undefined, onFrame: (f: Frame) => void, extra: Partial<ConstructorParameters<typeof CameraTap>[0]> = {}): CameraTap {
  const tap = new CameraTap({ cameraId: 'ringcam', liveDir: join(tmp, 'no-playlist'), fps: 5, keyframesOnly: false, log: createLogger('test-ring-tap'), onFrame, ring: () => ring, ...extra });
  tap.start();
  cleanup.push(() => tap.stop());
  return tap;
}

describe('frame tap from the LL-HLS ring', () => {
  it('stamps each frame with the PDT of the part holding it, within one frame interval, right after its part came', async () => {
    const ring = newRing();
    const parts = record(ring);
    const frames: Seen[] = [];
    const arrival = new Map<number, number>();
    ring.subscribe({ onPart: (p) => arrival.set(p.id, Date.now()) });
    const cam = feed(ring, 9);
    cleanup.push(() => cam.kill('SIGKILL'));
    const tap = startTap(ring, (f) => frames.push(seen(f)));
    await until('7 s of frames', () => frames.length >= 35, 30_000);
    expect(tap.source).toBe('ll-hls');
    expect(tap.state).toBe('running');

    let checked = 0;
    const late: number[] = [];
    for (const f of frames) {
      // the frame's number from its pixels, in the second its time stamp says (grid of fps=5: ±1 source frame)
      const n = Math.round(f.t * FPS);
      const dn = [0, -1, 1].find((d) => (((n + d) % 10) + 10) % 10 === f.digit);
      expect(dn, `frame at t=${f.t} shows ${f.digit}`).toBeDefined();
      const frameSec = (n + dn!) / FPS;
      const part = parts.findLast((p) => p.startSec <= frameSec + 1e-6);
      expect(part && frameSec < part.startSec + part.durationSec + 1e-6, `a part holds the frame at ${frameSec}`).toBe(true);
      const truth = part!.pdtMs + (frameSec - part!.startSec) * 1000;
      expect(f.wallMs, `frame ${frameSec}`).toBeDefined();
      expect(Math.abs(f.wallMs! - truth), `frame ${frameSec}: wall ${f.wallMs} vs part PDT + offset ${truth}`).toBeLessThanOrEqual(1000 / FPS);
      checked++;
      if (frameSec >= 3) late.push(f.receivedAt - arrival.get(part!.id)!);
    }
    expect(checked).toBeGreaterThanOrEqual(35);
    // after ffmpeg's start-up probing (~2 s of 10 fps video), a frame comes out right after its part, not a 1 s
    // segment + a playlist poll later (nor one analysed frame late: frameArgs keeps the encoder single-threaded)
    late.sort((a, b) => a - b);
    const p50 = late[Math.floor(late.length / 2)]!;
    console.log(`ring tap: frame after its part's arrival p50 ${p50} ms, max ${late.at(-1)} ms over ${late.length} frames`);
    expect(p50).toBeLessThan(100);
  }, 60_000);

  it('a new init segment (the camera ffmpeg restarted) restarts the tap, and frames keep the new parts’ clock', async () => {
    const ring = newRing();
    const parts = record(ring);
    const frames: Seen[] = [];
    const first = feed(ring, 4);
    cleanup.push(() => first.kill('SIGKILL'));
    const tap = startTap(ring, (f) => frames.push(seen(f)));
    await until('frames of the first run', () => frames.length >= 5, 20_000);
    const pid1 = tap.ringRun?.pid;
    expect(pid1).toBeDefined();
    await new Promise((r) => first.once('close', r));
    const initBefore = ring.currentInitId;
    const n = frames.length;
    const second = feed(ring, 5, 10); // the clip from second 10: new init, time stamps from 0 again
    cleanup.push(() => second.kill('SIGKILL'));
    await until('frames of the second run', () => frames.length >= n + 8, 20_000);
    expect(ring.currentInitId).toBe(initBefore + 1);
    expect(tap.ringRun?.pid).toBeDefined();
    expect(tap.ringRun?.pid).not.toBe(pid1);
    const after = frames.slice(n + 2);
    const secondParts = parts.filter((p) => p.initId === ring.currentInitId);
    for (const f of after) {
      const part = secondParts.findLast((p) => p.startSec <= f.t + 1e-6)!;
      expect(part).toBeDefined();
      expect(Math.abs(f.wallMs! - (part.pdtMs + (f.t - part.startSec) * 1000))).toBeLessThanOrEqual(1000 / FPS);
    }
  }, 60_000);

  it('a tap whose ffmpeg stops reading is dropped with a log line, never holding more than its limit, and a new one takes over', async () => {
    const ring = newRing();
    const frames: Seen[] = [];
    const { log, warnings } = recordingLog();
    const cam = feed(ring, 25);
    cleanup.push(() => cam.kill('SIGKILL'));
    const maxQueuedBytes = 96 * 1024;
    const tap = startTap(ring, (f) => frames.push(seen(f)), { log, ringLimits: { maxQueuedBytes, maxStallMs: 60_000 } });
    await until('frames', () => frames.length >= 3, 20_000);
    const run = tap.ringRun!;
    const pid = run.pid!;
    process.kill(pid, 'SIGSTOP'); // ffmpeg hangs: its stdin is no longer read
    cleanup.push(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    });
    let maxQueued = 0;
    let biggestPart = 0;
    ring.subscribe({ onPart: (p) => (biggestPart = Math.max(biggestPart, p.data.length)) });
    const watch = setInterval(() => (maxQueued = Math.max(maxQueued, run.queuedBytes)), 20);
    cleanup.push(() => clearInterval(watch));
    await until('the stuck tap dropped', () => warnings.some((w) => /frame tap not reading/.test(w)), 15_000);
    expect(maxQueued).toBeLessThanOrEqual(maxQueuedBytes + biggestPart);
    expect(tap.stalls).toBe(1);
    // its ffmpeg is ended (SIGKILL: a stopped process never handles SIGTERM) and a new run decodes again
    await until('the stuck ffmpeg gone', () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 5000);
    const n = frames.length;
    await until('frames from a new tap', () => frames.length >= n + 3, 20_000);
    expect(tap.ringRun?.pid).not.toBe(pid);
  }, 60_000);

  it('without a ring it reads the disk playlist (no PDT clock), and switches to a ring once one is live', async () => {
    const dir = mkdtempSync(join(tmp, 'hls-'));
    const hls = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-i', clip, '-c', 'copy', '-f', 'hls', '-hls_time', '1', '-hls_list_size', '4', '-hls_flags', 'delete_segments', join(dir, 'index.m3u8')], { stdio: 'ignore' });
    cleanup.push(() => hls.kill('SIGKILL'));
    const now: { ring?: PartRing } = {};
    const frames: Seen[] = [];
    const tap = startTap(undefined, (f) => frames.push(seen(f)), { liveDir: dir, ring: () => now.ring });
    await until('frames from the playlist', () => frames.length >= 3, 30_000);
    expect(tap.source).toBe('hls');
    expect(frames.every((f) => f.wallMs === undefined)).toBe(true);
    const ring = (now.ring = newRing());
    const cam = feed(ring, 15);
    cleanup.push(() => cam.kill('SIGKILL'));
    await until('the tap on the ring', () => tap.source === 'll-hls', 15_000);
    const n = frames.length;
    await until('frames from the ring', () => frames.slice(n).some((f) => f.wallMs !== undefined), 15_000);
  }, 60_000);

  it('hostile input in the ring (a garbage init and fragments) fails the tap with a reason, and the next real stream is decoded', async () => {
    const ring = newRing();
    const frames: Seen[] = [];
    const tap = startTap(ring, (f) => frames.push(seen(f)));
    ring.init({ data: Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypjunk'), Buffer.alloc(4)]), timescale: 1 });
    for (let i = 0; i < 10; i++) ring.fragment({ data: Buffer.alloc(5000, i * 37), startSec: i * 0.2, durationSec: 0.2, independent: i % 5 === 0, samples: 2 });
    // ffmpeg waits for more of it; the stream's end (the camera's ffmpeg gone) ends its input
    ring.end();
    await until('the tap failed on it', () => tap.lastError !== undefined, 15_000);
    expect(tap.lastError).toMatch(/ffmpeg exited/);
    expect(frames).toHaveLength(0);
    const cam = feed(ring, 10);
    cleanup.push(() => cam.kill('SIGKILL'));
    await until('frames of the real stream', () => frames.length >= 3, 30_000);
    expect(frames.every((f) => f.wallMs !== undefined)).toBe(true);
  }, 60_000);
});
