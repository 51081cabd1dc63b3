import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { gotoPreset, listPresets, onvifError, type Preset } from '../data/onvif';
import { t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';

/** PTZ presets of an ONVIF camera: pick one and go. */
@customElement('wp-ptz-presets')
export class WpPtzPresets extends LitElement {
  @property() cameraId = '';

  @state() private presets: Preset[] | null = null;
  @state() private busy = false;
  @state() private message: string | null = null;
  @state() private error: string | null = null;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      h2 {
        margin: 1.2em 0 0.6em;
        font-size: 1em;
        color: var(--wp-text-muted);
      }
      .row {
        display: flex;
        gap: 0.5em;
      }
      select {
        flex: 1;
        font: inherit;
        color: var(--wp-text);
        background: var(--wp-bg);
        border: 1px solid var(--wp-border);
        border-radius: var(--wp-radius);
        padding: 0.4em;
      }
      .ok {
        color: var(--wp-online);
        font-size: 0.9em;
        margin-top: 0.5em;
      }
      .error {
        margin-top: 0.5em;
        font-size: 0.9em;
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('cameraId') && this.cameraId) void this.load();
  }

  private async load(): Promise<void> {
    this.presets = null;
    this.error = null;
    try {
      this.presets = await listPresets(this.cameraId);
    } catch (err) {
      this.presets = [];
      this.error = onvifError(err) ?? errorMessage(err);
    }
  }

  private async go(): Promise<void> {
    const select = this.renderRoot.querySelector('select');
    const token = select?.value;
    const preset = this.presets?.find((p) => p.token === token);
    if (!preset) return;
    this.busy = true;
    this.message = null;
    this.error = null;
    try {
      await gotoPreset(this.cameraId, preset.token);
      this.message = t('ptz.moved', { name: preset.name });
    } catch (err) {
      this.error = onvifError(err) ?? errorMessage(err);
    } finally {
      this.busy = false;
    }
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
