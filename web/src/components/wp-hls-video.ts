import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { HlsController, type PlayerState } from '../controllers/hls-controller';
import { fittedVideoStyles } from '../styles/video';

/**
 * A muted, autoplaying live <video> fed by hls.js. `src` null = nothing to play (camera offline):
 * the player is destroyed. Bumping `epoch` retries a stuck player at once.
 * Fires `player-state` ({state}) when the player starts, plays or retries.
 */
@customElement('wp-hls-video')
export class WpHlsVideo extends LitElement {
  @property() src: string | null = null;
  @property({ type: Number }) epoch = 0;
  /** data-testid for the inner <video>. */
  @property() videoTestId = 'video';

  private readonly player = new HlsController(this, () => this.renderRoot.querySelector('video'));
  private lastState: PlayerState = 'idle';

  static override styles = css`
    :host {
      display: block;
      background: #000;
      overflow: hidden;
    }
    ${fittedVideoStyles}
  `;

  get state(): PlayerState {
    return this.player.state;
  }

  /** Wall-clock time of the frame on screen (from the stream's PDT), or null. */
  get videoTimeMs(): number | null {
    return this.player.videoTimeMs;
  }

  /** Seconds behind the live edge (hls.js), or null: diagnostics and tests. */
  get liveLatency(): number | null {
    return this.player.liveLatency;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src')) this.player.setSource(this.src);
    if (changed.has('epoch') && this.hasUpdated) this.player.retryNow();
  }

  protected override updated(): void {
    if (this.player.state !== this.lastState) {
      this.lastState = this.player.state;
      this.dispatchEvent(new CustomEvent('player-state', { detail: { state: this.lastState } }));
    }
  }

  override render() {
    return html`<video data-testid=${this.videoTestId} muted autoplay playsinline disablepictureinpicture></video>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-hls-video': WpHlsVideo;
  }
}
