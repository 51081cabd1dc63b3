/**
 * The hls.js configurations of the two paths, copied from the console (web/** is not importable here: it
 * is built by vite and imports the worker with `?url`).
 *  - LL-HLS: web/src/controllers/hls-controller.ts today (`index.m3u8?ll=1`). checkLlConfig() reads that
 *    file and fails the bench if a copied value no longer appears there, so the copy cannot drift silently.
 *  - plain HLS: the same controller before LL-HLS (commit 40a179a^, "the previous plain-HLS path"),
 *    on `index.m3u8`.
 * workerPath is left out: hls.min.js starts its worker from a blob of itself (enableWorker stays on).
 * The console's `pLoader: justInTimePlaylistLoader(…, JIT_RELOAD_MARGIN_MS)` is `jitReloadMarginMs` here (a
 * class is no JSON); page.ts turns the number into the same pLoader (it bundles web/src/controllers/jit-playlist-loader.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `llx`: the LL-HLS config with the overrides of `--llx '{json}'`, to compare a change with today's in one run */
export type PathName = 'll' | 'llhttp' | 'plain' | 'llx';

export const HLS_CONFIGS: Record<PathName, Record<string, number | boolean>> = {
  llx: {},
  ll: {
    enableWorker: true,
    lowLatencyMode: true,
    maxLiveSyncPlaybackRate: 1.5,
    maxBufferLength: 6,
    maxMaxBufferLength: 10,
    backBufferLength: 4,
    capLevelToPlayerSize: true,
    // the console's pLoader: justInTimePlaylistLoader(…, JIT_RELOAD_MARGIN_MS); page.ts builds the same from this
    jitReloadMarginMs: 50,
    jitMinPlayers: 3,
    // the console's fLoader/pLoader over the page's live multiplex (web/src/controllers/hls-mux.ts)
    mux: true,
  },
  llhttp: {},
  plain: {
    enableWorker: true,
    lowLatencyMode: false,
    liveSyncDurationCount: 2,
    liveMaxLatencyDurationCount: 5,
    maxLiveSyncPlaybackRate: 1.2,
    maxBufferLength: 6,
    maxMaxBufferLength: 10,
    backBufferLength: 4,
    capLevelToPlayerSize: true,
  },
};

HLS_CONFIGS.llx = { ...HLS_CONFIGS.ll };
/** LL-HLS over plain HTTP/1.1 with the reload timing: the console's transport before the multiplex */
HLS_CONFIGS.llhttp = { ...HLS_CONFIGS.ll, mux: false };

/** `--llx`: the overrides of the experimental LL-HLS path. */
export function setLlxOverrides(overrides: Record<string, number | boolean>): void {
  HLS_CONFIGS.llx = { ...HLS_CONFIGS.ll, ...overrides };
  PATH_LABEL.llx = `LL-HLS ${JSON.stringify(overrides)}`;
}

export const PATH_LABEL: Record<PathName, string> = { ll: 'LL-HLS (mux)', llhttp: 'LL-HLS over HTTP', plain: 'plain HLS', llx: 'LL-HLS (x)' };

export function playlistUrl(baseUrl: string, cameraId: string, path: PathName): string {
  return `${baseUrl}/hls/${encodeURIComponent(cameraId)}/index.m3u8${path === 'plain' ? '' : '?ll=1'}`;
}

/** Throws if the console's `new HlsClass({...})` no longer has every LL value copied above. */
export function checkLlConfig(repoRoot: string): void {
  const src = readFileSync(join(repoRoot, 'web/src/controllers/hls-controller.ts'), 'utf8');
  const block = /new HlsClass\(\{([\s\S]*?)\}\);/.exec(src)?.[1];
  if (!block) throw new Error('hls-controller.ts: no `new HlsClass({...})` found; update bench/ingest/hls-config.ts');
  const keys = [...block.matchAll(/^\s*(\w+)\s*[:,]/gm)].map((m) => m[1]!).filter((k) => k !== 'workerPath' && k !== 'pLoader' && k !== 'fLoader');
  const { jitReloadMarginMs, jitMinPlayers, mux, ...plainKeys } = HLS_CONFIGS.ll;
  const missing = Object.entries(plainKeys)
    .filter(([k, v]) => !new RegExp(`\\b${k}\\s*:\\s*${String(v).replace('.', '\\.')}\\b`).test(block))
    .map(([k]) => k);
  const jit = /pLoader:\s*justInTimePlaylistLoader\(muxLoader\(.*JIT_RELOAD_MARGIN_MS, crowded\)/.test(block) && /fLoader:\s*muxLoader\(/.test(block) && mux === true &&
    new RegExp(`const JIT_RELOAD_MARGIN_MS = ${String(jitReloadMarginMs)};`).test(src) && new RegExp(`const JIT_MIN_PLAYERS = ${String(jitMinPlayers)};`).test(src);
  if (!jit) missing.push('pLoader / fLoader (mux) / JIT_RELOAD_MARGIN_MS / JIT_MIN_PLAYERS');
  const extra = keys.filter((k) => !(k in HLS_CONFIGS.ll));
  if (missing.length || extra.length) {
    throw new Error(
      `the console's hls.js config changed (differs in: ${[...missing, ...extra].join(', ')}); update bench/ingest/hls-config.ts`,
    );
  }
}
