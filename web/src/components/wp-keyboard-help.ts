import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { t, type MessageKey } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { surfaceBox } from '../styles/surface';

/**
 * Key caps, as printed on the keyboard (Latin on a Chinese keyboard too); `data-raw` tells the zh-CN
 * coverage walk that they are not UI words.
 */
/** The mouse (wheel, drag): a drawn icon, no emoji font on a wall PC. */
const MOUSE = 'mouse';
const mouseIcon = html`<svg viewBox="0 0 12 16" width="0.8em" height="1.1em" aria-hidden="true">
  ${svg`<rect x="1" y="1" width="10" height="14" rx="5" fill="none" stroke="currentColor" stroke-width="1.4" /><line x1="6" y1="3.5" x2="6" y2="6.5" stroke="currentColor" stroke-width="1.6" />`}
</svg>`;

const SHORTCUTS: { keys: string[]; text: MessageKey }[] = [
  { keys: ['?'], text: 'wall.key.help' },
  { keys: ['1', '…', '7'], text: 'wall.key.layout' },
  { keys: ['←', '↑', '→', '↓'], text: 'wall.key.move' },
  { keys: ['Enter'], text: 'wall.key.open' },
  { keys: ['F'], text: 'wall.key.alone' },
  { keys: ['F'], text: 'wall.key.fullscreen' },
  { keys: ['S'], text: 'wall.key.swap' },
  { keys: ['PgUp', 'PgDn'], text: 'wall.key.page' },
  { keys: ['Esc'], text: 'wall.key.back' },
  { keys: [MOUSE], text: 'wall.key.zoom' },
];

/** Overlay listing the wall's keyboard shortcuts. The page opens it (`?`); fires `close`. */
@customElement('wp-keyboard-help')
export class WpKeyboardHelp extends LitElement {
  @property({ type: Boolean, reflect: true }) open = false;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: none;
      }
      :host([open]) {
        display: grid;
        place-items: center;
        position: fixed;
        inset: 0;
        z-index: 20;
        background: rgb(0 0 0 / 0.6);
      }
      ${surfaceBox('.panel', '1em 1.4em')}
      .panel {
        max-width: min(44em, 94vw);
        max-height: 90vh;
        overflow: auto;
        color: var(--wp-text);
      }
      h2 {
        margin: 0 0 0.7em;
        font-size: 1.2em;
      }
      table {
        border-collapse: collapse;
      }
      td {
        padding: 0.3em 0.6em;
        vertical-align: top;
      }
      td.keys {
        white-space: nowrap;
        text-align: right;
      }
      kbd {
        display: inline-block;
        min-width: 1.6em;
        padding: 0.05em 0.4em;
        margin: 0 0.1em;
        border: 1px solid var(--wp-border);
        border-bottom-width: 3px;
        border-radius: 4px;
        background: var(--wp-surface-2);
        font-family: var(--wp-mono);
        text-align: center;
      }
      footer {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 1em;
        margin-top: 0.8em;
        color: var(--wp-text-muted);
      }
    `,
  ];

  private close(): void {
    this.dispatchEvent(new CustomEvent('close'));
  }

  override render() {
    if (!this.open) return nothing;
    const kbd = (k: string) => html`<kbd data-raw>${k === MOUSE ? mouseIcon : k}</kbd>`;
    return html`<div
      class="panel"
      role="dialog"
      aria-modal="true"
      aria-labelledby="title"
      data-testid="keyboard-help"
      @click=${(e: Event) => e.stopPropagation()}
    >
      <h2 id="title">${t('wall.help')}</h2>
      <table>
        ${SHORTCUTS.map(
          (s) => html`<tr data-testid="shortcut">
            <td class="keys">${s.keys.map(kbd)}</td>
            <td>${t(s.text)}</td>
          </tr>`,
        )}
      </table>
      <footer>
        <span>${kbd('Esc')} ${kbd('?')} ${t('wall.helpFooter')}</span>
        <button type="button" data-testid="keyboard-help-close" @click=${this.close}>${t('wall.helpClose')}</button>
      </footer>
    </div>`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('click', this.onBackdrop);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('click', this.onBackdrop);
  }

  private readonly onBackdrop = () => this.close();
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-keyboard-help': WpKeyboardHelp;
  }
}
