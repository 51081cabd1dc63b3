import { describe, expect, it } from 'vitest';
import {
  buildLivePipelineArgs,
  buildMainPipelineArgs,
  buildRecordPipelineArgs,
  escapeTee,
  gopFrames,
  inputArgs,
  liveTeeArgs,
  recordArgs,
  recordedCodec,
} from '../../server/media/ffmpeg-args.ts';

const GLOBAL = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1'];
const HLS = (dir: string) => [
  '-f', 'hls',
  '-hls_time', '1',
  '-hls_list_size', '6',
  '-hls_flags', 'delete_segments+independent_segments+program_date_time+temp_file+omit_endlist',
  '-hls_start_number_source', 'epoch',
  '-hls_segment_filename', `${dir}/seg_%d.ts`,
  `${dir}/index.m3u8`,
];
const REC = (dir: string, seg = '10') => [
  '-f', 'segment',
  '-segment_time', seg,
  '-segment_format', 'mp4',
  '-segment_format_options', 'movflags=+frag_keyframe+empty_moov+default_base_moof:flush_packets=1',
  '-reset_timestamps', '1',
  '-segment_list', 'pipe:3',
  '-segment_list_type', 'csv',
  `${dir}/lq3x8k2a-%06d.mp4`,
];
const input = { rtspTimeoutSeconds: 5 };
const hls = { dir: '/live/lobby', segmentSeconds: 1, listSize: 6 };
const record = { stagingDir: '/rec/lobby/.incoming', runTag: 'lq3x8k2a', segmentSeconds: 10 };
const h264 = { codec: 'h264', fps: 10 };

describe('buildMainPipelineArgs', () => {
  it('RTSP, H.264, no sub-stream: one input, HLS copy + recording copy', () => {
    const args = buildMainPipelineArgs({ source: { url: 'rtsp://10.0.0.5:554/stream1' }, input, video: h264, hls, record });
    expect(args).toEqual([
      ...GLOBAL,
      '-rtsp_transport', 'tcp', '-timeout', '5000000', '-fflags', '+genpts',
      '-i', 'rtsp://10.0.0.5:554/stream1',
      '-map', '0:v:0', '-c:v', 'copy', ...HLS('/live/lobby'),
      '-map', '0:v:0', '-c:v', 'copy', ...REC('/rec/lobby/.incoming'),
    ]);
  });

  it('credentials go into the input URL only, percent-encoded', () => {
    const args = buildMainPipelineArgs({
      source: { url: 'rtsp://10.0.0.5:554/stream1', username: 'admin', password: 'p@ss:w/rd' },
      input, video: h264, hls, record,
    });
    const i = args.indexOf('-i');
    expect(args[i + 1]).toBe('rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/stream1');
    expect(args.filter((a) => a.includes('admin'))).toHaveLength(1);
  });

  it('file source (demo): looped in real time, no RTSP options, no -ss/-copyts', () => {
    const args = buildMainPipelineArgs({ source: { url: '/data/demo/lobby.mp4' }, input, video: h264, hls, record });
    expect(args).toEqual([
      ...GLOBAL,
      '-re', '-stream_loop', '-1', '-i', '/data/demo/lobby.mp4',
      '-map', '0:v:0', '-c:v', 'copy', ...HLS('/live/lobby'),
      '-map', '0:v:0', '-c:v', 'copy', ...REC('/rec/lobby/.incoming'),
    ]);
    expect(args).not.toContain('-ss');
    expect(args).not.toContain('-copyts');
  });

  it('H.265: live transcoded to H.264 with a 1-segment GOP, recording kept as HEVC', () => {
    const args = buildMainPipelineArgs({ source: { url: 'rtsp://cam/h265' }, input, video: { codec: 'hevc', fps: 25 }, hls, record });
    expect(args).toEqual([
      ...GLOBAL,
      '-rtsp_transport', 'tcp', '-timeout', '5000000', '-fflags', '+genpts', '-i', 'rtsp://cam/h265',
      '-map', '0:v:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency',
      '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
      ...HLS('/live/lobby'),
      '-map', '0:v:0', '-c:v', 'copy', ...REC('/rec/lobby/.incoming'),
    ]);
    expect(recordedCodec('hevc')).toBe('hevc');
  });

  it('MPEG-4 part 2: one encode (1 s GOP) teed to the live HLS and the recording, no second encode', () => {
    const args = buildMainPipelineArgs({ source: { url: 'rtsp://cam/mp4v' }, input, video: { codec: 'mpeg4', fps: 15 }, hls, record });
    expect(args.slice(0, args.indexOf('-map'))).toEqual([
      ...GLOBAL,
      '-rtsp_transport', 'tcp', '-timeout', '5000000', '-fflags', '+genpts', '-i', 'rtsp://cam/mp4v',
    ]);
    expect(args.filter((a) => a === 'libx264')).toHaveLength(1);
    expect(args.filter((a) => a === '-map')).toHaveLength(1);
    expect(args.at(-2)).toBe('tee');
    expect(args.at(-1)!.split('|').map((slave) => /^\[f=(\w+)/.exec(slave)![1])).toEqual(['hls', 'segment']);
    expect(recordedCodec('mpeg4')).toBe('h264');
  });
});

describe('sub-stream cameras: record + live pipelines', () => {
  const source = { url: 'rtsp://10.0.0.5/main', subUrl: 'rtsp://10.0.0.5/sub', username: 'op', password: 'secret' };

  it('record pipeline: main stream, recording only', () => {
    expect(buildRecordPipelineArgs({ source, input, video: h264, record: { ...record, segmentSeconds: 3 } })).toEqual([
      ...GLOBAL,
      '-rtsp_transport', 'tcp', '-timeout', '5000000', '-fflags', '+genpts',
      '-i', 'rtsp://op:secret@10.0.0.5/main',
      '-map', '0:v:0', '-c:v', 'copy', ...REC('/rec/lobby/.incoming', '3'),
    ]);
  });

  it('record pipeline with the main stream\'s own live HLS (single-camera view)', () => {
    const mainHls = { ...hls, dir: '/live/lobby/main' };
    expect(buildRecordPipelineArgs({ source, input, video: h264, record, hls: mainHls })).toEqual([
      ...GLOBAL,
      '-rtsp_transport', 'tcp', '-timeout', '5000000', '-fflags', '+genpts',
      '-i', 'rtsp://op:secret@10.0.0.5/main',
      '-map', '0:v:0', '-c:v', 'copy', ...HLS('/live/lobby/main'),
      '-map', '0:v:0', '-c:v', 'copy', ...REC('/rec/lobby/.incoming'),
    ]);
  });

  it('live pipeline: sub-stream with the same credentials, HLS only', () => {
    expect(buildLivePipelineArgs({ source, input, video: h264, hls })).toEqual([
      ...GLOBAL,
      '-rtsp_transport', 'tcp', '-timeout', '5000000', '-fflags', '+genpts',
      '-i', 'rtsp://op:secret@10.0.0.5/sub',
      '-map', '0:v:0', '-c:v', 'copy', ...HLS('/live/lobby'),
    ]);
  });

  it('live pipeline without subUrl is a programming error', () => {
    expect(() => buildLivePipelineArgs({ source: { url: 'rtsp://x/main' }, input, video: h264, hls })).toThrow(/subUrl/);
  });
});

describe('building blocks', () => {
  it('inputArgs: rtsps uses the RTSP options, the timeout is in microseconds', () => {
    expect(inputArgs({ url: 'rtsps://h/s' }, { rtspTimeoutSeconds: 12 })).toEqual([
      '-rtsp_transport', 'tcp', '-timeout', '12000000', '-fflags', '+genpts', '-i', 'rtsps://h/s',
    ]);
  });

  it('inputArgs: analysis cap (set when the probe found the size within it) goes before -i', () => {
    expect(inputArgs({ url: 'rtsp://h/s' }, { rtspTimeoutSeconds: 5, analyzeSeconds: 1 })).toEqual([
      '-rtsp_transport', 'tcp', '-timeout', '5000000', '-fflags', '+genpts', '-analyzeduration', '1000000', '-i', 'rtsp://h/s',
    ]);
  });

  it('inputArgs: file:// URLs are files; a username on a file is ignored', () => {
    expect(inputArgs({ url: 'file:///d/a.mp4', username: 'u', password: 'p' }, input)).toEqual([
      '-re', '-stream_loop', '-1', '-i', 'file:///d/a.mp4',
    ]);
  });

  it('% in directories is escaped in ffmpeg filename patterns only', () => {
    const args = buildMainPipelineArgs({
      source: { url: 'rtsp://h/s' }, input, video: h264,
      hls: { ...hls, dir: '/live/50%' }, record: { ...record, stagingDir: '/rec/50%/.incoming' },
    });
    expect(args).toContain('/live/50%%/seg_%d.ts');
    expect(args).toContain('/live/50%/index.m3u8');
    expect(args).toContain('/rec/50%%/.incoming/lq3x8k2a-%06d.mp4');
  });

  it('run tags are plain [a-z0-9]', () => {
    expect(() => recordArgs(h264, { ...record, runTag: 'a-%d' })).toThrow(/run tag/);
  });

  it('gopFrames: fps × seconds, default 25 fps, at least 1', () => {
    expect(gopFrames(10, 1)).toBe(10);
    expect(gopFrames(29.97, 1)).toBe(30);
    expect(gopFrames(undefined, 2)).toBe(50);
    expect(gopFrames(10, 0.05)).toBe(1);
  });
});

describe('LL-HLS fMP4 output on fd 4 (issue I point 1)', () => {
  const LL = [
    '-map', '0:v:0', '-c:v', 'copy',
    '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '200000', '-flush_packets', '1', 'pipe:4',
  ];
  const source = { url: 'rtsp://10.0.0.5/main', subUrl: 'rtsp://10.0.0.5/sub' };

  it('main pipeline: the disk HLS unchanged, then the fMP4 stream copy, then recording', () => {
    const args = buildMainPipelineArgs({ source: { url: 'rtsp://10.0.0.5:554/stream1' }, input, video: h264, hls, record, ll: true });
    expect(args).toEqual([
      ...GLOBAL,
      '-rtsp_transport', 'tcp', '-timeout', '5000000', '-fflags', '+genpts',
      '-i', 'rtsp://10.0.0.5:554/stream1',
      '-map', '0:v:0', '-c:v', 'copy', ...HLS('/live/lobby'),
      ...LL,
      '-map', '0:v:0', '-c:v', 'copy', ...REC('/rec/lobby/.incoming'),
    ]);
  });

  it('record pipeline with the main stream live, and live pipeline: fMP4 after the HLS', () => {
    const mainHls = { ...hls, dir: '/live/lobby/main' };
    const rec = buildRecordPipelineArgs({ source, input, video: h264, record, hls: mainHls, ll: true });
    expect(rec.join(' ')).toContain(`${HLS('/live/lobby/main').join(' ')} ${LL.join(' ')} -map`);
    expect(buildRecordPipelineArgs({ source, input, video: h264, record, ll: true })).not.toContain('pipe:4'); // no live output
    const live = buildLivePipelineArgs({ source, input, video: h264, hls, ll: true });
    expect(live.slice(-LL.length)).toEqual(LL);
  });

  it('without ll nothing changes', () => {
    const hevc = { codec: 'hevc', fps: 25 };
    expect(buildMainPipelineArgs({ source: { url: 'rtsp://x/1' }, input, video: hevc, hls, record })).not.toContain('pipe:4');
    expect(buildMainPipelineArgs({ source: { url: 'rtsp://x/1' }, input, video: h264, hls, record })).not.toContain('pipe:4');
    expect(buildMainPipelineArgs({ source: { url: 'rtsp://x/1' }, input, video: hevc, hls, record }).join(' ')).not.toContain('tee');
  });
});

describe('LL-HLS of a transcoded live stream: one encode, tee muxer', () => {
  const X264 = (gop: string) => [
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency',
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
  ];
  const HLS_FLAGS = 'delete_segments+independent_segments+program_date_time+temp_file+omit_endlist';
  const TEE = (dir: string) =>
    `[f=hls:hls_time=1:hls_list_size=6:hls_flags=${HLS_FLAGS}:hls_start_number_source=epoch:hls_segment_filename=${dir}/seg_%d.ts]${dir}/index.m3u8` +
    '|[f=mp4:movflags=+frag_keyframe+empty_moov+default_base_moof:frag_duration=200000:flush_packets=1]pipe\\:4';
  const source = { url: 'rtsp://10.0.0.5/main', subUrl: 'rtsp://10.0.0.5/sub' };
  const count = (args: string[], v: string) => args.filter((a, i) => a === v && args[i - 1] === '-c:v').length;

  it('main pipeline, H.265: one live encode teed to the disk HLS and fd 4, recording still a HEVC copy', () => {
    const args = buildMainPipelineArgs({ source: { url: 'rtsp://cam/h265' }, input, video: { codec: 'hevc', fps: 25 }, hls, record, ll: true });
    expect(args).toEqual([
      ...GLOBAL,
      '-rtsp_transport', 'tcp', '-timeout', '5000000', '-fflags', '+genpts', '-i', 'rtsp://cam/h265',
      '-map', '0:v:0', ...X264('25'), '-flags:v', '+global_header', '-f', 'tee', TEE('/live/lobby'),
      '-map', '0:v:0', '-c:v', 'copy', ...REC('/rec/lobby/.incoming'),
    ]);
    expect(count(args, 'libx264')).toBe(1);
  });

  it('main pipeline, MPEG-4 part 2: the one live encode is also teed to the recording (ffmpeg-args-main-tee.test.ts)', () => {
    const args = buildMainPipelineArgs({ source: { url: 'rtsp://cam/mp4v' }, input, video: { codec: 'mpeg4', fps: 15 }, hls, record, ll: true });
    expect(args.join(' ')).toContain(`${X264('15').join(' ')} -flags:v +global_header -f tee [f=hls:`);
    expect(args.at(-1)!.split('|').map((slave) => /^\[f=(\w+)/.exec(slave)?.[1])).toEqual(['hls', 'mp4', 'segment']);
    expect(count(args, 'libx264')).toBe(1);
    expect(args.filter((a) => a === 'tee')).toHaveLength(1);
    expect(args.filter((a) => a === 'pipe:4' || a.includes('pipe\\:4'))).toHaveLength(1);
  });

  it('live pipeline, MJPEG sub-stream: exactly one encode, GOP = one HLS segment, nothing else', () => {
    const args = buildLivePipelineArgs({ source, input, video: { codec: 'mjpeg', fps: 10 }, hls: { ...hls, segmentSeconds: 2 }, ll: true });
    expect(args.slice(args.indexOf('-map'))).toEqual([
      '-map', '0:v:0', ...X264('20'), '-flags:v', '+global_header', '-f', 'tee', TEE('/live/lobby').replace('hls_time=1', 'hls_time=2'),
    ]);
    expect(count(args, 'libx264')).toBe(1);
    expect(count(args, 'copy')).toBe(0);
  });

  it('record pipeline: never a live output (nor LL) from a main stream that would need a transcode', () => {
    const hevc = { codec: 'hevc', fps: 25 };
    const mainHls = { ...hls, dir: '/live/lobby/main' };
    expect(() => buildRecordPipelineArgs({ source, input, video: hevc, record, hls: mainHls, ll: true })).toThrow(/transcode/);
    const rec = buildRecordPipelineArgs({ source, input, video: hevc, record, ll: true });
    expect(rec.join(' ')).not.toMatch(/libx264|tee|pipe:4/);
  });

  it('a hostile directory (: | [ ] = \' \\ spaces, Chinese) is escaped once in the file name, twice in option values', () => {
    const dir = "/live/a:b|c[d]e=f'g\\h 大门 摄像头 ";
    const args = liveTeeArgs({ codec: 'hevc', fps: 10 }, { dir, segmentSeconds: 1, listSize: 6 });
    const tee = args.at(-1)!;
    const once = "/live/a\\:b\\|c\\[d\\]e\\=f\\'g\\\\h\\ 大门\\ 摄像头\\ ";
    expect(tee).toContain(`]${once}/index.m3u8|[f=mp4:`);
    expect(tee).toContain(`:hls_segment_filename=${escapeTee(once)}/seg_%d.ts]`);
    // the only unescaped | separates the two slaves; the only unescaped [ ] delimit their options
    expect(tee.replace(/\\./g, '').split('|')).toHaveLength(2);
    expect(tee.replace(/\\./g, '').match(/[[\]]/g)).toEqual(['[', ']', '[', ']']);
    expect(liveTeeArgs({ codec: 'mjpeg' }, { dir: '/live/50%', segmentSeconds: 1, listSize: 6 }).at(-1)).toContain('hls_segment_filename=/live/50%%/seg_%d.ts]/live/50%/index.m3u8');
  });

  it('escapeTee: a backslash before each special character, nothing else changed', () => {
    expect(escapeTee('plain/path_1.m3u8')).toBe('plain/path_1.m3u8');
    expect(escapeTee("a\\b'c[d]e|f:g=h i")).toBe("a\\\\b\\'c\\[d\\]e\\|f\\:g\\=h\\ i");
    expect(escapeTee('监控')).toBe('监控');
    expect(escapeTee('')).toBe('');
  });
});
