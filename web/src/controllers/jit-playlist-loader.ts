/**
 * The LL-HLS playlist loader of the console's players (hls-controller.ts), kept apart from the controller so
 * that the bench (bench/ingest/page.ts) and the unit test load this very code: no vite-only imports here.
 */
import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, PlaylistLoaderContext } from 'hls.js';

export type PlaylistLoaderClass = new (config: HlsConfig) => Loader<PlaylistLoaderContext>;

/**
 * hls.js' playlist loader, but a blocking reload (`_HLS_msn`, which the server holds open until the next part
 * exists) goes out only `marginMs` before that part is due: previous playlist arrival + PART-TARGET. Sent at
 * once, every LL-HLS tile holds one of the browser's 6 HTTP/1.1 connections per host for ~190 of every 200 ms,
 * so a wall of more than ~5 tiles queued every part and playlist behind the others (150 ms each at 16 tiles,
 * measured: docs/benchmarks.md) and fell 2–4 s behind with stalls. Only a reload that follows a blocking one
 * waits (the first after a plain load, e.g. at start, goes at once; so does one whose time has passed); sent
 * late, it is answered at once and the next one starts that much earlier. One class per player. `crowded()`
 * false (a page with few players, where the sockets suffice): every reload goes at once, as hls.js does.
 */
export function justInTimePlaylistLoader(Base: PlaylistLoaderClass, marginMs: number, crowded: () => boolean = () => true): PlaylistLoaderClass {
  let lastArrival = 0;
  let lastBlocked = false;
  let partTargetMs = 0;
  return class extends Base {
    private timer: ReturnType<typeof setTimeout> | undefined;
    private pending: { context: PlaylistLoaderContext; callbacks: LoaderCallbacks<PlaylistLoaderContext> } | undefined;
    override load(context: PlaylistLoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<PlaylistLoaderContext>): void {
      const blocking = /[?&]_HLS_msn=/.test(context.url);
      const cb: LoaderCallbacks<PlaylistLoaderContext> = {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          lastArrival = performance.now();
          lastBlocked = blocking;
          const m = typeof response.data === 'string' ? /PART-TARGET=([\d.]+)/.exec(response.data) : null;
          if (m) partTargetMs = Number(m[1]) * 1000;
          callbacks.onSuccess(response, stats, ctx, details);
        },
      };
      const wait = blocking && lastBlocked && partTargetMs > 0 && crowded() ? lastArrival + partTargetMs - marginMs - performance.now() : 0;
      if (wait <= 0) return super.load(context, config, cb);
      this.pending = { context, callbacks: cb };
      this.timer = setTimeout(() => {
        this.pending = undefined;
        super.load(context, config, cb);
      }, wait);
    }
    override abort(): void {
      clearTimeout(this.timer);
      const p = this.pending;
      this.pending = undefined;
      if (p) p.callbacks.onAbort?.(this.stats, p.context, null);
      else super.abort();
    }
    override destroy(): void {
      clearTimeout(this.timer);
      this.pending = undefined;
      super.destroy();
    }
  };
}
