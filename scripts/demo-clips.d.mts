// Types for scripts/demo-clips.mjs.

export interface DemoClip {
  id: string;
  /** output path relative to the repository root */
  file: string;
  look: string;
  /** the clip starts this many seconds in and wraps around */
  startS: number;
  /** ffmpeg filter applied after the rotation */
  filter: string;
  width: number;
  height: number;
}

export const REPO_ROOT: string;
export const RECIPE_VERSION: number;
export const SOURCE: string;
export const OUT_DIR: string;
export const STAMP: string;
export const DURATION_S: number;
export const ENCODE_ARGS: string[];
export const DEMO_CLIPS: DemoClip[];

export class DemoClipsError extends Error {}

export function ffmpegPath(env?: NodeJS.ProcessEnv): string;
export function ffprobePath(env?: NodeJS.ProcessEnv): string;
export function ffmpegArgs(clip: DemoClip, sourceFile: string, outFile: string): string[];
export function probeClip(
  file: string,
  clip: DemoClip,
  env?: NodeJS.ProcessEnv,
): Promise<{ duration: number; width: number; height: number }>;
export function demoClipsUpToDate(repoRoot?: string): Promise<boolean>;
export function prepareDemoClips(o?: {
  repoRoot?: string;
  force?: boolean;
  verify?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): Promise<{ encoded: string[]; upToDate: string[] }>;
