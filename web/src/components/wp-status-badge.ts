import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { CameraStatus } from '../data/types';
import { t } from '../i18n';

/** Coloured status pill: online / starting / offline / disabled. */
@customElement('wp-status-badge')
export class WpStatusBadge extends LitElement {
  /** `unknown`: the server cannot be reached — never a green badge over a dead link */
  @property() status: CameraStatus | 'unknown' = 'starting';

  private readonly l10n = new LocalizeController(this);

  static override styles = css`
    :host {
      display: inline-flex;
    }
    span {
      display: inline-flex;
      align-items: center;
      gap: 0.35em;
      padding: 0.15em 0.6em;
      border-radius: 999px;
      font-weight: 700;
      font-size: 0.85em;
      letter-spacing: 0.02em;
      white-space: nowrap;
      border: 1px solid currentColor;
      background: rgb(0 0 0 / 0.65);
    }
    span::before {
      content: '';
      width: 0.6em;
      height: 0.6em;
      border-radius: 50%;
      background: currentColor;
    }
    .online {
      color: var(--wp-online);
    }
    .starting {
      color: var(--wp-starting);
    }
    .offline {
      color: #fff;
      background: var(--wp-offline);
      border-color: var(--wp-offline);
    }
    .offline::before {
      animation: pulse 1.6s ease-in-out infinite;
    }
    .disabled {
      color: var(--wp-disabled);
    }
    .unknown {
      color: #9aa3ad;
      border-style: dashed;
    }
    @keyframes pulse {
      50% {
        opacity: 0.25;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .offline::before {
        animation: none;
      }
    }
  `;

  override render() {
    return html`<span class=${this.status} part="badge">${t(`status.${this.status}`)}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-status-badge': WpStatusBadge;
  }
}
