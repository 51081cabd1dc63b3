/**
 * A camera transcoded for both live and recording (MJPEG, MPEG-4 part 2, … without a sub-stream): ONE libx264
 * encode teed to the disk HLS, the LL-HLS pipe (fd 4) and the recording segments (fd 3 list), argv case by case,
 * then run by the real ffmpeg into a directory whose name has every character special to tee's syntax.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMainPipelineArgs, buildRecordPipelineArgs, escapeTee, mainTeeArgs, recordArgs, sharedGop } from '../../server/media/ffmpeg-args.ts';
import { Fmp4BoxReader, type Fragment } from '../../server/media/llhls/fmp4-boxes.ts';
import { parseSegmentListLine } from '../../server/media/segment-list.ts';

const input = { rtspTimeoutSeconds: 5 };
const hls = { dir: '/live/dock', segmentSeconds: 1, listSize: 6 };
const record = { stagingDir: '/rec/dock/.incoming', runTag: 'lq3x8k2a', segmentSeconds: 10 };
const mjpeg = { codec: 'mjpeg', fps: 10 };
const HLS_FLAGS = 'delete_segments+independent_segments+program_date_time+temp_file+omit_endlist';
const X264 = (gop: string) => [
  '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency',
  '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-flags:v', '+global_header',
];
const HLS = (dir: string, t = '1') =>
  `[f=hls:hls_time=${t}:hls_list_size=6:hls_flags=${HLS_FLAGS}:hls_start_number_source=epoch:hls_segment_filename=${dir}/seg_%d.ts:onfail=abort]${dir}/index.m3u8`;
const LL = '[f=mp4:movflags=+frag_keyframe+empty_moov+default_base_moof:frag_duration=200000:flush_packets=1:onfail=abort]pipe\\:4';
// the segment muxer's own option string (k=v:k=v) is escaped twice, like every slave option value
const REC = (dir: string, seg = '10') =>
  `[f=segment:segment_time=${seg}:segment_format=mp4:segment_format_options=movflags\\\\\\=+frag_keyframe+empty_moov+default_base_moof\\\\\\:flush_packets\\\\\\=1` +
  `:reset_timestamps=1:segment_list=pipe\\\\\\:3:segment_list_type=csv:onfail=abort]${dir}/lq3x8k2a-%06d.mp4`;
const encodes = (args: string[]) => args.filter((a, i) => a === 'libx264' && args[i - 1] === '-c:v').length;

describe('main pipeline, transcoded live and recording: one encode, three tee outputs', () => {
  it('MJPEG with LL-HLS: disk HLS | fd 4 | recording segments, GOP 1 s', () => {
    const args = buildMainPipelineArgs({ source: { url: 'rtsp://cam/mjpeg' }, input, video: mjpeg, hls, record, ll: true });
    expect(args.slice(args.indexOf('-map'))).toEqual(['-map', '0:v:0', ...X264('10'), '-f', 'tee', `${HLS('/live/dock')}|${LL}|${REC('/rec/dock/.incoming')}`]);
    expect(encodes(args)).toBe(1);
  });

  it('without LL-HLS: disk HLS | recording segments', () => {
    const args = buildMainPipelineArgs({ source: { url: 'rtsp://cam/mjpeg' }, input, video: mjpeg, hls, record });
    expect(args.slice(args.indexOf('-map'))).toEqual(['-map', '0:v:0', ...X264('10'), '-f', 'tee', `${HLS('/live/dock')}|${REC('/rec/dock/.incoming')}`]);
  });

  it('GOP divides both the live segment and 1 s: 2 s segments keep a 1 s GOP, 1.5 s segments get 0.5 s', () => {
    const two = buildMainPipelineArgs({ source: { url: 'rtsp://x' }, input, video: mjpeg, hls: { ...hls, segmentSeconds: 2 }, record, ll: true });
    expect(two.slice(two.indexOf('-g'), two.indexOf('-g') + 4)).toEqual(['-g', '10', '-keyint_min', '10']);
    expect(two.at(-1)).toContain('hls_time=2:');
    expect(sharedGop(10, 1.5)).toBe(5);
    expect(sharedGop(25, 1)).toBe(25);
    expect(sharedGop(undefined, 2)).toBe(25); // DEFAULT_FPS
    expect(sharedGop(15, 0.2)).toBe(3);
  });

  it('the recording slave carries exactly the options recordArgs uses on its own', () => {
    const own = recordArgs(mjpeg, record);
    const flags = own.slice(own.indexOf('segment') + 1, -1);
    const slave = mainTeeArgs(mjpeg, hls, record, false).at(-1)!.split('|')[1]!;
    for (let i = 0; i < flags.length; i += 2) expect(slave).toContain(`${flags[i]!.slice(1)}=${escapeTee(escapeTee(flags[i + 1]!))}`);
    expect(slave.endsWith(`]${own.at(-1)}`)).toBe(true);
  });

  it('H.264 and H.265 cameras, and record-only pipelines, are untouched', () => {
    const h264 = buildMainPipelineArgs({ source: { url: 'rtsp://x' }, input, video: { codec: 'h264', fps: 10 }, hls, record, ll: true });
    expect(encodes(h264)).toBe(0);
    expect(h264.join(' ')).not.toContain('tee');
    const hevc = buildMainPipelineArgs({ source: { url: 'rtsp://x' }, input, video: { codec: 'hevc', fps: 25 }, hls, record, ll: true });
    expect(hevc.slice(hevc.lastIndexOf('-map'))).toEqual(['-map', '0:v:0', '-c:v', 'copy', ...recordArgs({ codec: 'hevc' }, record).slice(4)]);
    expect(hevc.at(-1)).toBe('/rec/dock/.incoming/lq3x8k2a-%06d.mp4');
    const rec = buildRecordPipelineArgs({ source: { url: 'rtsp://x', subUrl: 'rtsp://x/sub' }, input, video: mjpeg, record });
    expect(rec.join(' ')).not.toContain('tee');
    expect(encodes(rec)).toBe(1);
  });

  it('a hostile staging directory is escaped once in the target, twice nowhere else; a bad run tag is refused', () => {
    const dir = "/rec/a:b|c[d]e=f'g\\h 大门 50%/.incoming";
    const tee = mainTeeArgs(mjpeg, hls, { ...record, stagingDir: dir }, true).at(-1)!;
    expect(tee.endsWith("]/rec/a\\:b\\|c\\[d\\]e\\=f\\'g\\\\h\\ 大门\\ 50%%/.incoming/lq3x8k2a-%06d.mp4")).toBe(true);
    expect(tee.replace(/\\./g, '').split('|')).toHaveLength(3);
    expect(tee.replace(/\\./g, '').match(/[[\]]/g)).toEqual(['[', ']', '[', ']', '[', ']']);
    expect(() => mainTeeArgs(mjpeg, hls, { ...record, runTag: 'a|b' }, true)).toThrow(/run tag/);
  });
});

describe('the three-output tee run by the real ffmpeg', () => {
  const root = mkdtempSync(join(os.tmpdir(), 'wp-tee3-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the disk HLS, fd 4 fragments and listed 2 s recording segments with a key frame each second', async () => {
    const dir = join(root, "cam:1|门口 [东]=a'b\\c ");
    const staging = join(root, "rec:1|[东]=a'b ", '.incoming');
    mkdirSync(dir);
    mkdirSync(staging, { recursive: true });
    const src = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-t', '4'];
    const tee = mainTeeArgs(mjpeg, { dir, segmentSeconds: 1, listSize: 10 }, { stagingDir: staging, runTag: 'ab12', segmentSeconds: 2 }, true);
    const c = spawn('ffmpeg', [...src, ...tee], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const frags: Fragment[] = [];
    const reader = new Fmp4BoxReader({ onInit: () => {}, onFragment: (f) => frags.push(f) });
    (c.stdio[4] as Readable).on('data', (d: Buffer) => reader.push(d));
    let list = '';
    (c.stdio[3] as Readable).on('data', (d: Buffer) => (list += d.toString()));
    let stderr = '';
    c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => c.on('close', r));
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
    expect(readdirSync(dir).filter((f) => /^seg_\d+\.ts$/.test(f))).toHaveLength(4);
    expect(frags).toHaveLength(20);
    expect(frags.map((f) => f.independent)).toEqual(frags.map((_, i) => i % 5 === 0));
    const lines = list.trim().split('\n').map((l) => parseSegmentListLine(l));
    expect(lines.map((l) => l?.file)).toEqual(['ab12-000000.mp4', 'ab12-000001.mp4']);
    expect(readdirSync(staging).sort()).toEqual(['ab12-000000.mp4', 'ab12-000001.mp4']);
    const keys = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', join(staging, 'ab12-000001.mp4')])
      .toString().trim().split('\n').filter((l) => l.includes('K')).map((l) => Number(l.split(',')[0]));
    expect(keys).toEqual([0, 1]); // reset_timestamps, a key frame each second
  }, 30_000);

  it('a recording that cannot be written ends ffmpeg (onfail=abort), as its own output did: never live-only unnoticed', async () => {
    const dir = join(root, 'live2');
    const staging = join(root, 'rec2', '.incoming');
    mkdirSync(dir);
    mkdirSync(staging, { recursive: true });
    const src = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-t', '6'];
    const tee = mainTeeArgs(mjpeg, { dir, segmentSeconds: 1, listSize: 10 }, { stagingDir: staging, runTag: 'ab12', segmentSeconds: 1 }, false);
    const c = spawn('ffmpeg', [...src, ...tee], { stdio: ['ignore', 'ignore', 'pipe', 'ignore'] });
    let stderr = '';
    c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    setTimeout(() => rmSync(join(root, 'rec2'), { recursive: true, force: true }), 1500);
    const started = Date.now();
    const code = await new Promise<number | null>((r) => c.on('close', r));
    expect(code, stderr).not.toBe(0);
    expect(stderr).toMatch(/Slave muxer #1 failed, aborting/);
    expect(Date.now() - started).toBeLessThan(5000); // it did not run on to the end of the input without it
  }, 30_000);
});
