import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { getLang, LANG_LABELS, LANGS, t, type Lang } from '../i18n';
import { sharedStyles } from '../styles/shared';

/** 中文 / English. Fires `wp-lang-change` ({lang}, bubbles to <wp-app>). */
@customElement('wp-language-switch')
export class WpLanguageSwitch extends LitElement {
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-flex;
        white-space: nowrap;
      }
      button {
        padding: 0.3em 0.6em;
        border-radius: 0;
      }
      button:first-child {
        border-radius: var(--wp-radius) 0 0 var(--wp-radius);
      }
      button:last-child {
        border-radius: 0 var(--wp-radius) var(--wp-radius) 0;
        margin-left: -1px;
      }
    `,
  ];

  private choose(lang: Lang): void {
    this.dispatchEvent(new CustomEvent('wp-lang-change', { detail: { lang }, bubbles: true, composed: true }));
  }

  override render() {
    const current = getLang();
    return html`<span role="group" aria-label=${t('nav.language')} data-testid="lang-switch">
      ${LANGS.map(
        (lang) => html`<button
          type="button"
          lang=${lang}
          data-testid=${`lang-${lang}`}
          aria-pressed=${lang === current ? 'true' : 'false'}
          @click=${() => this.choose(lang)}
        >
          ${LANG_LABELS[lang]}
        </button>`,
      )}
    </span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-language-switch': WpLanguageSwitch;
  }
}
