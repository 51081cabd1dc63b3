import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { formatOffset } from '../data/onvif';
import type { Camera } from '../data/types';
import { t } from '../i18n';

/**
 * Small still of a camera for lists (GET thumbnailUrl: the ONVIF snapshot or a frame, made by the server with
 * sharp) and the camera-clock warning of ONVIF cameras. Refreshes every minute while shown.
 */
@customElement('wp-camera-thumb')
export class WpCameraThumb extends LitElement {
  @property({ attribute: false }) camera?: Camera;
  @state() private failed = false;
  @state() private stamp = Math.floor(Date.now() / 60_000);

  private readonly l10n = new LocalizeController(this);
  private timer?: ReturnType<typeof setInterval>;

  static override styles = css`
    :host {
      display: inline-grid;
      gap: 0.2em;
      vertical-align: middle;
    }
    img,
    .none {
      width: 8em;
      aspect-ratio: 16 / 9;
      border-radius: 4px;
      background: #000;
      object-fit: cover;
      display: block;
    }
    .warn {
      color: #ffd37a;
      font-size: 0.8em;
      font-weight: 600;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => {
      this.failed = false;
      this.stamp = Math.floor(Date.now() / 60_000);
    }, 60_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  override render() {
    const c = this.camera;
    if (!c) return nothing;
    const url = c.thumbnailUrl && c.enabled && !this.failed ? `${c.thumbnailUrl}?t=${this.stamp}` : null;
    return html`
      ${url
        ? html`<img src=${url} loading="lazy" alt=${t('camera.thumbnail', { name: c.name })} data-testid="camera-thumb" @error=${() => (this.failed = true)} />`
        : html`<div class="none"></div>`}
      ${c.onvif?.clockWarning
        ? html`<span class="warn" data-testid="clock-warning">⚠ ${t('camera.clockWarn', { offset: formatOffset(c.onvif.clockOffsetMs) })}</span>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-camera-thumb': WpCameraThumb;
  }
}
