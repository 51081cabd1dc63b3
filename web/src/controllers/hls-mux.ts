/**
 * The client side of the live multiplex (server/http/routes/hls-mux.ts, issue I): one channel per page
 * (`GET /hls-mux`, a long-lived binary response, framed by shared/wire/mux-frame.ts) answers the playlist, part
 * and segment requests of every tile, so a 16-tile wall no longer queues behind Chromium's 6 HTTP/1.1
 * connections per host: requests go out in short POSTs (202 at once; what queued up while the previous one was out
 * goes together, so 16 tiles make ~18 HTTP requests/s instead of ~130) and each answer comes on the channel
 * whenever it is ready — a blocking playlist reload parked on the server holds no connection. `muxLoader()` is the hls.js
 * pLoader/fLoader that uses it; whenever the channel is not there (not open yet, cut, refused, the server
 * restarting) a request goes as plain HTTP through hls.js' own loader, and the channel is retried later.
 * No vite-only imports: the bench (bench/ingest/page.ts) loads this very code.
 */
import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats } from 'hls.js';
import { FrameReader, type MuxFrame } from '../../../shared/wire/mux-frame.ts';

export type LoaderClass = new (config: HlsConfig) => Loader<LoaderContext>;
type Answer = (f: MuxFrame | null) => void;

/** the page's address (typed here: the bench type-checks this file without the DOM library) */
const here = () => (globalThis as unknown as { location: { href: string; origin: string } }).location;

/** POSTs of requests out at once, and requests per POST (the server takes up to 64) */
const MAX_POSTS = 2;
const MAX_BATCH = 64;
/** how long a request waits for a channel that is opening before it goes as plain HTTP */
const OPEN_WAIT_MS = 2000;

export class MuxChannel {
  state: 'idle' | 'connecting' | 'open' | 'down' = 'idle';
  /** requests answered over the channel, and sent as plain HTTP instead (tests, bench) */
  readonly counts = { mux: 0, http: 0, lost: 0 };
  private channel = '';
  private next = 1;
  private readonly waiting = new Map<number, Answer>();
  private abort: AbortController | undefined;
  private retryAt = 0;
  private opened: Promise<boolean> | undefined;
  private readonly queue: ({ id: number; path: string } | { cancel: number })[] = [];
  private posts = 0;

  constructor(
    private readonly base = '',
    private readonly retryMs = 5000,
  ) {}

  /** true once the channel can carry a request (opens it, or waits for it opening); false: use plain HTTP */
  whenReady(): Promise<boolean> {
    if (this.state === 'open') return Promise.resolve(true);
    if (this.state === 'connecting') return this.opened!;
    if (performance.now() < this.retryAt) return Promise.resolve(false);
    this.opened = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), OPEN_WAIT_MS);
      void this.run((ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    });
    return this.opened;
  }

  /** Drop the channel (the page's requests go as plain HTTP until it is opened again). */
  cut(): void {
    this.abort?.abort();
  }

  /** Ask for `path` (same origin, /hls/…); `answer` gets the frame, or null when the channel failed it. */
  request(path: string, answer: Answer): number {
    const id = this.next;
    this.next = this.next >= 0xfffffff0 ? 1 : this.next + 1;
    this.waiting.set(id, answer);
    // the channel went down since whenReady(): the caller falls back at once rather than at its timeout
    if (this.state !== 'open') queueMicrotask(() => this.fail(id));
    else {
      this.queue.push({ id, path });
      this.flush();
    }
    return id;
  }

  cancel(id: number): void {
    if (!this.waiting.delete(id)) return;
    const i = this.queue.findIndex((q) => 'id' in q && q.id === id);
    if (i >= 0) this.queue.splice(i, 1);
    else if (this.state === 'open') {
      this.queue.push({ cancel: id });
      this.flush();
    }
  }

  /**
   * Requests go out in POSTs of what queued up, at most MAX_POSTS at a time: an idle page sends one at once, a
   * busy one (16 tiles, ~150 requests/s) a few per POST — fewer HTTP requests than tiles would make alone, and
   * never more than MAX_POSTS of the host's 6 connections.
   */
  private flush(): void {
    while (this.posts < MAX_POSTS && this.queue.length && this.state === 'open') {
      const batch = this.queue.splice(0, MAX_BATCH);
      const ids = batch.flatMap((b) => ('id' in b ? [b.id] : []));
      this.posts++;
      fetch(`${this.base}/hls-mux/${this.channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ requests: batch }), credentials: 'same-origin' })
        .then(
          (r) => {
            if (r.status === 202) return;
            for (const id of ids) this.fail(id);
            if (r.status === 404 || r.status === 401) this.cut(); // the server no longer knows the channel
          },
          () => ids.forEach((id) => this.fail(id)),
        )
        .finally(() => {
          this.posts--;
          this.flush();
        });
    }
  }

  private fail(id: number): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    this.counts.lost++;
    w(null);
  }

  private async run(onOpen: (ok: boolean) => void): Promise<void> {
    this.state = 'connecting';
    const ac = new AbortController();
    this.abort = ac;
    let told = false;
    try {
      const res = await fetch(`${this.base}/hls-mux`, { credentials: 'same-origin', signal: ac.signal });
      if (!res.ok || !res.body) throw new Error(`hls-mux: ${res.status}`);
      const reader = res.body.getReader();
      const frames = new FrameReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const f of frames.push(value)) {
          if (f.id !== 0) this.answer(f);
          else if (f.meta.channel && !told) {
            this.channel = f.meta.channel;
            this.state = 'open';
            told = true;
            onOpen(true);
          }
        }
      }
    } catch {
      // refused, cut or broken: plain HTTP until the retry
    }
    if (this.abort !== ac) return;
    this.abort = undefined;
    this.state = 'down';
    this.channel = '';
    this.retryAt = performance.now() + this.retryMs;
    if (!told) onOpen(false);
    this.queue.length = 0;
    for (const id of [...this.waiting.keys()]) this.fail(id);
  }

  private answer(f: MuxFrame): void {
    const w = this.waiting.get(f.id);
    if (!w) return;
    this.waiting.delete(f.id);
    this.counts.mux++;
    w(f);
  }
}

function newStats(): LoaderStats {
  const t = () => ({ start: 0, first: 0, end: 0 });
  return { aborted: false, loaded: 0, retry: 0, total: 0, chunkCount: 0, bwEstimate: 0, loading: t(), parsing: { start: 0, end: 0 }, buffering: t() };
}

/** path of a same-origin /hls/ URL, else undefined (those go as plain HTTP) */
function muxPath(url: string): string | undefined {
  try {
    const u = new URL(url, here().href);
    return u.origin === here().origin && u.pathname.startsWith('/hls/') ? u.pathname + u.search : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An hls.js loader (pLoader and fLoader) over `channel()`; `Base` (hls.js' own loader) carries what the channel
 * cannot: no channel, a byte range, progressive data, another origin — or a request the channel lost.
 */
export function muxLoader(Base: LoaderClass, channel: () => MuxChannel | undefined): LoaderClass {
  return class MuxLoader implements Loader<LoaderContext> {
    context: LoaderContext | null = null;
    stats: LoaderStats = newStats();
    private http: Loader<LoaderContext> | null = null;
    private reqId = 0;
    private muxTimer: ReturnType<typeof setTimeout> | undefined;
    private gen = 0;
    /** the plain-HTTP load in flight */
    private httpBusy = false;
    private onAbort: (() => void) | undefined;

    constructor(private readonly config: HlsConfig) {}

    load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      this.context = context;
      this.stats = newStats();
      this.stats.loading.start = performance.now();
      const gen = ++this.gen;
      this.onAbort = () => callbacks.onAbort?.(this.stats, context, null);
      const ch = channel();
      const path = muxPath(context.url);
      if (!ch || !path || context.rangeStart || context.rangeEnd || context.progressData) return this.viaHttp(ch, context, config, callbacks);
      void ch.whenReady().then((ok) => {
        if (gen !== this.gen) return;
        if (!ok) return this.viaHttp(ch, context, config, callbacks);
        const ms = config.loadPolicy?.maxLoadTimeMs || config.timeout;
        if (ms) {
          this.muxTimer = setTimeout(() => {
            if (gen !== this.gen) return;
            this.gen++;
            this.onAbort = undefined;
            ch.cancel(this.reqId);
            callbacks.onTimeout(this.stats, context, null);
          }, ms);
        }
        this.reqId = ch.request(path, (f) => {
          if (gen !== this.gen) return;
          clearTimeout(this.muxTimer);
          if (!f) return this.viaHttp(ch, context, config, callbacks); // the channel lost it: plain HTTP
          this.gen++;
          this.onAbort = undefined;
          const now = performance.now();
          const s = this.stats;
          s.loading.first = s.loading.end = now;
          s.loaded = s.total = f.body.byteLength;
          s.chunkCount = 1;
          if (f.status >= 200 && f.status < 300) {
            const data = context.responseType === 'arraybuffer' ? f.body.slice().buffer : new TextDecoder().decode(f.body);
            // the absolute URL, as XHR's responseURL: hls.js resolves the playlist's URIs (and adds its
            // _HLS_msn/_HLS_part directives with new URL()) against it
            callbacks.onSuccess({ url: new URL(context.url, here().href).href, data, code: f.status }, s, context, null);
          } else callbacks.onError({ code: f.status, text: new TextDecoder().decode(f.body) }, context, null, s);
        });
      });
    }

    private viaHttp(ch: MuxChannel | undefined, context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      if (ch) ch.counts.http++;
      this.onAbort = undefined;
      this.http ??= new Base(this.config);
      this.httpBusy = true;
      const done = () => (this.httpBusy = false);
      this.http.load(context, config, {
        ...callbacks,
        onSuccess: (r, s, c, d) => {
          done();
          this.stats = s;
          callbacks.onSuccess(r, s, c, d);
        },
        onError: (...a) => {
          done();
          callbacks.onError(...a);
        },
        onTimeout: (...a) => {
          done();
          callbacks.onTimeout(...a);
        },
        onAbort: (...a) => {
          done();
          callbacks.onAbort?.(...a);
        },
      });
    }

    abort(): void {
      clearTimeout(this.muxTimer);
      if (this.reqId) channel()?.cancel(this.reqId);
      this.reqId = 0;
      this.gen++;
      const onAbort = this.onAbort;
      this.onAbort = undefined;
      // hls.js' loader says onAbort itself (even for a load long done: only one in flight is aborted)
      if (this.http && this.httpBusy) this.http.abort();
      else if (onAbort) {
        this.stats.aborted = true;
        onAbort();
      }
    }

    destroy(): void {
      // no onAbort from here: hls.js destroys loaders from its own onAbort
      this.onAbort = undefined;
      this.httpBusy = false;
      this.abort();
      this.http?.destroy();
      this.http = null;
      this.context = null;
    }
  };
}
