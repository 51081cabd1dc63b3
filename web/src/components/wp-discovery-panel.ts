import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { repeat } from 'lit/directives/repeat.js';
import { LocalizeController } from '../controllers/localize-controller';
import { deviceLabel, discoverCameras, type DiscoveredDevice, type DiscoveryResult } from '../data/onvif';
import type { Camera } from '../data/types';
import { t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { cardFormHostStyles } from '../styles/card';
import type { WpDiscoveryOnboard } from './wp-discovery-onboard';
import './wp-discovery-onboard';
import { dataTable } from '../styles/table';

interface Target {
  key: string;
  xaddr: string;
  urn: string;
  name: string;
}

/**
 * "Discover cameras": WS-Discovery on request, the devices that answered (with "already added"), and onboarding of
 * one of them — or of a device address typed by hand. Fires `onboarded` ({camera}) and `close`.
 */
@customElement('wp-discovery-panel')
export class WpDiscoveryPanel extends LitElement {
  @state() private result: DiscoveryResult | null = null;
  @state() private searching = false;
  @state() private error: string | null = null;
  @state() private target: Target | null = null;
  @state() private notice: string | null = null;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    cardFormHostStyles,
    css`
      header {
        display: flex;
        align-items: center;
        gap: 0.8em;
        margin-bottom: 0.8em;
      }
      h2 {
        margin: 0;
        font-size: 1.15em;
        flex: 1;
      }
      ${dataTable('0.5em 0.6em', 'middle')}
      table {
        margin: 0.6em 0;
      }
      th {
        color: var(--wp-text-muted);
        font-size: 0.85em;
      }
      .mono {
        font-family: var(--wp-mono);
        font-size: 0.85em;
        word-break: break-all;
        color: var(--wp-text-muted);
      }
      .added {
        color: var(--wp-online);
      }
      .manual {
        display: flex;
        gap: 0.6em;
        align-items: end;
        margin-top: 0.8em;
      }
      .manual label {
        flex: 1;
      }
      wp-discovery-onboard,
      .error,
      .notice {
        margin-top: 0.8em;
      }
      .notice {
        color: var(--wp-online);
      }
    `,
  ];

  private async discover(): Promise<void> {
    this.searching = true;
    this.error = null;
    this.notice = null;
    try {
      this.result = await discoverCameras();
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.searching = false;
    }
  }

  private pick(d: DiscoveredDevice): void {
    this.notice = null;
    this.target = { key: d.urn || d.xaddr, xaddr: d.xaddr, urn: d.urn, name: d.name || deviceLabel(d) };
  }

  private manual(e: Event): void {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('[name="xaddr"]');
    const xaddr = input?.value.trim() ?? '';
    if (!xaddr) return;
    this.notice = null;
    this.target = { key: `manual:${xaddr}`, xaddr, urn: '', name: '' };
  }

  private onboarded(e: CustomEvent<{ camera: Camera }>): void {
    const cam = e.detail.camera;
    // the form may have been replaced by another device's while this one was being added
    const from = e.target as WpDiscoveryOnboard;
    if (this.target && from.xaddr === this.target.xaddr) this.target = null;
    this.notice = t('onboard.added', { name: cam.name });
    if (this.result) {
      this.result = {
        ...this.result,
        devices: this.result.devices.map((d) => (d.xaddr === from.xaddr ? { ...d, alreadyAdded: cam.id } : d)),
      };
    }
    this.dispatchEvent(new CustomEvent('onboarded', { detail: { camera: cam } }));
  }

  private row(d: DiscoveredDevice) {
    const key = d.urn || d.xaddr;
    return html`<tr data-testid="discovered-device" data-xaddr=${d.xaddr} data-name=${d.name}>
      <td>${d.name || t('discovery.unnamed')}</td>
      <td>${deviceLabel(d) || '—'}</td>
      <td class="mono">${d.address}</td>
      <td class="mono">${d.xaddr}</td>
      <td>
        ${d.alreadyAdded
          ? html`<a class="added" data-testid="device-added" href=${`/camera/${encodeURIComponent(d.alreadyAdded)}`}>✓ ${t('discovery.added')}</a>`
          : html`<button type="button" data-testid="device-add" ?disabled=${this.target?.key === key} @click=${() => this.pick(d)}>
              ${t('discovery.add')}
            </button>`}
      </td>
    </tr>`;
  }

  override render() {
    const r = this.result;
    const tg = this.target;
    return html`
      <header>
        <h2>${t('discovery.title')}</h2>
        <button type="button" class="primary" data-testid="discover-run" ?disabled=${this.searching} @click=${this.discover}>
          ${this.searching ? t('discovery.searching') : r ? t('discovery.again') : t('discovery.discover')}
        </button>
        <button type="button" data-testid="discovery-close" @click=${() => this.dispatchEvent(new CustomEvent('close'))}>${t('discovery.close')}</button>
      </header>
      ${this.error ? html`<div class="error" role="alert" data-testid="discovery-error">${this.error}</div>` : nothing}
      ${r
        ? html`<p class="muted" data-testid="discovery-summary">
              ${r.devices.length
                ? t('discovery.found', { n: r.devices.length, seconds: (r.durationMs / 1000).toFixed(1) })
                : t('discovery.none')}
            </p>
            ${r.devices.length
              ? html`<table>
                  <thead>
                    <tr>
                      <th>${t('discovery.name')}</th>
                      <th>${t('discovery.model')}</th>
                      <th>${t('discovery.address')}</th>
                      <th>${t('discovery.xaddr')}</th>
                      <th></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${repeat(r.devices, (d) => d.urn || d.xaddr, (d) => this.row(d))}
                  </tbody>
                </table>`
              : nothing}`
        : nothing}
      <form class="manual" @submit=${this.manual}>
        <label>${t('discovery.manual')}
          <input type="text" name="xaddr" data-testid="manual-xaddr" placeholder="http://192.168.1.64/onvif/device_service" />
        </label>
        <button type="submit" data-testid="manual-add">${t('discovery.manualAdd')}</button>
      </form>
      ${this.notice ? html`<div class="notice" role="status" data-testid="discovery-notice">${this.notice}</div>` : nothing}
      ${tg
        ? keyed(tg.key, html`<wp-discovery-onboard
            .xaddr=${tg.xaddr}
            .urn=${tg.urn}
            .deviceName=${tg.name}
            @onboarded=${this.onboarded}
            @cancel=${() => (this.target = null)}
          ></wp-discovery-onboard>`)
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-discovery-panel': WpDiscoveryPanel;
  }
}
