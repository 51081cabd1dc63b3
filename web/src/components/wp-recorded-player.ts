import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type Hls from 'hls.js';
import type { Fragment } from 'hls.js';
import workerPath from 'hls.js/dist/hls.worker.js?url';
import { vodUrl } from '../data/recordings';
import type { WpZoomView } from './wp-zoom-view';
import './wp-zoom-view';
import { fittedVideoStyles } from '../styles/video';

type HlsModule = typeof import('hls.js/light');
let hlsModule: Promise<HlsModule> | undefined;
const loadHls = () => (hlsModule ??= import('hls.js/light'));

/** Footage loaded around the requested time: this much before, this much after. */
const BEFORE_MS = 10 * 60_000;
const AFTER_MS = 50 * 60_000;

export type RecordedState = 'idle' | 'loading' | 'playing' | 'paused' | 'ended' | 'no-footage' | 'error';

/**
 * Plays a camera's recorded footage (HLS VOD over the recording segments, hls.js) positioned by wall-clock
 * time. Each playlist segment carries its PROGRAM-DATE-TIME, which maps the player's position to the time of
 * day both ways; a time outside the loaded window reloads the playlist around it.
 * Digital zoom (wp-zoom-view: wheel or pinch 1–8×, drag pans, double click resets), back to 1× for another camera.
 * Fires `wall-time` ({ms}) while playing and `recorded-state` ({state}) on changes.
 */
@customElement('wp-recorded-player')
export class WpRecordedPlayer extends LitElement {
  @property() cameraId = '';
  @property({ type: Number }) rate = 1;
  @state() private status: RecordedState = 'idle';

  private hls: Hls | null = null;
  private frags: { start: number; dur: number; pdt: number }[] = [];
  private window: { from: number; to: number } | null = null;
  private pending: number | null = null;
  private paused = false;
  private lastEmit = 0;
  private generation = 0;

  static override styles = css`
    :host {
      display: block;
      position: relative;
      background: #000;
      overflow: hidden;
    }
    wp-zoom-view {
      position: absolute;
      inset: 0;
    }
    ${fittedVideoStyles}
  `;

  get state(): RecordedState {
    return this.status;
  }

  private get video(): HTMLVideoElement | null {
    return this.renderRoot.querySelector('video');
  }

  /** Wall-clock ms of the picture being shown, or null. */
  get wallTime(): number | null {
    const v = this.video;
    if (!v || !this.frags.length) return null;
    const p = v.currentTime;
    const f = this.frags.find((x) => p >= x.start && p < x.start + x.dur) ?? this.frags[this.frags.length - 1]!;
    return f.pdt + (Math.min(p, f.start + f.dur) - f.start) * 1000;
  }

  /** Show the footage at wall-clock `ms` (the next recorded moment when it falls in a gap). */
  seek(ms: number): void {
    const w = this.window;
    const pos = w && ms >= w.from && ms < w.to ? this.position(ms) : undefined;
    if (pos !== undefined && this.video) {
      this.video.currentTime = pos;
      this.emit(ms, true);
      return;
    }
    void this.load(ms);
  }

  play(): void {
    this.paused = false;
    void this.video?.play().catch(() => {});
  }

  pause(): void {
    this.paused = true;
    this.video?.pause();
  }

  private position(ms: number): number | undefined {
    const f = this.frags.find((x) => ms < x.pdt + x.dur * 1000);
    if (!f) return undefined;
    return f.start + Math.max(0, ms - f.pdt) / 1000;
  }

  private setStatus(s: RecordedState): void {
    if (s === this.status) return;
    this.status = s;
    this.dispatchEvent(new CustomEvent('recorded-state', { detail: { state: s } }));
  }

  private emit(ms: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastEmit < 200) return;
    this.lastEmit = now;
    this.dispatchEvent(new CustomEvent('wall-time', { detail: { ms } }));
  }

  private async load(at: number): Promise<void> {
    const gen = ++this.generation;
    this.destroy();
    this.setStatus('loading');
    const now = Date.now();
    const from = Math.max(0, at - BEFORE_MS);
    const to = Math.min(now, at + AFTER_MS);
    this.window = { from, to };
    this.pending = at;
    await this.updateComplete;
    const video = this.video;
    if (!video || to <= from) return this.setStatus('no-footage');
    const { default: HlsClass } = await loadHls();
    if (gen !== this.generation) return;
    const hls = new HlsClass({ workerPath, enableWorker: true, autoStartLoad: false, maxBufferLength: 20, backBufferLength: 30 });
    this.hls = hls;
    const { Events } = HlsClass;
    hls.on(Events.LEVEL_LOADED, (_e, data) => {
      this.frags = data.details.fragments.map((f: Fragment) => ({ start: f.start, dur: f.duration, pdt: f.programDateTime ?? 0 }));
      const target = this.pending ?? from;
      this.pending = null;
      // after the last recording of the window: show its end rather than the window's start
      const last = this.frags[this.frags.length - 1];
      const pos = this.position(target) ?? (last ? Math.max(last.start, last.start + last.dur - 1) : 0);
      hls.startLoad(pos);
      video.currentTime = pos;
      video.playbackRate = this.rate;
      if (!this.paused) void video.play().catch(() => {});
    });
    hls.on(Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      const code = data.response?.code;
      this.setStatus(code === 422 || code === 404 ? 'no-footage' : 'error');
      this.destroy();
    });
    hls.loadSource(vodUrl(this.cameraId, from, to));
    hls.attachMedia(video);
  }

  private destroy(): void {
    this.hls?.destroy();
    this.hls = null;
    this.frags = [];
  }

  private readonly onTime = () => {
    const ms = this.wallTime;
    if (ms !== null) this.emit(ms);
  };

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('rate') && this.video) this.video.playbackRate = this.rate;
    if (changed.has('cameraId') && changed.get('cameraId')) this.renderRoot.querySelector<WpZoomView>('wp-zoom-view')?.reset();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.generation++;
    this.destroy();
  }

  override render() {
    return html`<wp-zoom-view data-testid="zoom-view"><video
        data-testid="recorded-video"
        data-camera-id=${this.cameraId}
        muted
        playsinline
        disablepictureinpicture
        @timeupdate=${this.onTime}
        @playing=${() => this.setStatus('playing')}
        @pause=${() => this.status !== 'loading' && this.setStatus('paused')}
        @ended=${() => this.setStatus('ended')}
      ></video></wp-zoom-view>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-recorded-player': WpRecordedPlayer;
  }
}
