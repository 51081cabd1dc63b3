import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { startStoragePolling, storage } from '../data/recordings';
import { t } from '../i18n';
import { formatBytes } from './evidence-styles';
import { storageAlertColours } from '../styles/banner';

/**
 * The low-disk alarm in the top bar: red while free space on the recordings disk is under the threshold,
 * amber while locked evidence alone fills the quota (nothing more can be deleted). Nothing otherwise.
 */
@customElement('wp-storage-alarm')
export class WpStorageAlarm extends LitElement {
  private readonly store = new StoreController(this, storage);
  private readonly l10n = new LocalizeController(this);

  static override styles = css`
    :host {
      display: contents;
    }
    span {
      padding: 0.25em 0.7em;
      border-radius: 999px;
      font-weight: 700;
      font-size: 0.85em;
      white-space: nowrap;
    }
    ${storageAlertColours('.low', '.quota')}
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    startStoragePolling();
  }

  override render() {
    const s = this.store.value;
    if (!s) return nothing;
    if (s.low) {
      return html`<span class="low" role="alert" data-testid="storage-alarm" title=${t('storage.lowDetail', { free: formatBytes(s.freeBytes), total: formatBytes(s.totalBytes), threshold: s.lowDiskPercent })}
        >${t('storage.low', { percent: s.freePercent })}</span
      >`;
    }
    if (s.quotaBlockedByLocks) {
      return html`<span class="quota" data-testid="storage-quota" title=${t('storage.quotaDetail', { locked: formatBytes(s.lockedBytes), quota: formatBytes(s.quotaBytes) })}
        >${t('storage.quota')}</span
      >`;
    }
    return nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-storage-alarm': WpStorageAlarm;
  }
}
