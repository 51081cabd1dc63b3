import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { Camera } from '../data/types';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { reasonText } from './wp-camera-tile';
import './wp-status-badge';
import './wp-camera-thumb';
import { columnHeadStyles, dataTable } from '../styles/table';

/**
 * Camera list for the management page. Admin controls only when `admin`; config-file cameras are
 * read-only. Fires `toggle-enabled` ({id, enabled}), `edit-request` ({id}), `delete-request` ({id}).
 */
@customElement('wp-camera-table')
export class WpCameraTable extends LitElement {
  @property({ attribute: false }) cameras: Camera[] = [];
  @property({ type: Boolean }) admin = false;
  /** Ids with a request in flight (their controls are disabled). */
  @property({ attribute: false }) busy: ReadonlySet<string> = new Set();

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        overflow-x: auto;
      }
      ${dataTable('0.6em 0.7em', 'middle')}
      ${columnHeadStyles}
      th {
        font-size: 0.85em;
        white-space: nowrap;
      }
      tr:hover td {
        background: color-mix(in srgb, var(--wp-surface-2) 60%, transparent);
      }
      .name a {
        color: var(--wp-text);
        font-weight: 700;
        text-decoration: none;
      }
      .name a:hover {
        text-decoration: underline;
      }
      .id,
      .url {
        font-family: var(--wp-mono);
        font-size: 0.85em;
        color: var(--wp-text-muted);
        word-break: break-all;
      }
      .reason {
        color: #ffb4b4;
        font-size: 0.85em;
        margin-top: 0.25em;
      }
      .cred-yes {
        color: var(--wp-online);
      }
      .actions {
        display: flex;
        gap: 0.4em;
        white-space: nowrap;
      }
      .ro {
        color: var(--wp-text-muted);
        font-size: 0.85em;
      }
      input[type='checkbox'] {
        width: 1.2em;
        height: 1.2em;
        accent-color: var(--wp-online);
      }
    `,
  ];

  private fire(name: string, detail: object): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  private onToggle(e: Event, c: Camera): void {
    const box = e.target as HTMLInputElement;
    const enabled = box.checked;
    box.checked = c.enabled; // show the server's truth: the store update flips it on success
    this.fire('toggle-enabled', { id: c.id, enabled });
  }

  private row(c: Camera) {
    const editable = this.admin && c.origin !== 'config' && c.origin !== 'remote';
    const busy = this.busy.has(c.id);
    return html`<tr data-testid="camera-row" data-camera-id=${c.id}>
      <td class="thumb"><wp-camera-thumb .camera=${c}></wp-camera-thumb></td>
      <td class="name">
        <a href=${`/camera/${encodeURIComponent(c.id)}`}>${c.name}</a>
        <div class="id">${c.id}</div>
      </td>
      <td>
        <wp-status-badge data-testid="status-badge" data-status=${c.status} .status=${c.status}></wp-status-badge>
        ${c.status === 'offline' ? html`<div class="reason">${reasonText(c.statusReason)}</div>` : nothing}
      </td>
      <td class="url">${c.url ?? ''}${c.subUrl ? html`<br />${c.subUrl}` : nothing}</td>
      <td>
        ${c.hasCredentials
          ? html`<span class="cred-yes" data-testid="credentials-saved">✓ ${t('cameras.credentialsSaved')}</span>`
          : html`<span class="muted">${t('cameras.noCredentials')}</span>`}
      </td>
      <td>${t(`origin.${c.origin}`)}</td>
      <td>
        <input
          type="checkbox"
          data-testid="camera-enabled-toggle"
          aria-label=${t('camera.enabled')}
          .checked=${c.enabled}
          ?disabled=${!editable || busy}
          @change=${(e: Event) => this.onToggle(e, c)}
        />
      </td>
      <td>
        ${editable
          ? html`<div class="actions">
              <button type="button" data-testid="camera-edit" ?disabled=${busy} @click=${() => this.fire('edit-request', { id: c.id })}>
                ${t('cameras.edit')}
              </button>
              <button type="button" class="danger" data-testid="camera-delete" ?disabled=${busy} @click=${() => this.fire('delete-request', { id: c.id })}>
                ${t('cameras.delete')}
              </button>
            </div>`
          : c.origin === 'config'
            ? html`<span class="ro">${t('cameras.readOnly')}</span>`
            : c.origin === 'remote'
              ? html`<span class="ro">${t('origin.remote')}</span>`
            : nothing}
      </td>
    </tr>`;
  }

  override render() {
    if (!this.cameras.length) return html`<p class="muted">${t('cameras.empty')}</p>`;
    return html`<table>
      <thead>
        <tr>
          <th></th>
          <th>${t('camera.name')}</th>
          <th>${t('camera.status')}</th>
          <th>${t('camera.url')}</th>
          <th>${t('camera.credentials')}</th>
          <th>${t('camera.origin')}</th>
          <th>${t('camera.enabled')}</th>
          <th>${this.admin ? t('cameras.actions') : ''}</th>
        </tr>
      </thead>
      <tbody>
        ${repeat(this.cameras, (c) => c.id, (c) => this.row(c))}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-camera-table': WpCameraTable;
  }
}
