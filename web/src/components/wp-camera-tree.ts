import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { Camera } from '../data/types';
import type { TreeGroup } from '../data/wall-views';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';

/** The drag data type of a camera dragged from the tree onto a wall tile. */
export const CAMERA_DRAG_TYPE = 'application/x-watchpost-camera';

/**
 * The wall's camera tree: cameras grouped by camera group (a camera in several groups is under each; those in
 * none under "Ungrouped"), each with its status dot, draggable (HTML5) onto a tile. Collapsible: fires
 * `tree-toggle` ({open}).
 */
@customElement('wp-camera-tree')
export class WpCameraTree extends LitElement {
  @property({ attribute: false }) cameras: Camera[] = [];
  @property({ attribute: false }) groups: TreeGroup[] = [];
  @property({ type: Boolean, reflect: true }) open = true;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        border-right: 1px solid var(--wp-border);
        background: var(--wp-surface);
        overflow: auto;
        min-width: 2.5em;
      }
      :host([open]) {
        width: 14em;
      }
      .head {
        display: flex;
        align-items: center;
        gap: 0.4em;
        padding: 0.4em;
      }
      h3 {
        font-size: 0.95em;
        margin: 0.6em 0.5em 0.2em;
        color: var(--wp-text-muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0 0.3em;
      }
      li {
        display: flex;
        align-items: center;
        gap: 0.45em;
        padding: 0.25em 0.4em;
        border-radius: 4px;
        cursor: grab;
        user-select: none;
      }
      li:hover {
        background: var(--wp-surface-2, rgba(127, 127, 127, 0.15));
      }
      .dot {
        width: 0.6em;
        height: 0.6em;
        border-radius: 50%;
        flex: none;
        background: var(--wp-text-muted);
      }
      .dot.online {
        background: var(--wp-online);
      }
      .dot.offline {
        background: var(--wp-offline);
      }
      .hint {
        color: var(--wp-text-muted);
        font-size: 0.85em;
        padding: 0 0.5em;
      }
    `,
  ];

  private onDragStart(e: DragEvent, id: string): void {
    e.dataTransfer?.setData(CAMERA_DRAG_TYPE, id);
    e.dataTransfer?.setData('text/plain', id);
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'copyMove';
  }

  private renderGroup(name: string, cams: Camera[], testid: string) {
    return html`<section data-testid=${testid} data-group=${name}>
      <h3>${name}</h3>
      <ul>
        ${cams.map(
          (c) => html`<li draggable="true" data-testid="tree-camera" data-camera-id=${c.id} title=${t('wall.tree.dragHint')} @dragstart=${(e: DragEvent) => this.onDragStart(e, c.id)}>
            <span class="dot ${c.enabled ? c.status : 'disabled'}" data-status=${c.status}></span>${c.name}
          </li>`,
        )}
      </ul>
    </section>`;
  }

  override render() {
    const toggle = html`<button
      type="button"
      data-testid="tree-toggle"
      aria-expanded=${this.open}
      title=${t(this.open ? 'wall.tree.hide' : 'wall.tree.show')}
      @click=${() => this.dispatchEvent(new CustomEvent('tree-toggle', { detail: { open: !this.open } }))}
    >
      ${this.open ? '«' : '»'}
    </button>`;
    if (!this.open) return html`<div class="head">${toggle}</div>`;
    const byId = new Map(this.cameras.map((c) => [c.id, c]));
    const grouped = new Set(this.groups.flatMap((g) => g.members));
    const ungrouped = this.cameras.filter((c) => !grouped.has(c.id));
    return html`<div class="head">${toggle}<strong>${t('wall.tree.title')}</strong></div>
      <div class="hint">${t('wall.tree.dragHint')}</div>
      ${this.groups.map((g) => this.renderGroup(g.name, g.members.map((id) => byId.get(id)).filter((c): c is Camera => !!c), 'tree-group'))}
      ${ungrouped.length ? this.renderGroup(t('wall.tree.ungrouped'), ungrouped, 'tree-ungrouped') : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-camera-tree': WpCameraTree;
  }
}
