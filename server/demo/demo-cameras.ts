/**
 * The built-in demo cameras: 4 views of the pedestrian clip, prepared once as H.264 files in
 * assets/demo/ by scripts/demo-clips.mjs (run by `npm run prepare` / `npm start`). The server
 * loops them with `-stream_loop -1` and stream-copies; each file is already time-rotated, so no
 * `-ss` is needed. Keep the file names in sync with DEMO_CLIPS in scripts/demo-clips.mjs.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CameraConfig } from '../cameras/types.ts';

interface DemoCamera {
  id: string;
  name: string;
  /** path relative to the repository root */
  file: string;
}

const DEMO: readonly DemoCamera[] = [
  { id: 'demo-1', name: '东门入口 East gate', file: 'assets/demo/demo-1.mp4' },
  { id: 'demo-2', name: '地库消防通道 Garage fire lane', file: 'assets/demo/demo-2.mp4' },
  { id: 'demo-3', name: '3号楼大堂 Building 3 lobby', file: 'assets/demo/demo-3.mp4' },
  { id: 'demo-4', name: '北侧围墙 North fence', file: 'assets/demo/demo-4.mp4' },
];

/** Demo clip paths relative to the repository root. */
export const DEMO_CLIP_FILES: readonly string[] = DEMO.map((d) => d.file);

/** Absolute paths of the prepared demo clips. */
export function demoClipPaths(repoRoot: string): string[] {
  return DEMO.map((d) => resolve(repoRoot, d.file));
}

/** True when every demo clip has been prepared (exists and is not empty). */
export function demoClipsReady(repoRoot: string): boolean {
  return demoClipPaths(repoRoot).every((p) => existsSync(p) && statSync(p).size > 0);
}

/** The 4 demo cameras, reading the prepared clips under repoRoot. */
export function demoCameras(repoRoot: string): CameraConfig[] {
  return DEMO.map((d) => ({
    id: d.id,
    name: d.name,
    enabled: true,
    origin: 'config',
    source: { url: resolve(repoRoot, d.file) },
  }));
}
