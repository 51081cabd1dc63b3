import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { hasKey, t } from '../i18n';
import { sceneReasonText } from '../i18n/server-text';

/**
 * An exit zone's learned "clear" reference: the image, its state (learning / ready / cannot learn, and why)
 * and a re-learn button. Properties down; fires `wp-relearn` {zone}.
 */
@customElement('wp-zone-reference')
export class WpZoneReference extends LitElement {
  @property() zone = '';
  @property() state = '';
  @property() reason = '';
  /** URL of the reference image (absent while nothing was learned) */
  @property() src = '';
  @property({ type: Boolean }) busy = false;
  private readonly l10n = new LocalizeController(this);

  static override styles = css`
    :host { display: flex; gap: 0.8em; align-items: center; flex-wrap: wrap; margin: 0.4em 0; }
    img { height: 5.5em; border: 1px solid var(--wp-border); background: #000; }
    .cannot_learn { color: var(--wp-offline); }
    .learning { color: var(--wp-starting); }
    .ready { color: var(--wp-online); }
  `;

  override render() {
    const key = `zones.scene.${this.state}`;
    return html`${this.state === 'ready' && this.src ? html`<img src=${this.src} alt=${t('zones.scene.image')} data-testid="zone-reference-img" />` : nothing}
      <span class=${this.state} data-testid="zone-reference-state" data-state=${this.state}>
        ${t('zones.scene.title')}: ${hasKey(key) ? t(key) : this.state || '—'}${this.reason ? t('scene.paren', { text: sceneReasonText(this.reason) }) : ''}
      </span>
      <button type="button" ?disabled=${this.busy} data-testid="zone-relearn"
        @click=${() => this.dispatchEvent(new CustomEvent('wp-relearn', { detail: { zone: this.zone }, bubbles: true, composed: true }))}>
        ${t('zones.scene.relearn')}
      </button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-zone-reference': WpZoneReference;
  }
}
