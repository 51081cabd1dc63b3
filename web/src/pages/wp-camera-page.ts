import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { cameras } from '../data/cameras';
import type { Camera } from '../data/types';
import { formatDateTime, t } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { reasonText } from '../components/wp-camera-tile';
import { cameraDetailText } from '../i18n/server-text';
import { iconBack } from '../components/icons';
import '../components/wp-camera-tile';
import '../components/wp-ptz-presets';
import '../components/wp-ptz-pad';
import '../components/wp-zone-editor';
import { formatOffset } from '../data/onvif';
import { CameraPtzController } from './camera-ptz';
import { surfaceBox } from '../styles/surface';
import { detailList } from '../styles/details';

/**
 * Single camera: a large player and the camera's details; for a PTZ camera the arrow pad (press and hold), the
 * arrow keys on the focused picture and the presets. Fires `wp-back`.
 */
@customElement('wp-camera-page')
export class WpCameraPage extends LitElement {
  @property() cameraId = '';
  /** Show the detection-zone editor instead of the player. */
  @state() private editZones = false;

  private readonly store = new StoreController(this, cameras);
  private readonly l10n = new LocalizeController(this);
  private readonly ptz = new CameraPtzController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: 0;
      }
      .zones {
        flex: 1;
        overflow: auto;
        padding: 1em;
      }
      header {
        display: flex;
        align-items: center;
        gap: 1em;
        padding: 0.6em 1em;
        border-bottom: 1px solid var(--wp-border);
        background: var(--wp-surface);
      }
      h1 {
        margin: 0;
        font-size: 1.3em;
      }
      main {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: minmax(0, 1fr) 20em;
        grid-template-rows: minmax(0, 1fr);
        gap: 1em;
        padding: 1em;
      }
      .player {
        min-height: 0;
        border-radius: 8px;
        display: grid;
        place-items: center;
        container-type: size;
      }
      wp-camera-tile {
        width: min(100cqw, 100cqh * 16 / 9);
        aspect-ratio: 16 / 9;
      }
      ${surfaceBox('aside', '1em')}
      aside {
        overflow: auto;
      }
      h2 {
        margin: 0 0 0.8em;
        font-size: 1em;
        color: var(--wp-text-muted);
      }
      ${detailList('0.55em')}
      dt {
        white-space: nowrap;
      }
      dd {
        word-break: break-all;
      }
      .mono {
        font-family: var(--wp-mono);
        font-size: 0.9em;
      }
      .bad {
        color: #ffb4b4;
        font-weight: 700;
      }
      .missing {
        padding: 2em;
        font-size: 1.2em;
      }
      @media (max-width: 900px) {
        main {
          grid-template-columns: 1fr;
          grid-template-rows: minmax(12em, 1fr) auto;
        }
      }
    `,
  ];

  protected override willUpdate(): void {
    const cam = this.store.value.cameras.find((c) => c.id === this.cameraId);
    this.ptz.show(cam?.onvif?.ptz ? cam.id : '');
  }

  private back(): void {
    this.dispatchEvent(new CustomEvent('wp-back', { bubbles: true, composed: true }));
  }

  private info(c: Camera) {
    const none = t('camera.none');
    return html`<dl data-testid="camera-info">
      <dt>${t('camera.id')}</dt><dd class="mono">${c.id}</dd>
      <dt>${t('camera.name')}</dt><dd>${c.name}</dd>
      <dt>${t('camera.status')}</dt><dd>${t(`status.${c.status}`)}</dd>
      ${c.status === 'offline'
        ? html`<dt>${t('camera.reason')}</dt><dd class="bad">${reasonText(c.statusReason)}</dd>
            <dt>${t('camera.detail')}</dt><dd class="mono">${c.statusDetail ? cameraDetailText(c.statusDetail) : none}</dd>`
        : nothing}
      <dt>${t('camera.since')}</dt><dd class="mono">${formatDateTime(c.statusSince)}</dd>
      <dt>${t('camera.url')}</dt><dd class="mono">${c.url}</dd>
      <dt>${t('camera.subUrl')}</dt><dd class="mono">${c.subUrl ?? none}</dd>
      <dt>${t('camera.credentials')}</dt><dd>${c.hasCredentials ? t('cameras.credentialsSaved') : t('cameras.noCredentials')}</dd>
      <dt>${t('camera.enabled')}</dt><dd>${c.enabled ? t('camera.yes') : t('camera.no')}</dd>
      <dt>${t('camera.origin')}</dt><dd>${t(`origin.${c.origin}`)}</dd>
      ${c.onvif
        ? html`<dt>${t('camera.onvif')}</dt><dd>${c.onvif.manufacturer} ${c.onvif.model}</dd>
            <dt>${t('camera.clockOffset')}</dt>
            <dd class=${c.onvif.clockWarning ? 'bad' : ''} data-testid="camera-clock">${c.onvif.clockWarning
              ? `⚠ ${t('camera.clockWarn', { offset: formatOffset(c.onvif.clockOffsetMs) })}`
              : formatOffset(c.onvif.clockOffsetMs)}</dd>`
        : nothing}
    </dl>`;
  }

  override render() {
    const { cameras: list, loaded, epoch } = this.store.value;
    const cam = list.find((c) => c.id === this.cameraId);
    return html`
      <header>
        <button type="button" data-testid="back-button" @click=${this.back}>${iconBack} ${t('camera.back')}</button>
        <h1 data-testid="camera-title">${cam?.name ?? this.cameraId}</h1>
        ${cam
          ? html`<button type="button" data-testid="zones-toggle" aria-pressed=${this.editZones ? 'true' : 'false'} @click=${() => (this.editZones = !this.editZones)}>
              ${t('zones.edit')}
            </button>`
          : nothing}
      </header>
      ${cam && this.editZones
        ? html`<div class="zones"><wp-zone-editor .cameraId=${cam.id}></wp-zone-editor></div>`
        : cam
        ? html`<main>
            <div
              class="player"
              data-testid="camera-picture"
              tabindex=${cam.onvif?.ptz ? '0' : nothing}
              aria-label=${cam.onvif?.ptz ? t('ptz.pictureLabel') : nothing}
              @keydown=${(e: KeyboardEvent) => this.ptz.key(e, true)}
              @keyup=${(e: KeyboardEvent) => this.ptz.key(e, false)}
              @blur=${this.ptz.release}
            >
              <wp-camera-tile large zoom data-testid="camera-player" data-camera-id=${cam.id} .camera=${cam} .epoch=${epoch} .connection=${this.store.value.connection}></wp-camera-tile>
            </div>
            <aside>
              <h2>${t('camera.info')}</h2>
              ${this.info(cam)}
              ${cam.onvif?.ptz
                ? html`<wp-ptz-pad
                      .speed=${this.ptz.speed}
                      .active=${this.ptz.padActive}
                      .error=${this.ptz.padError}
                      @wp-ptz-move=${(e: CustomEvent<{ pan: number; tilt: number; zoom: number; button: string }>) => this.ptz.move(e.detail, e.detail.button)}
                      @wp-ptz-stop=${this.ptz.release}
                      @wp-ptz-speed=${(e: CustomEvent<{ speed: number }>) => this.ptz.setSpeed(e.detail.speed)}
                    ></wp-ptz-pad>
                    <wp-ptz-presets
                      .presets=${this.ptz.presets}
                      .busy=${this.ptz.presetBusy}
                      .message=${this.ptz.presetMessage}
                      .error=${this.ptz.presetError}
                      @wp-ptz-goto=${(e: CustomEvent<{ token: string; name: string }>) => void this.ptz.goto(e.detail.token, e.detail.name)}
                    ></wp-ptz-presets>`
                : nothing}
            </aside>
          </main>`
        : loaded
          ? html`<div class="missing muted">${t('camera.notFound', { id: this.cameraId })}</div>`
          : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-camera-page': WpCameraPage;
  }
}
