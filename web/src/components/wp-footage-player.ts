import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type Hls from 'hls.js';
import type { Fragment } from 'hls.js';
import { vodUrl } from '../data/recordings';
import type { WpZoomView } from './wp-zoom-view';
import './wp-zoom-view';

/**
 * Plays an exact window of a camera's recorded footage (the evidence VOD playlist, so the viewing is audited
 * like any recorded playback) with controls: starts at `from` and pauses at `to` (wall-clock ms), positioned
 * by each segment's PROGRAM-DATE-TIME. hls.js loads lazily. Digital zoom (wp-zoom-view), back to 1× for another
 * window; the native controls are hidden while zoomed (they would be scaled with the picture).
 */
@customElement('wp-footage-player')
export class WpFootagePlayer extends LitElement {
  @property() cameraId = '';
  @property({ type: Number }) from = 0;
  @property({ type: Number }) to = 0;
  @state() private zoomed = false;
  /** width / height of the footage, once known */
  @state() private aspect = 16 / 9;
  private hls: Hls | null = null;
  private frags: { start: number; dur: number; pdt: number }[] = [];
  private generation = 0;

  static override styles = css`
    :host {
      display: block;
      background: #000;
    }
    wp-zoom-view {
      width: 100%;
      max-height: 60vh;
    }
    video {
      display: block;
      background: #000;
    }
  `;

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

  private position(ms: number): number {
    const f = this.frags.find((x) => ms < x.pdt + x.dur * 1000) ?? this.frags[this.frags.length - 1];
    return f ? f.start + Math.max(0, Math.min(ms - f.pdt, f.dur * 1000)) / 1000 : 0;
  }

  protected override async updated(changed: PropertyValues<this>): Promise<void> {
    if (!changed.has('cameraId') && !changed.has('from') && !changed.has('to')) return;
    const gen = ++this.generation;
    this.destroy();
    this.renderRoot.querySelector<WpZoomView>('wp-zoom-view')?.reset();
    const video = this.video;
    if (!video || !this.cameraId || !(this.to > this.from)) return;
    const src = vodUrl(this.cameraId, this.from, this.to);
    const { default: HlsCtor } = await import('hls.js/light');
    if (gen !== this.generation) return;
    if (!HlsCtor.isSupported()) {
      video.src = src;
      return;
    }
    const hls = new HlsCtor({ enableWorker: false, autoStartLoad: false });
    this.hls = hls;
    hls.on(HlsCtor.Events.LEVEL_LOADED, (_e, data) => {
      this.frags = data.details.fragments.map((f: Fragment) => ({ start: f.start, dur: f.duration, pdt: f.programDateTime ?? 0 }));
      const pos = this.position(this.from);
      hls.startLoad(pos);
      video.currentTime = pos;
      void video.play().catch(() => undefined);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
  }

  private readonly onTime = () => {
    const v = this.video;
    const ms = this.wallTime;
    if (v && ms !== null && !v.paused && ms >= this.to) v.pause();
  };

  /** Play again from the start once the end of the window was reached. */
  private readonly onPlay = () => {
    const v = this.video;
    const ms = this.wallTime;
    if (v && ms !== null && ms >= this.to - 100) v.currentTime = this.position(this.from);
  };

  private readonly onMetadata = () => {
    const v = this.video;
    if (v?.videoWidth && v.videoHeight) this.aspect = v.videoWidth / v.videoHeight;
  };

  private destroy(): void {
    this.hls?.destroy();
    this.hls = null;
    this.frags = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.generation++;
    this.destroy();
  }

  override render() {
    return html`<wp-zoom-view
      data-testid="zoom-view"
      style=${`aspect-ratio: ${this.aspect}`}
      @zoom-change=${(e: CustomEvent<{ zoom: number }>) => (this.zoomed = e.detail.zoom > 1)}
    >
      <video
        data-testid="footage-video"
        ?controls=${!this.zoomed}
        muted
        playsinline
        @timeupdate=${this.onTime}
        @play=${this.onPlay}
        @loadedmetadata=${this.onMetadata}
      ></video>
    </wp-zoom-view>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-footage-player': WpFootagePlayer;
  }
}
