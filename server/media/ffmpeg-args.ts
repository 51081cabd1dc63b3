/**
 * Pure builders for ffmpeg command lines (data in, argv out), one per pipeline kind, from named presets
 * in the spirit of go2rtc. Nothing here touches the file system or spawns anything.
 *
 * Pipeline kinds:
 *  - main:   one RTSP/file input → live HLS + recording segments (camera without a sub-stream)
 *  - record: main stream → recording segments (camera with a sub-stream), plus the main stream's live
 *            HLS in <liveDir>/main/ for the single-camera view when the main stream is H.264
 *  - live:   sub-stream → live HLS only
 *
 * Codec policy (video only: audio is not recorded nor streamed):
 *  - live HLS: stream copy when the source is H.264 (every browser plays it); anything else, H.265 included,
 *    is transcoded to H.264 with a 1-segment GOP so HLS can cut on time.
 *  - LL-HLS (fragmented MP4 on fd 4, cut into parts by the server): next to the live HLS of every live
 *    output. A copied stream gets a second stream-copy output; a transcoded one feeds both from its ONE
 *    libx264 encode through the tee muxer (liveTeeArgs), never a second encode.
 *  - recording: stream copy when the codec fits fragmented MP4 and is worth keeping as is (h264, hevc);
 *    anything else (MJPEG, MPEG-4 part 2, …) is transcoded to H.264 with a 1 s GOP (fast seeking). On a main
 *    pipeline that transcodes both, the recording is a third tee output of the ONE live encode (mainTeeArgs),
 *    whose GOP divides both the live segment and 1 s (sharedGop); a record-only pipeline encodes on its own.
 */
import { join } from 'node:path';
import { isFileSource, urlWithCredentials, type CameraSource } from '../cameras/types.ts';

/** Codecs recorded as is (stream copy into fragmented MP4). */
export const RECORD_COPY_CODECS: readonly string[] = ['h264', 'hevc'];
/** Codecs sent to HLS as is. */
export const LIVE_COPY_CODECS: readonly string[] = ['h264'];
/** Frame rate assumed when the probe could not tell. */
export const DEFAULT_FPS = 25;

export interface InputOptions {
  rtspTimeoutSeconds: number;
  /**
   * Cap ffmpeg's stream analysis (default: up to 5 s; ~3 s on a typical camera). Set it only when a probe
   * with the same cap found the size: a camera that sends its SPS rarely would otherwise fail to start.
   */
  analyzeSeconds?: number;
}

export interface VideoInfo {
  /** ffprobe codec_name of the source's first video stream, e.g. 'h264', 'hevc', 'mpeg4' */
  codec: string;
  fps?: number;
}

export interface HlsOutputOptions {
  /** Directory for index.m3u8 and seg_<n>.ts */
  dir: string;
  segmentSeconds: number;
  listSize: number;
}

export interface RecordOutputOptions {
  /** Directory ffmpeg writes segments to (renamed into date folders once finished). */
  stagingDir: string;
  /** Unique per run, [a-z0-9] only: segment files are `<runTag>-000000.mp4`, … */
  runTag: string;
  segmentSeconds: number;
}

/** Named presets: the building blocks of every command line. */
export const PRESETS = {
  global: ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1'],
  rtspTcp: (timeoutSeconds: number) => [
    '-rtsp_transport', 'tcp',
    '-timeout', String(Math.round(timeoutSeconds * 1_000_000)),
    '-fflags', '+genpts',
  ],
  fileLoop: ['-re', '-stream_loop', '-1'],
  firstVideo: ['-map', '0:v:0'],
  copy: ['-c:v', 'copy'],
  h264Live: (gop: number) => [
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
  ],
  h264Record: (gop: number) => [
    '-c:v', 'libx264', '-preset', 'veryfast',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
  ],
  hlsFlags: 'delete_segments+independent_segments+program_date_time+temp_file+omit_endlist',
  /** fragmented MP4 stays playable when ffmpeg is killed; flush_packets puts each fragment on disk at once */
  fmp4Options: 'movflags=+frag_keyframe+empty_moov+default_base_moof:flush_packets=1',
  /**
   * An encode feeding the tee muxer: SPS/PPS go into the codec's extradata (the MP4 init segment needs them;
   * tee cannot ask for it per output), and the mpegts muxer of the HLS output repeats them at each key frame.
   */
  globalHeader: ['-flags:v', '+global_header'],
} as const;

/** Escape a literal path for ffmpeg's %d / strftime filename patterns. */
export const escapePattern = (p: string): string => p.replace(/%/g, '%%');

/**
 * Escape one level of ffmpeg's av_get_token() syntax, which the tee muxer applies to its argument:
 * backslash before `\ ' [ ] | : =` (and whitespace, which av_get_token would trim at the ends).
 * A slave's file name is unescaped once (split at `|`), a slave option value twice (then split at `:`).
 */
export const escapeTee = (s: string): string => s.replace(/[\\'[\]|:=\s]/g, (c) => `\\${c}`);

type MuxerOptions = readonly (readonly [key: string, value: string])[];
const asFlags = (o: MuxerOptions): string[] => o.flatMap(([k, v]) => [`-${k}`, v]);

/** One output of the tee muxer: `[f=<format>:<key>=<value>:…]<target>`, escaped for tee's syntax. */
export function teeSlave(format: string, options: MuxerOptions, target: string): string {
  const opts = [['f', format] as const, ...options].map(([k, v]) => `${k}=${escapeTee(escapeTee(v))}`);
  return `[${opts.join(':')}]${escapeTee(target)}`;
}

/** GOP (frames) covering `seconds` at `fps`, at least 1. */
export function gopFrames(fps: number | undefined, seconds: number): number {
  const f = fps && Number.isFinite(fps) && fps > 0 ? fps : DEFAULT_FPS;
  return Math.max(1, Math.round(f * seconds));
}

export const liveCopies = (codec: string): boolean => LIVE_COPY_CODECS.includes(codec);
export const recordCopies = (codec: string): boolean => RECORD_COPY_CODECS.includes(codec);
/** The codec that ends up in recording files. */
export const recordedCodec = (codec: string): string => (recordCopies(codec) ? codec : 'h264');

/** Input side: RTSP over TCP with a socket timeout, or a local file looped in real time. */
export function inputArgs(source: Pick<CameraSource, 'url' | 'username' | 'password'>, opts: InputOptions): string[] {
  if (isFileSource(source.url)) return [...PRESETS.fileLoop, '-i', source.url];
  const url = urlWithCredentials(source.url, source.username, source.password);
  const rtsp = /^rtsps?:\/\//i.test(source.url) ? PRESETS.rtspTcp(opts.rtspTimeoutSeconds) : [];
  const analyze = opts.analyzeSeconds ? ['-analyzeduration', String(Math.round(opts.analyzeSeconds * 1_000_000))] : [];
  return [...rtsp, ...analyze, '-i', url];
}

const hlsMuxerOptions = (o: HlsOutputOptions): MuxerOptions => [
  ['hls_time', String(o.segmentSeconds)],
  ['hls_list_size', String(o.listSize)],
  ['hls_flags', PRESETS.hlsFlags],
  ['hls_start_number_source', 'epoch'],
  ['hls_segment_filename', join(escapePattern(o.dir), 'seg_%d.ts')],
];
const hlsPlaylist = (o: HlsOutputOptions): string => join(o.dir, 'index.m3u8');
/** live transcode: H.264 with one GOP per HLS segment, so segments (and LL-HLS segments) start with a key frame */
const h264LiveFor = (video: VideoInfo, o: HlsOutputOptions): string[] => PRESETS.h264Live(gopFrames(video.fps, o.segmentSeconds));

/** Live HLS output: <dir>/index.m3u8 + seg_<epoch-based n>.ts, a sliding window of `listSize` segments. */
export function liveHlsArgs(video: VideoInfo, o: HlsOutputOptions): string[] {
  const codec = liveCopies(video.codec) ? PRESETS.copy : h264LiveFor(video, o);
  return [...PRESETS.firstVideo, ...codec, '-f', 'hls', ...asFlags(hlsMuxerOptions(o)), hlsPlaylist(o)];
}

/** LL-HLS part length asked of ffmpeg's fragmenter (a fragment also ends at every key frame). */
export const LL_PART_SECONDS = 0.2;

const llMuxerOptions = (partSeconds: number): MuxerOptions => [
  ['movflags', '+frag_keyframe+empty_moov+default_base_moof'],
  ['frag_duration', String(Math.round(partSeconds * 1_000_000))],
  ['flush_packets', '1'],
];

/**
 * LL-HLS source of a stream-copied live output: the stream copied into fragmented MP4 on fd 4, one fragment
 * (moof+mdat) per ~partSeconds and at every key frame, flushed at once; the server cuts parts and segments
 * from it in memory (server/media/llhls).
 */
export function llFmp4Args(partSeconds = LL_PART_SECONDS): string[] {
  return [...PRESETS.firstVideo, ...PRESETS.copy, '-f', 'mp4', ...asFlags(llMuxerOptions(partSeconds)), 'pipe:4'];
}

/**
 * A transcoded live output with LL-HLS: ONE libx264 encode, whose packets the tee muxer writes both to the
 * live HLS on disk (same muxer options as liveHlsArgs) and as fragmented MP4 to fd 4 (same as llFmp4Args).
 */
export function liveTeeArgs(video: VideoInfo, o: HlsOutputOptions, partSeconds = LL_PART_SECONDS): string[] {
  const slaves = [teeSlave('hls', hlsMuxerOptions(o), hlsPlaylist(o)), teeSlave('mp4', llMuxerOptions(partSeconds), 'pipe:4')];
  return [...PRESETS.firstVideo, ...h264LiveFor(video, o), ...PRESETS.globalHeader, '-f', 'tee', slaves.join('|')];
}

/** The live outputs: HLS on disk, plus (ll) the LL-HLS fMP4 on fd 4, by copy or from the one live encode. */
function liveArgs(video: VideoInfo, o: HlsOutputOptions, ll: boolean | undefined): string[] {
  if (!ll) return liveHlsArgs(video, o);
  return liveCopies(video.codec) ? [...liveHlsArgs(video, o), ...llFmp4Args()] : liveTeeArgs(video, o);
}

const segmentMuxerOptions = (o: RecordOutputOptions): MuxerOptions => [
  ['segment_time', String(o.segmentSeconds)],
  ['segment_format', 'mp4'],
  ['segment_format_options', PRESETS.fmp4Options],
  ['reset_timestamps', '1'],
  ['segment_list', 'pipe:3'],
  ['segment_list_type', 'csv'],
];
function segmentPattern(o: RecordOutputOptions): string {
  if (!/^[a-z0-9]+$/.test(o.runTag)) throw new Error(`invalid run tag: ${o.runTag}`);
  return join(escapePattern(o.stagingDir), `${o.runTag}-%06d.mp4`);
}

/** Recording output: fragmented-MP4 segments, each listed as `file,start,end` on fd 3 once finished. */
export function recordArgs(video: VideoInfo, o: RecordOutputOptions): string[] {
  const target = segmentPattern(o);
  const codec = recordCopies(video.codec) ? PRESETS.copy : PRESETS.h264Record(gopFrames(video.fps, 1));
  return [...PRESETS.firstVideo, ...codec, '-f', 'segment', ...asFlags(segmentMuxerOptions(o)), target];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * GOP of the one encode shared by live and recording: it divides both the live HLS segment (so every live and
 * LL-HLS segment starts with a key frame) and 1 s (the recording's GOP, for fast seeking). At 10 fps with 2 s
 * live segments: 10 frames; with 1.5 s segments: 5.
 */
export const sharedGop = (fps: number | undefined, liveSegmentSeconds: number): number =>
  gcd(gopFrames(fps, liveSegmentSeconds), gopFrames(fps, 1));

/**
 * Tee option: a failing output (recording directory gone, disk full, fd closed) ends ffmpeg, as it did when the
 * recording was an output of its own, so the supervisor sees it and restarts. ffmpeg 5.1's tee otherwise drops
 * the failed output and carries on ("continuing with 2/3 slaves"): the recording would stop unnoticed.
 */
const ABORT = ['onfail', 'abort'] as const;

/**
 * A camera transcoded for both live and recording (MJPEG, MPEG-4 part 2, … without a sub-stream): ONE libx264
 * encode, teed to the disk HLS, (ll) the LL-HLS fMP4 on fd 4 and the recording segments (same segment muxer
 * options, file names and fd 3 list as recordArgs), never a second encode of the same picture.
 */
export function mainTeeArgs(video: VideoInfo, o: HlsOutputOptions, rec: RecordOutputOptions, ll: boolean | undefined, partSeconds = LL_PART_SECONDS): string[] {
  const slaves = [
    teeSlave('hls', [...hlsMuxerOptions(o), ABORT], hlsPlaylist(o)),
    ...(ll ? [teeSlave('mp4', [...llMuxerOptions(partSeconds), ABORT], 'pipe:4')] : []),
    teeSlave('segment', [...segmentMuxerOptions(rec), ABORT], segmentPattern(rec)),
  ];
  const gop = sharedGop(video.fps, o.segmentSeconds);
  return [...PRESETS.firstVideo, ...PRESETS.h264Live(gop), ...PRESETS.globalHeader, '-f', 'tee', slaves.join('|')];
}

export interface MainPipelineSpec {
  source: CameraSource;
  input: InputOptions;
  video: VideoInfo;
  hls: HlsOutputOptions;
  record: RecordOutputOptions;
  /** also the LL-HLS fMP4 stream on fd 4, next to the live HLS (copied, or teed from the live encode) */
  ll?: boolean;
}

/**
 * One input, two outputs: live HLS and recording (camera without a sub-stream). When both need a transcode,
 * one encode teed to all of them (mainTeeArgs).
 */
export function buildMainPipelineArgs(s: MainPipelineSpec): string[] {
  if (!liveCopies(s.video.codec) && !recordCopies(s.video.codec)) {
    return [...PRESETS.global, ...inputArgs(s.source, s.input), ...mainTeeArgs(s.video, s.hls, s.record, s.ll)];
  }
  return [...PRESETS.global, ...inputArgs(s.source, s.input), ...liveArgs(s.video, s.hls, s.ll), ...recordArgs(s.video, s.record)];
}

/**
 * Recording from the main stream (camera with a sub-stream). With `hls`, also the main stream's own live
 * HLS (and LL-HLS) for the single-camera view, only when the main stream is copied (H.264): never at the
 * price of transcoding a full-resolution stream (asking for it is a programming error).
 */
export function buildRecordPipelineArgs(s: Omit<MainPipelineSpec, 'hls'> & { hls?: HlsOutputOptions }): string[] {
  if (s.hls && !liveCopies(s.video.codec)) throw new Error(`no live output from a ${s.video.codec} main stream (it would need a transcode)`);
  const live = s.hls ? liveArgs(s.video, s.hls, s.ll) : [];
  return [...PRESETS.global, ...inputArgs(s.source, s.input), ...live, ...recordArgs(s.video, s.record)];
}

/** Live HLS only, from the sub-stream (same credentials as the main stream). */
export function buildLivePipelineArgs(s: Omit<MainPipelineSpec, 'record'>): string[] {
  if (!s.source.subUrl) throw new Error('buildLivePipelineArgs needs a source with subUrl');
  const sub = { url: s.source.subUrl, username: s.source.username, password: s.source.password };
  return [...PRESETS.global, ...inputArgs(sub, s.input), ...liveArgs(s.video, s.hls, s.ll)];
}
