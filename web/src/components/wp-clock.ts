import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ClockController } from '../controllers/clock-controller';
import { formatDateTime } from '../i18n';

/** Local time, ticking every second. */
@customElement('wp-clock')
export class WpClock extends LitElement {
  @property({ type: Boolean, attribute: 'with-date' }) withDate = false;

  private readonly clock = new ClockController(this);

  static override styles = css`
    :host {
      font-family: var(--wp-mono);
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
  `;

  override render() {
    return html`<time datetime=${new Date(this.clock.now).toISOString()}>${formatDateTime(this.clock.now, this.withDate)}</time>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-clock': WpClock;
  }
}
