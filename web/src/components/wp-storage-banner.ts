import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { startStoragePolling, storage, storageTrouble } from '../data/recordings';
import { formatDateTime, t } from '../i18n';
import { formatBytes } from './evidence-styles';
import { storageAlertColours } from '../styles/banner';

/**
 * The storage banner under the top bar (also on a kiosk wall): shown while the recordings disk is full (writes
 * fail), while free space is under the floor, or while evidence locks block the quota. It goes once the polled
 * storage state is clear again.
 */
@customElement('wp-storage-banner')
export class WpStorageBanner extends LitElement {
  private readonly store = new StoreController(this, storage);
  private readonly l10n = new LocalizeController(this);

  static override styles = css`
    :host {
      display: block;
    }
    div {
      padding: 0.45em 1em;
      font-weight: 600;
      border-bottom: 1px solid rgb(0 0 0 / 0.3);
    }
    ${storageAlertColours('.full', '.floor, .locked')}
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    startStoragePolling();
  }

  override render() {
    const s = this.store.value;
    if (!s || !storageTrouble(s)) return nothing;
    const free = formatBytes(s.freeBytes);
    return html`
      ${s.diskFull
        ? html`<div class="full" role="alert" data-testid="storage-banner-full">
            ${t('storage.fullBanner', { since: s.diskFullSince ? formatDateTime(s.diskFullSince) : '—', free })}
          </div>`
        : nothing}
      ${s.belowFloor && !s.diskFull
        ? html`<div class="floor" role="status" data-testid="storage-banner-floor">
            ${t('storage.floorBanner', { free, floor: formatBytes(s.minFreeBytes ?? 0) })}
          </div>`
        : nothing}
      ${s.quotaBlockedByLocks
        ? html`<div class="locked" role="status" data-testid="storage-banner-locked">
            ${t('storage.lockedBanner', { locked: formatBytes(s.lockedBytes), hours: s.minKeepHours ?? 24 })}
          </div>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-storage-banner': WpStorageBanner;
  }
}
