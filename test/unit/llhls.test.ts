/**
 * LL-HLS part cutter and playlist writer (issue I point 1) on real ffmpeg fragmented MP4: the exact
 * command line the server runs (llFmp4Args), from H.264 encoded by ffmpeg with a known GOP.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llFmp4Args } from '../../server/media/ffmpeg-args.ts';
import { Fmp4BoxReader, type Fragment, type InitSegment } from '../../server/media/llhls/fmp4-boxes.ts';
import { PartRing } from '../../server/media/llhls/part-ring.ts';
import { directiveReady, directiveTooFar, parseDirective, writePlaylist } from '../../server/media/llhls/playlist.ts';

const tmp = mkdtempSync(join(os.tmpdir(), 'wp-llhls-'));
const src = (name: string) => join(tmp, name);
let gop1: Buffer; // 10 fps, key frame every 10 frames (1 s), 4 s
let gop2: Buffer; // 10 fps, key frame every 20 frames (2 s), 6 s

function encode(file: string, seconds: number, gop: number): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=160x90:rate=10`, '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-pix_fmt', 'yuv420p', file]);
}

/** The server's fMP4 output of `file`, read from fd 4 like the pipeline does. */
function fmp4(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', file, ...llFmp4Args()];
    const c = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit', 'ignore', 'pipe'] });
    const chunks: Buffer[] = [];
    (c.stdio[4] as Readable).on('data', (d: Buffer) => chunks.push(d));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`ffmpeg exited ${code}`))));
  });
}

function read(data: Buffer, chunk = 4096): { inits: InitSegment[]; frags: Fragment[]; errors: string[] } {
  const inits: InitSegment[] = [];
  const frags: Fragment[] = [];
  const errors: string[] = [];
  const r = new Fmp4BoxReader({ onInit: (i) => inits.push(i), onFragment: (f) => frags.push(f), onError: (e) => errors.push(e) });
  for (let o = 0; o < data.length; o += chunk) r.push(data.subarray(o, o + chunk));
  return { inits, frags, errors };
}

function feed(ring: PartRing, data: Buffer): void {
  const r = new Fmp4BoxReader({ onInit: (i) => ring.init(i), onFragment: (f) => ring.fragment(f) });
  r.push(data);
}

beforeAll(async () => {
  encode(src('gop1.mp4'), 4, 10);
  encode(src('gop2.mp4'), 6, 20);
  [gop1, gop2] = await Promise.all([fmp4(src('gop1.mp4')), fmp4(src('gop2.mp4'))]);
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fMP4 box reader', () => {
  it('cuts the init segment and ~200 ms fragments, independent exactly at key frames', () => {
    const { inits, frags, errors } = read(gop1);
    expect(errors).toEqual([]);
    expect(inits).toHaveLength(1);
    expect(inits[0]!.data.toString('latin1', 4, 8)).toBe('ftyp');
    expect(inits[0]!.timescale).toBeGreaterThan(0);
    expect(frags.length).toBe(20); // 4 s in 0.2 s parts
    for (const f of frags) {
      expect(f.durationSec).toBeCloseTo(0.2, 3);
      expect(f.data.toString('latin1', 4, 8)).toBe('moof');
      // independent ⇔ the fragment starts on a 1 s boundary (GOP 10 at 10 fps)
      expect(f.independent).toBe(Math.abs(f.startSec - Math.round(f.startSec)) < 1e-6);
    }
    expect(frags.filter((f) => f.independent)).toHaveLength(4);
    // nothing rewritten: init + fragments are byte-for-byte the stream minus the trailing mfra
    const joined = Buffer.concat([inits[0]!.data, ...frags.map((f) => f.data)]);
    expect(gop1.subarray(0, joined.length).equals(joined)).toBe(true);
  });

  it('gives the same cut for any chunking, byte by byte included', () => {
    const a = read(gop1, 1);
    const b = read(gop1, 7919);
    const c = read(gop1, gop1.length);
    for (const x of [b, c]) {
      expect(x.frags.map((f) => [f.startSec, f.durationSec, f.independent, f.data.length])).toEqual(
        a.frags.map((f) => [f.startSec, f.durationSec, f.independent, f.data.length]),
      );
    }
  });

  it('reads 64-bit box sizes', () => {
    const { inits, frags } = read(gop1);
    const f = frags[0]!;
    const moofLen = f.data.readUInt32BE(0);
    const mdat = f.data.subarray(moofLen);
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1, 0);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(BigInt(mdat.length + 8), 8);
    const stream = Buffer.concat([inits[0]!.data, f.data.subarray(0, moofLen), large, mdat.subarray(8)]);
    const out = read(stream, 5);
    expect(out.frags).toHaveLength(1);
    expect(out.frags[0]!.independent).toBe(true);
    expect(out.frags[0]!.data.length).toBe(f.data.length + 8);
  });

  it('refuses a garbage or oversized box, holds no more than one box, and resynchronises on the next init', () => {
    const errors: string[] = [];
    const frags: Fragment[] = [];
    const r = new Fmp4BoxReader({ onInit: () => undefined, onFragment: (x) => frags.push(x), onError: (e) => errors.push(e) }, 1024 * 1024);
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(2 * 1024 * 1024, 0);
    huge.write('mdat', 4, 'latin1');
    r.push(huge);
    expect(errors).toHaveLength(1);
    expect(r.bufferedBytes).toBe(0);
    r.push(Buffer.from('\x00\x00\x00\x10\x01\x02\x03\x04garbage!', 'latin1'));
    expect(errors).toHaveLength(2);
    r.push(gop1);
    expect(frags.length).toBe(20);
  });
});

describe('part ring and playlist', () => {
  it('groups parts into segments at the camera GOP, each starting with an independent part', () => {
    for (const [data, gop] of [[gop1, 1], [gop2, 2]] as const) {
      const ring = new PartRing({ minSegmentSeconds: 1, partTargetSeconds: 0.2, maxSegments: 10 });
      feed(ring, data);
      ring.end();
      const segs = ring.segments;
      expect(segs.length).toBe(gop === 1 ? 4 : 3);
      for (const s of segs) {
        expect(s.complete).toBe(true);
        expect(s.durationSec).toBeCloseTo(gop, 3);
        expect(s.parts[0]!.independent).toBe(true);
        expect(s.parts.slice(1).every((p) => !p.independent)).toBe(true);
        expect(s.parts.map((p) => p.index)).toEqual([...Array(gop * 5).keys()]);
        expect(s.data!.equals(Buffer.concat(s.parts.map((p) => p.data)))).toBe(true);
      }
      expect(segs.map((s) => s.msn)).toEqual([...segs.keys()]);
      expect(ring.targetDuration).toBe(gop);
    }
  });

  it('numbers msn and parts monotonically across an ffmpeg restart, with a discontinuity and a new init', () => {
    let now = 1_700_000_000_000;
    const ring = new PartRing({ minSegmentSeconds: 1, partTargetSeconds: 0.2, maxSegments: 20, now: () => (now += 200) });
    feed(ring, gop1);
    // ffmpeg killed mid-segment: the open segment is closed as it is
    const cut = ring.segments.at(-1)!;
    expect(cut.complete).toBe(false);
    ring.end();
    expect(ring.live).toBe(false);
    expect(cut.complete).toBe(true);
    const lastId = ring.nextId;
    feed(ring, gop1);
    const after = ring.segments.filter((s) => s.initId === 2);
    expect(after[0]!.msn).toBe(cut.msn + 1);
    expect(after[0]!.discontinuity).toBe(true);
    expect(after[0]!.parts[0]!.id).toBe(lastId);
    const ids = ring.segments.flatMap((s) => s.parts.map((p) => p.id));
    expect(ids).toEqual([...ids.keys()]);
    const pl = writePlaylist(ring);
    expect(pl).toContain('#EXT-X-MAP:URI="ll_init1.mp4"');
    expect(pl).toContain('#EXT-X-MAP:URI="ll_init2.mp4"');
    expect(pl.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    expect(pl.indexOf('#EXT-X-DISCONTINUITY\n')).toBeLessThan(pl.indexOf('ll_init2.mp4'));
  });

  it('writes the LL-HLS tags: server control, part info, parts, PDT, preload hint', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const ring = new PartRing({ minSegmentSeconds: 1, partTargetSeconds: 0.2, maxSegments: 3, now: () => (now += 200) });
    feed(ring, gop1);
    const pl = writePlaylist(ring);
    const lines = pl.trim().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-TARGETDURATION:1',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.6',
      '#EXT-X-PART-INF:PART-TARGET=0.2',
      '#EXT-X-MEDIA-SEQUENCE:0',
    ]);
    expect(lines.filter((l) => l.startsWith('#EXTINF:1,'))).toHaveLength(3);
    expect(lines).toContain('ll_s2.m4s');
    expect(lines).toContain('#EXT-X-PART:DURATION=0.2,URI="ll_p15.m4s",INDEPENDENT=YES');
    expect(lines).toContain('#EXT-X-PART:DURATION=0.2,URI="ll_p19.m4s"');
    expect(lines.at(-1)).toBe('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="ll_p20.m4s"');
    // the first part arrived 200 ms after the clock's start and lasted 200 ms: its first frame is at +0
    expect(lines).toContain('#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:00.000Z');
    // the open segment (msn 3) is listed by its parts only
    expect(lines).not.toContain('ll_s3.m4s');
  });

  it('part target: raised to longer parts (low frame rate), never beyond 0.5 s (a time-stamp glitch)', () => {
    const ring = new PartRing({ minSegmentSeconds: 1, partTargetSeconds: 0.2 });
    const frag = (durationSec: number, independent = false) => ({ data: Buffer.alloc(8), startSec: 0, durationSec, independent, samples: 1 });
    ring.init({ data: Buffer.alloc(8), timescale: 90000 });
    ring.fragment(frag(0.2, true));
    expect(ring.partTargetSeconds).toBe(0.2);
    ring.fragment(frag(1 / 3));
    expect(ring.partTargetSeconds).toBe(0.333);
    ring.fragment(frag(4));
    expect(ring.partTargetSeconds).toBe(0.5);
    expect(writePlaylist(ring)).toContain('PART-HOLD-BACK=1.5');
  });

  it('input frame rate (/metrics fps in): frames over video time of the last 5 s; 0 when the stream stops or ends', () => {
    let now = 0;
    const ring = new PartRing({ minSegmentSeconds: 1, partTargetSeconds: 0.2, now: () => now });
    // fragments of 0.2 s of video, every 0.2 s of wall clock
    const frag = (samples: number, independent = false) => ({ data: Buffer.alloc(8), startSec: 0, durationSec: 0.2, independent, samples });
    expect(ring.inputFps()).toBe(0);
    ring.init({ data: Buffer.alloc(8), timescale: 90000 });
    for (let i = 0; i < 50; i++, now += 200) ring.fragment(frag(5, i % 5 === 0)); // 25 fps for 10 s
    expect(ring.inputFps()).toBeCloseTo(25, 5);
    for (let i = 0; i < 30; i++, now += 200) ring.fragment(frag(2)); // the camera drops to 10 fps
    expect(ring.inputFps()).toBeCloseTo(10, 5);
    now += 6000; // nothing for 6 s
    expect(ring.inputFps()).toBe(0);
    ring.fragment(frag(2, true));
    expect(ring.inputFps()).toBeGreaterThan(0);
    ring.end();
    expect(ring.inputFps()).toBe(0);
  });

  it('stays bounded: old segments leave the ring, their parts are gone', () => {
    const ring = new PartRing({ minSegmentSeconds: 1, partTargetSeconds: 0.2, maxSegments: 2 });
    feed(ring, gop2);
    feed(ring, gop2);
    expect(ring.segments.filter((s) => s.complete).length).toBeLessThanOrEqual(2);
    expect(ring.partGone(0)).toBe(true);
    expect(ring.part(0)).toBeUndefined();
    expect(ring.part(ring.nextId - 1)).toBeDefined();
    expect(ring.initData(1)).toBeUndefined();
    const bytes = new PartRing({ minSegmentSeconds: 1, partTargetSeconds: 0.2, maxBytes: 20_000 });
    feed(bytes, gop1);
    feed(bytes, gop1);
    expect(bytes.bytes).toBeLessThan(20_000 + bytes.segments.at(-1)!.bytes);
  });

  it('delivery directives: parsing, readiness, too far ahead', async () => {
    expect(parseDirective({})).toBeUndefined();
    expect(parseDirective({ _HLS_msn: '3' })).toEqual({ msn: 3 });
    expect(parseDirective({ _HLS_msn: '3', _HLS_part: '0' })).toEqual({ msn: 3, part: 0 });
    for (const q of [{ _HLS_msn: 'x' }, { _HLS_msn: '-1' }, { _HLS_msn: '1.5' }, { _HLS_part: '1' }, { _HLS_msn: '1', _HLS_part: 'a' }, { _HLS_msn: ['1', '2'] }]) {
      expect(parseDirective(q)).toBe('bad');
    }
    const ring = new PartRing({ minSegmentSeconds: 1, partTargetSeconds: 0.2 });
    feed(ring, gop1); // segments 0..2 complete, 3 open with 5 parts (0..4)
    expect(directiveReady(ring, { msn: 3, part: 4 })).toBe(true);
    expect(directiveReady(ring, { msn: 3, part: 5 })).toBe(false);
    expect(directiveReady(ring, { msn: 2 })).toBe(true);
    expect(directiveReady(ring, { msn: 3 })).toBe(false);
    expect(directiveTooFar(ring, { msn: 5 })).toBe(false);
    expect(directiveTooFar(ring, { msn: 6 })).toBe(true);
    expect(directiveTooFar(ring, { msn: 3, part: 19 })).toBe(false);
    expect(directiveTooFar(ring, { msn: 3, part: 20 })).toBe(true);
    expect(directiveTooFar(ring, { msn: 1000 })).toBe(true);
    // a waiter is released by the next part, even across an ffmpeg restart; else by its timeout or close()
    const waited = ring.waitUntil(() => directiveReady(ring, { msn: 3, part: 5 }), 5000);
    const later = ring.waitUntil(() => directiveReady(ring, { msn: 9 }), 50);
    const closed = ring.waitUntil(() => directiveReady(ring, { msn: 99 }), 5000);
    expect(ring.waiting).toBe(3);
    ring.end();
    expect(await later).toBe(false);
    expect(ring.waiting).toBe(2);
    feed(ring, gop1); // restart: msn 4 part 0 — past the (short) segment 3
    expect(await waited).toBe(true);
    ring.close();
    expect(await closed).toBe(false);
    expect(ring.waiting).toBe(0);
    // closed (camera disabled): media freed, numbering goes on when it starts again
    expect(ring.closed).toBe(true);
    expect(ring.bytes).toBe(0);
    const next = ring.nextId;
    feed(ring, gop1);
    expect(ring.closed).toBe(false);
    expect(ring.segments[0]!.parts[0]!.id).toBe(next);
    expect(ring.segments[0]!.discontinuity).toBe(true);
  });
});
