import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type Hls from 'hls.js';
import type { ErrorData, FragmentLoaderConstructor as FragmentLoaderClass } from 'hls.js';
import workerPath from 'hls.js/dist/hls.worker.js?url';
import { justInTimePlaylistLoader, type PlaylistLoaderClass } from './jit-playlist-loader.ts';
import { MuxChannel, muxLoader, type LoaderClass } from './hls-mux.ts';

/**
 * Plays a live HLS stream into the host's <video>. hls.js is imported lazily (its own chunk) the first
 * time something has to play, is destroyed when the source goes away or the host leaves the DOM, and
 * recovers by itself: recoverMediaError() for decoder trouble, a full reload with exponential backoff for
 * network errors, and a watchdog for a picture that stopped advancing (server restarted, playlist reset).
 * Live streams play as LL-HLS (issue I point 1): the playlist is asked for with `?ll=1` and hls.js runs in
 * low-latency mode (parts, blocking reload, PART-HOLD-BACK as target latency); a stream the server has no
 * LL-HLS for answers with its plain playlist, which plays the same way.
 */
export type PlayerState = 'idle' | 'loading' | 'playing' | 'retrying';

type HlsModule = typeof import('hls.js/light');
let hlsModule: Promise<HlsModule> | undefined;
const loadHls = () => (hlsModule ??= import('hls.js/light'));

const BACKOFF_MS = [1000, 2000, 4000, 8000];
const MAX_BACKOFF_MS = 15_000;
/** Live video that has not advanced for this long is reloaded. */
const STALL_MS = 10_000;
const WATCH_INTERVAL_MS = 2000;
/** A blocking playlist reload goes out this long (ms) before the next part is due (jit-playlist-loader.ts)… */
const JIT_RELOAD_MARGIN_MS = 50;
/** …once this many hls.js players play on the page (each holds ~1 of the host's 6 HTTP/1.1 sockets otherwise) */
const JIT_MIN_PLAYERS = 3;
/** the hls.js players of this page */
const livePlayers = new Set<object>();
/** the page's live multiplex (hls-mux.ts): every player's playlists, parts and segments over one channel */
let pageMux: MuxChannel | undefined;
const mux = () => (pageMux ??= new MuxChannel());
/** the reload timing is for players that share the 6 sockets: not needed while the channel carries them */
const crowded = () => livePlayers.size >= JIT_MIN_PLAYERS && mux().state !== 'open';
/**
 * Further behind the live edge than the target latency + this (s), the picture jumps to the live edge. hls.js
 * plays faster only within about one segment of its target and never seeks forward while the buffer is full, so a
 * tile that fell further behind (a CPU spike, a tab in the background) would otherwise stay behind for good.
 */
const JUMP_BEHIND_S = 1.5;

/** The LL-HLS form of a live playlist URL (same entry point, `ll=1`). */
export function lowLatencyUrl(url: string): string {
  if (/[?&]ll=1(&|$)/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}ll=1`;
}

export class HlsController implements ReactiveController {
  state: PlayerState = 'idle';
  private url: string | null = null;
  private hls: Hls | null = null;
  private video: HTMLVideoElement | null = null;
  private generation = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchTimer: ReturnType<typeof setInterval> | undefined;
  private lastTime = -1;
  private lastProgressAt = 0;
  private lastMediaRecoverAt = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly getVideo: () => HTMLVideoElement | null,
  ) {
    host.addController(this);
  }

  /** Play `url` (null stops), as LL-HLS. Calling again with the same url is a no-op. */
  setSource(src: string | null): void {
    const url = src ? lowLatencyUrl(src) : null;
    if (url === this.url) return;
    this.url = url;
    this.attempt = 0;
    if (url && this.host.isConnected) void this.attach();
    else this.teardown('idle');
  }

  /** Skip the backoff wait of a failed player (e.g. the event stream just reconnected). */
  retryNow(): void {
    if (!this.url || this.state !== 'retrying') return;
    this.attempt = 0;
    void this.attach();
  }

  hostConnected(): void {
    if (this.url && !this.hls && this.state === 'idle') void this.attach();
  }

  hostDisconnected(): void {
    // A keyed list may move the element (disconnect + connect in one task): keep playing then.
    queueMicrotask(() => {
      if (!this.host.isConnected) this.teardown('idle');
    });
  }

  /**
   * Wall-clock time of the frame on screen (EXT-X-PROGRAM-DATE-TIME of the playing position), or null before
   * the first frame / without PDT. The tile shows this, not the browser's clock: a frozen picture looks frozen.
   */
  get videoTimeMs(): number | null {
    const d = this.hls?.playingDate;
    return d ? d.getTime() : null;
  }

  /** Distance of the playhead behind the live edge, seconds (hls.js estimate), or null. */
  get liveLatency(): number | null {
    const l = this.hls?.latency;
    return typeof l === 'number' && Number.isFinite(l) ? l : null;
  }

  private setState(state: PlayerState): void {
    if (state === this.state) return;
    this.state = state;
    this.host.requestUpdate();
  }

  private teardown(state: PlayerState): void {
    this.generation++;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchTimer);
    this.watchTimer = undefined;
    if (this.hls) {
      livePlayers.delete(this.hls);
      this.hls.destroy();
      this.hls = null;
    }
    const video = this.video;
    if (video) {
      video.removeAttribute('src');
      try {
        video.load();
      } catch {
        // ignore
      }
    }
    this.video = null;
    this.setState(state);
  }

  private async attach(): Promise<void> {
    const url = this.url;
    if (!url) return;
    this.teardown('loading');
    const gen = this.generation;
    await this.host.updateComplete;
    const video = this.getVideo();
    if (gen !== this.generation || !video) return;
    this.video = video;
    video.muted = true;
    video.playsInline = true;
    video.autoplay = true;

    let mod: HlsModule;
    try {
      mod = await loadHls();
    } catch {
      hlsModule = undefined; // chunk failed to load (server restarting): try again later
      if (gen === this.generation) this.scheduleRetry();
      return;
    }
    if (gen !== this.generation) return;
    const HlsClass = mod.default;

    if (!HlsClass.isSupported()) {
      if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = url; // Safari: native HLS
        video.addEventListener('error', () => gen === this.generation && this.scheduleRetry(), { once: true });
        this.startWatch(gen);
        void video.play().catch(() => {});
      }
      return;
    }

    const hls = new HlsClass({
      workerPath,
      enableWorker: true,
      // LL-HLS: the target latency is the playlist's PART-HOLD-BACK (3 parts, ~0.6 s); setting
      // liveSyncDuration(Count) here would override it. Drifting behind is caught up by playing faster.
      lowLatencyMode: true,
      maxLiveSyncPlaybackRate: 1.5,
      maxBufferLength: 6,
      maxMaxBufferLength: 10,
      backBufferLength: 4,
      capLevelToPlayerSize: true,
      // see jit-playlist-loader.ts (bench/ingest/hls-config.ts: jitReloadMarginMs)
      // see hls-mux.ts (bench/ingest/hls-config.ts: mux); plain HTTP whenever the channel is not there
      pLoader: justInTimePlaylistLoader(muxLoader(HlsClass.DefaultConfig.loader as unknown as LoaderClass, mux) as unknown as PlaylistLoaderClass, JIT_RELOAD_MARGIN_MS, crowded),
      fLoader: muxLoader(HlsClass.DefaultConfig.loader as unknown as LoaderClass, mux) as unknown as FragmentLoaderClass,
    });
    this.hls = hls;
    livePlayers.add(hls);
    const { Events, ErrorTypes } = HlsClass;
    hls.on(Events.MANIFEST_PARSED, () => {
      void video.play().catch(() => {});
    });
    hls.on(Events.ERROR, (_evt, data: ErrorData) => {
      if (gen !== this.generation || !data.fatal) return;
      if (data.type === ErrorTypes.MEDIA_ERROR && Date.now() - this.lastMediaRecoverAt > 10_000) {
        this.lastMediaRecoverAt = Date.now();
        hls.recoverMediaError();
        return;
      }
      this.scheduleRetry();
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    this.startWatch(gen);
  }

  /** Mark playing as soon as currentTime advances; reload when it stops advancing for STALL_MS. */
  private startWatch(gen: number): void {
    const video = this.video;
    if (!video) return;
    this.lastTime = -1;
    this.lastProgressAt = Date.now();
    const onTime = () => {
      if (gen !== this.generation) return video.removeEventListener('timeupdate', onTime);
      if (video.currentTime === this.lastTime) return;
      if (this.lastTime >= 0 && video.currentTime > this.lastTime) {
        this.attempt = 0;
        this.setState('playing');
      }
      this.lastTime = video.currentTime;
      this.lastProgressAt = Date.now();
    };
    video.addEventListener('timeupdate', onTime);
    clearInterval(this.watchTimer);
    this.watchTimer = setInterval(() => {
      if (gen !== this.generation) return;
      if (video.paused && video.readyState >= 2) void video.play().catch(() => {});
      else this.catchUp(video);
      if (Date.now() - this.lastProgressAt > STALL_MS) this.scheduleRetry();
    }, WATCH_INTERVAL_MS);
  }

  /** Fallen far behind the live edge: jump to it (issue I point 3; smaller lags hls.js makes up by playing faster). */
  private catchUp(video: HTMLVideoElement): void {
    const hls = this.hls;
    if (!hls || video.seeking) return;
    const latency = hls.latency;
    const target = hls.targetLatency ?? 0;
    const live = hls.liveSyncPosition;
    if (!Number.isFinite(latency) || live === null || latency <= target + JUMP_BEHIND_S || live <= video.currentTime) return;
    video.currentTime = live;
  }

  private scheduleRetry(): void {
    const base = BACKOFF_MS[this.attempt] ?? MAX_BACKOFF_MS;
    this.attempt++;
    this.teardown('retrying');
    this.retryTimer = setTimeout(() => void this.attach(), Math.round(base * (1 + Math.random() * 0.3)));
  }
}
