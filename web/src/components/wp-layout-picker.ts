import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { LAYOUTS, layoutGeometry, type Layout } from '../data/prefs';
import { sharedStyles } from '../styles/shared';
import { t } from '../i18n';

/** 1 / 4 / 6 / 8 / 9 / 16 / 25 buttons (6 and 8: one large tile). Fires `layout-change` ({layout}). */
@customElement('wp-layout-picker')
export class WpLayoutPicker extends LitElement {
  @property({ type: Number }) layout: Layout = 4;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-flex;
        gap: 0.3em;
        align-items: center;
      }
      button {
        min-width: 2.6em;
        justify-content: center;
        font-variant-numeric: tabular-nums;
      }
      svg {
        width: 1em;
        height: 1em;
      }
    `,
  ];

  private icon(n: Layout) {
    const { cols, big } = layoutGeometry(n);
    const s = 14 / cols;
    const rects = [{ x: 1, y: 1, w: big * s }];
    for (let y = 0; y < cols; y++) {
      for (let x = 0; x < cols; x++) if (x >= big || y >= big) rects.push({ x: 1 + x * s, y: 1 + y * s, w: s });
    }
    return html`<svg viewBox="0 0 16 16" aria-hidden="true">
      ${rects.map((r) => svg`<rect x=${r.x + 0.5} y=${r.y + 0.5} width=${r.w - 1} height=${r.w - 1} fill="currentColor" />`)}
    </svg>`;
  }

  override render() {
    return html`${LAYOUTS.map(
      (n, i) => html`<button
        type="button"
        data-testid=${`layout-${n}`}
        aria-pressed=${n === this.layout ? 'true' : 'false'}
        title=${`${t(layoutGeometry(n).big > 1 ? 'wall.layoutBig' : 'wall.layoutN', { n })} (${i + 1})`}
        @click=${() => this.dispatchEvent(new CustomEvent('layout-change', { detail: { layout: n } }))}
      >
        ${this.icon(n)} ${n}
      </button>`,
    )}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-layout-picker': WpLayoutPicker;
  }
}
