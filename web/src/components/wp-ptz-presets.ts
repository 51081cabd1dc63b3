import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { Preset } from '../data/onvif';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { ptzSectionStyles } from '../styles/ptz';
import { fieldBox } from '../styles/form';

/**
 * PTZ presets of an ONVIF camera: pick one and go. Fires `wp-ptz-goto` {token, name}; the page moves the camera
 * and tells the outcome back through `message` / `error` (the component does not talk to the server).
 */
@customElement('wp-ptz-presets')
export class WpPtzPresets extends LitElement {
  /** null while they load */
  @property({ attribute: false }) presets: Preset[] | null = null;
  @property({ type: Boolean }) busy = false;
  /** a translated outcome ("Moving to …") */
  @property() message: string | null = null;
  /** a translated error */
  @property() error: string | null = null;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    ptzSectionStyles,
    css`
      .row {
        display: flex;
        gap: 0.5em;
      }
      ${fieldBox('select', '0.4em')}
      select {
        flex: 1;
      }
      .ok {
        color: var(--wp-online);
        font-size: 0.9em;
        margin-top: 0.5em;
      }
    `,
  ];

  private go(): void {
    const token = this.renderRoot.querySelector('select')?.value;
    const preset = this.presets?.find((p) => p.token === token);
    if (!preset) return;
    this.dispatchEvent(new CustomEvent('wp-ptz-goto', { detail: { token: preset.token, name: preset.name }, bubbles: true, composed: true }));
  }

  override render() {
    const list = this.presets;
    return html`
      <h2>${t('ptz.presets')}</h2>
      ${list === null
        ? html`<div class="muted">${t('ptz.loading')}</div>`
        : list.length
          ? html`<div class="row">
              <select data-testid="ptz-preset-select" aria-label=${t('ptz.presets')}>
                ${list.map((p) => html`<option value=${p.token}>${p.name}</option>`)}
              </select>
              <button type="button" class="primary" data-testid="ptz-go" ?disabled=${this.busy} @click=${this.go}>${t('ptz.go')}</button>
            </div>`
          : this.error
            ? nothing
            : html`<div class="muted">${t('ptz.none')}</div>`}
      ${this.message ? html`<div class="ok" role="status" data-testid="ptz-status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="error" role="alert" data-testid="ptz-error">${this.error}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-ptz-presets': WpPtzPresets;
  }
}
