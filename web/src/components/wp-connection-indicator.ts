import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { ConnectionState } from '../data/cameras';
import { t } from '../i18n';

/** Small live-link dot: green when the event stream is connected, amber and blinking otherwise. */
@customElement('wp-connection-indicator')
export class WpConnectionIndicator extends LitElement {
  @property({ reflect: true }) state: ConnectionState = 'reconnecting';
  /** Show only the dot (kiosk) — the label appears on hover. */
  @property({ type: Boolean }) compact = false;

  private readonly l10n = new LocalizeController(this);

  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.4em;
      font-size: 0.85em;
      color: var(--wp-text-muted);
      white-space: nowrap;
    }
    .dot {
      width: 0.7em;
      height: 0.7em;
      border-radius: 50%;
      background: var(--wp-online);
      box-shadow: 0 0 6px var(--wp-online);
    }
    :host([state='reconnecting']) .dot {
      background: var(--wp-starting);
      box-shadow: 0 0 6px var(--wp-starting);
      animation: blink 1s steps(2, start) infinite;
    }
    :host([state='reconnecting']) {
      color: var(--wp-starting);
    }
    @keyframes blink {
      to {
        visibility: hidden;
      }
    }
  `;

  override render() {
    const label = t(this.state === 'connected' ? 'conn.connected' : 'conn.reconnecting');
    return html`<span class="dot" role="status" aria-label=${label} title=${label}></span>${this.compact && this.state === 'connected' ? '' : html`<span>${label}</span>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-connection-indicator': WpConnectionIndicator;
  }
}
