import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type Hls from 'hls.js';

/** Plays recorded footage (an HLS VOD playlist) with controls; hls.js loads lazily. */
@customElement('wp-footage-player')
export class WpFootagePlayer extends LitElement {
  @property() src: string | null = null;
  private hls: Hls | null = null;

  static override styles = css`
    :host {
      display: block;
      background: #000;
    }
    video {
      display: block;
      width: 100%;
      max-height: 60vh;
      background: #000;
    }
  `;

  protected override async updated(changed: PropertyValues<this>): Promise<void> {
    if (!changed.has('src')) return;
    this.hls?.destroy();
    this.hls = null;
    const video = this.renderRoot.querySelector('video');
    if (!video || !this.src) return;
    const { default: HlsCtor } = await import('hls.js/light');
    if (!HlsCtor.isSupported()) {
      video.src = this.src;
      return;
    }
    const hls = new HlsCtor({ enableWorker: false });
    this.hls = hls;
    hls.loadSource(this.src);
    hls.attachMedia(video);
    hls.on(HlsCtor.Events.MANIFEST_PARSED, () => void video.play().catch(() => undefined));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.hls?.destroy();
    this.hls = null;
  }

  override render() {
    return html`<video data-testid="footage-video" controls muted playsinline></video>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-footage-player': WpFootagePlayer;
  }
}
