/**
 * What one pipeline start runs, decided from the slot kind and the probed codec (pure, no I/O):
 *  - main:   live HLS in the camera's live dir + recording;
 *  - record: recording, plus the main stream's own live HLS in <liveDir>/main/ only when that costs no
 *            transcode (H.264 main stream: never a full-resolution encode just for live);
 *  - live:   the sub-stream's live HLS.
 * Every live output also feeds the stream's LL-HLS ring (fMP4 on fd 4): by stream copy, or teed from the
 * one live H.264 encode of a transcoded stream.
 */
import { join } from 'node:path';
import type { CameraConfig } from '../cameras/types.ts';
import {
  buildLivePipelineArgs,
  buildMainPipelineArgs,
  buildRecordPipelineArgs,
  liveCopies,
  recordCopies,
  type HlsOutputOptions,
  type InputOptions,
  type RecordOutputOptions,
  type VideoInfo,
} from './ffmpeg-args.ts';
import type { LlStream } from './llhls/hub.ts';
import type { PipelineKind } from './pipeline.ts';

/** Sub-folder of a camera's live dir with the main stream's HLS (cameras with a sub-stream). */
export const MAIN_LIVE_SUBDIR = 'main';

export interface PlanInput {
  kind: PipelineKind;
  camera: CameraConfig;
  video: VideoInfo;
  input: InputOptions;
  /** the camera's live HLS output (dir = its live directory) */
  hls: HlsOutputOptions;
  record: RecordOutputOptions;
}

export interface PipelinePlan {
  /** directory of the live HLS this pipeline writes (undefined: no live output) */
  hlsDir?: string;
  withRec: boolean;
  /** the LL-HLS stream the live output feeds */
  llStream: LlStream;
  /** argv, given whether the live output also writes LL-HLS fMP4 on fd 4 */
  args(ll: boolean): string[];
  /** for the log line */
  mode: { live?: 'copy' | 'transcode'; record?: 'copy' | 'transcode' };
}

export function planPipeline(p: PlanInput): PipelinePlan {
  const { kind, camera, video, input, hls, record } = p;
  const source = camera.source;
  const mainHls = kind === 'record' && liveCopies(video.codec) ? { ...hls, dir: join(hls.dir, MAIN_LIVE_SUBDIR) } : undefined;
  const hlsDir = kind === 'record' ? mainHls?.dir : hls.dir;
  const withRec = kind !== 'live';
  const args = (ll: boolean) =>
    kind === 'main'
      ? buildMainPipelineArgs({ source, input, video, hls, record, ll })
      : kind === 'record'
        ? buildRecordPipelineArgs({ source, input, video, record, hls: mainHls, ll })
        : buildLivePipelineArgs({ source, input, video, hls, ll });
  const how = (copies: boolean) => (copies ? 'copy' : 'transcode');
  return {
    hlsDir,
    withRec,
    llStream: kind === 'record' ? 'main' : 'live',
    args,
    mode: { live: hlsDir === undefined ? undefined : how(liveCopies(video.codec)), record: withRec ? how(recordCopies(video.codec)) : undefined },
  };
}
