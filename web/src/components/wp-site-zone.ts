import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { browserDiffers, offsetLabel, siteTimeZone } from '../data/site-time';
import { t } from '../i18n';

/**
 * "Site time (UTC+8)" — only when this PC's clock reads differently from the site's (issue K): a wall PC in 上海
 * set to UTC, an investigator's laptop abroad. Every time on the console, shown or typed, is the site's.
 */
@customElement('wp-site-zone')
export class WpSiteZone extends LitElement {
  private readonly l10n = new LocalizeController(this);

  static override styles = css`
    :host {
      color: var(--wp-text-muted);
      font-size: 0.85em;
      white-space: nowrap;
    }
  `;

  override render() {
    const now = Date.now();
    if (!browserDiffers(now)) return nothing;
    const offset = offsetLabel(now);
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    return html`<span data-testid="site-zone" data-zone=${siteTimeZone()} title=${t('time.siteZoneTitle', { zone: siteTimeZone(), offset, browser })}
      >${t('time.siteZone', { offset })}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-site-zone': WpSiteZone;
  }
}
