// Types for scripts/assets.mjs (plain ESM so that `npm ci` can run it without a TS loader).

export interface PinnedAsset {
  /** destination inside the repository (git-ignored) */
  path: string;
  /** path inside the mirror directory */
  mirror: string;
  sha256: string;
  size?: number;
  what: string;
  /** where to get it: provenance printed when it is missing */
  source: string;
  /** licence files copied alongside (not hash-pinned) */
  extras?: { path: string; mirror: string }[];
}

export const REPO_ROOT: string;
export const STAMP_FILE: string;
export const ENV_VAR: 'WATCHPOST_ASSETS';
export const ASSETS: PinnedAsset[];

export class AssetsError extends Error {
  problems: { path: string; problem: string }[];
}

export function resolveMirror(o?: {
  mirror?: string;
  env?: Record<string, string | undefined>;
  repoRoot?: string;
}): { dir: string; origin: string; exists: boolean };

export function sha256File(file: string): Promise<string>;

export function installAssets(o?: {
  mirrorDir?: string;
  mirrorOrigin?: string;
  targetRoot?: string;
  manifest?: PinnedAsset[];
  verify?: boolean;
  log?: (line: string) => void;
}): Promise<{ copied: string[]; present: string[]; warnings: string[]; mirrorDir: string }>;

export function assetsUpToDate(targetRoot?: string, manifest?: PinnedAsset[]): Promise<boolean>;
