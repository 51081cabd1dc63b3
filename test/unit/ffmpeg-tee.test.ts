/**
 * The tee command line of a transcoded live output with LL-HLS (liveTeeArgs), run by the real ffmpeg into a
 * directory whose name has every character special to tee's syntax: the disk HLS lands in that directory and
 * fd 4 carries ~200 ms fragments of H.264 with key frames at the segment boundaries.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { liveTeeArgs } from '../../server/media/ffmpeg-args.ts';
import { Fmp4BoxReader, type Fragment, type InitSegment } from '../../server/media/llhls/fmp4-boxes.ts';

describe('tee argv run by the real ffmpeg in a hostile directory', () => {
  const root = mkdtempSync(join(os.tmpdir(), 'wp-tee-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the disk HLS into the directory and ~200 ms fMP4 fragments of H.264 to fd 4', async () => {
    const dir = join(root, "cam:1|门口 [东]=a'b\\c ");
    mkdirSync(dir);
    const src = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-t', '4'];
    const args = [...src, ...liveTeeArgs({ codec: 'mjpeg', fps: 10 }, { dir, segmentSeconds: 1, listSize: 10 })];
    const c = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe', 'ignore', 'pipe'] });
    const inits: InitSegment[] = [];
    const frags: Fragment[] = [];
    const reader = new Fmp4BoxReader({ onInit: (i) => inits.push(i), onFragment: (f) => frags.push(f) });
    (c.stdio[4] as Readable).on('data', (d: Buffer) => reader.push(d));
    let stderr = '';
    c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => c.on('close', r));
    expect(code, stderr).toBe(0);
    expect(readdirSync(root)).toEqual([basename(dir)]); // nothing written next to it under a cut name
    const files = readdirSync(dir);
    expect(files).toContain('index.m3u8');
    expect(files.filter((f) => /^seg_\d+\.ts$/.test(f)).length).toBe(4);
    expect(readFileSync(join(dir, 'index.m3u8'), 'utf8')).toMatch(/#EXTINF:1\.0+,\n#EXT-X-PROGRAM-DATE-TIME:[^\n]+\nseg_\d+\.ts/);
    expect(inits).toHaveLength(1);
    expect(inits[0]!.data.includes('avc1')).toBe(true);
    expect(inits[0]!.data.includes('avcC')).toBe(true);
    expect(frags).toHaveLength(20);
    for (const f of frags) expect(f.durationSec).toBeCloseTo(0.2, 3);
    // a key frame at each segment boundary (GOP = one 1 s segment), nowhere else
    expect(frags.map((f) => f.independent)).toEqual(frags.map((_, i) => i % 5 === 0));
  }, 30_000);
});
