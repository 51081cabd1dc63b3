import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';

/**
 * "This browser is display X" on the wall toolbar (a wall PC drives one screen): a select of the display names
 * the user's views use, plus "none". Fires `display-change` ({display: string | null}).
 */
@customElement('wp-display-picker')
export class WpDisplayPicker extends LitElement {
  /** the display names to offer (the current one among them) */
  @property({ attribute: false }) displays: string[] = [];
  @property({ attribute: false }) display: string | null = null;

  private readonly l10n = new LocalizeController(this);

  static override styles = sharedStyles;

  override render() {
    return html`<label style="white-space: nowrap" title=${t('wall.display.title')}>
      ${t('wall.display.label')}
      <select
        data-testid="display-select"
        @change=${(e: Event) => {
          const v = (e.target as HTMLSelectElement).value;
          this.dispatchEvent(new CustomEvent('display-change', { detail: { display: v || null } }));
        }}
      >
        <option value="" .selected=${this.display === null}>${t('wall.display.none')}</option>
        ${this.displays.map((d) => html`<option value=${d} .selected=${d === this.display}>${d}</option>`)}
      </select>
    </label>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-display-picker': WpDisplayPicker;
  }
}
