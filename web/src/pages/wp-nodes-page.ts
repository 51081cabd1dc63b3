import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { fetchNodeCameras, fetchNodes, type NodeCameraView, type NodeView } from '../data/nodes';
import { serverNow } from '../data/patrol';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { reasonLabel } from '../i18n/server-text';
import { sharedStyles } from '../styles/shared';
import { pageStyles } from '../styles/page';

/** How often the page asks again: a node goes offline 12–15 s after its heartbeats stop, this shows it within 3 s. */
const POLL_MS = 3000;

/**
 * The nodes of the installation (issue J): this node, then every node heard on the shared MQTT broker — role,
 * online/offline, when it was last heard, how many cameras; a node's cameras on demand, a down node's offline
 * "recorder down". The page fetches (data/nodes.ts); nothing here writes.
 */
@customElement('wp-nodes-page')
export class WpNodesPage extends LitElement {
  @state() private nodes: NodeView[] | null = null;
  @state() private open: string | null = null;
  @state() private cameras: NodeCameraView[] | null = null;
  @state() private error: string | null = null;
  @state() private camerasError: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      tr.offline td { color: #ffb4b4; }
      .down { color: #ffb4b4; font-weight: 600; }
      h2 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.timer = setInterval(() => void this.load(), POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  private async load(): Promise<void> {
    try {
      this.nodes = await fetchNodes();
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
    if (this.open) await this.loadCameras(this.open);
  }

  private async loadCameras(id: string): Promise<void> {
    try {
      const list = await fetchNodeCameras(id);
      if (this.open !== id) return;
      this.cameras = list;
      this.camerasError = null;
    } catch (err) {
      if (this.open === id) this.camerasError = errorMessage(err);
    }
  }

  private toggle(id: string): void {
    this.cameras = null;
    this.camerasError = null;
    this.open = this.open === id ? null : id;
    if (this.open) void this.loadCameras(this.open);
  }

  private renderCameras(node: NodeView) {
    return html`<h2>${t('nodes.camerasOf', { node: node.id })}</h2>
      ${node.status === 'offline' ? html`<p class="down" role="alert" data-testid="node-down">${t('nodes.down', { node: node.id })}</p>` : nothing}
      ${this.camerasError ? html`<p class="error" role="alert" data-testid="node-cameras-error">${this.camerasError}</p>` : nothing}
      ${this.cameras
        ? this.cameras.length
          ? html`<table>
              <thead><tr><th>${t('nodes.camera')}</th><th>${t('nodes.status')}</th><th>${t('nodes.since')}</th></tr></thead>
              <tbody>
                ${this.cameras.map(
                  (c) => html`<tr class=${c.status === 'offline' ? 'offline' : ''} data-testid="node-camera" data-camera=${c.id} data-status=${c.status} data-reason=${c.reason ?? ''}>
                    <td>${c.name}</td>
                    <td>${t(`status.${c.status}` as 'status.online')}${c.reason ? html` — ${reasonLabel(c.reason)}` : nothing}</td>
                    <td>${c.since === null ? '—' : formatDateTime(c.since)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="muted">${t('nodes.noCameras')}</p>`
        : nothing}`;
  }

  override render() {
    const now = serverNow();
    const open = this.nodes?.find((n) => n.id === this.open);
    return html`<h1>${t('nodes.title')}</h1>
      <p class="muted">${t('nodes.intro')}</p>
      ${this.error ? html`<p class="error" role="alert" data-testid="nodes-error">${this.error}</p>` : nothing}
      ${this.nodes
        ? html`<table>
            <thead><tr><th>${t('nodes.id')}</th><th>${t('nodes.role')}</th><th>${t('nodes.status')}</th><th>${t('nodes.lastSeen')}</th><th>${t('nodes.cameras')}</th><th></th></tr></thead>
            <tbody>
              ${this.nodes.map(
                (n, i) => html`<tr class=${n.status} data-testid="node-row" data-node=${n.id} data-status=${n.status}>
                  <td>${n.id}${i === 0 ? html` <span class="muted">${t('nodes.self')}</span>` : nothing}</td>
                  <td>${t(`nodes.role.${n.role}`)}</td>
                  <td data-testid="node-status">${t(`nodes.status.${n.status}`)}</td>
                  <td>${formatDateTime(n.lastSeen)} <span class="muted">${t('nodes.ago', { s: Math.max(0, Math.round((now - n.lastSeen) / 1000)) })}</span></td>
                  <td>${n.cameras}</td>
                  <td><button type="button" data-testid="node-toggle" @click=${() => this.toggle(n.id)}>${this.open === n.id ? t('nodes.hide') : t('nodes.show')}</button></td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : nothing}
      ${open ? this.renderCameras(open) : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-nodes-page': WpNodesPage;
  }
}
