/**
 * Runs in Chromium (bundled into page.ts). The copy of the console's playlist loader; the tsconfig has no DOM
 * lib, so only what is used is declared.
 */
declare const performance: { now(): number };

export interface LoaderCallbacks { onSuccess(resp: { data?: unknown }, ...rest: unknown[]): void; onAbort?(...a: unknown[]): void }
export interface LoaderCtx { url: string }
export interface LoaderLike {
  stats: unknown;
  load(context: LoaderCtx, config: unknown, callbacks: LoaderCallbacks): void;
  abort(): void;
  destroy(): void;
}
export type LoaderClass = new (cfg: unknown) => LoaderLike;
/**
 * The console's playlist loader for LL-HLS walls (mirrors web/src/controllers/hls-controller.ts
 * justInTimePlaylistLoader): a blocking playlist reload (`_HLS_msn`) is sent only `marginMs` before the next part
 * is due (previous playlist arrival + PART-TARGET), not at once: held open by the server for ~a part, each
 * blocking reload occupies one of Chromium's 6 HTTP/1.1 sockets per host for ~190 ms of every 200 ms, so more
 * than ~5 LL tiles queue every request behind each other. A reload whose previous answer came back without
 * blocking (the player is behind: the part is already there) is sent at once.
 */
export function justInTimePlaylistLoader(Base: LoaderClass, marginMs: number): LoaderClass {
  let lastArrival = 0;
  let lastBlocked = false;
  let partTargetMs = 0;
  return class extends Base {
    private timer: ReturnType<typeof setTimeout> | undefined;
    private pending: { context: LoaderCtx; callbacks: LoaderCallbacks } | undefined;
    override load(context: LoaderCtx, config: unknown, callbacks: LoaderCallbacks): void {
      const blocking = /[?&]_HLS_msn=/.test(context.url);
      const sentAt = performance.now();
      const cb: LoaderCallbacks = {
        ...callbacks,
        onSuccess: (resp, ...rest) => {
          const now = performance.now();
          lastArrival = now;
          lastBlocked = blocking && now - sentAt > 40;
          const m = typeof resp.data === 'string' ? /PART-TARGET=([\d.]+)/.exec(resp.data) : null;
          if (m) partTargetMs = Number(m[1]) * 1000;
          callbacks.onSuccess(resp, ...rest);
        },
      };
      const wait = blocking && lastBlocked && partTargetMs > 0 ? lastArrival + partTargetMs - marginMs - sentAt : 0;
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

