import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { layoutGeometry, type Layout, type TourPrefs } from '../data/prefs';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { iconExitFullscreen, iconFullscreen } from './icons';
import './wp-layout-picker';
import './wp-tour-control';

export type WallAction = 'help' | 'fullscreen' | 'kiosk-enter' | 'kiosk-exit';

/**
 * The wall's toolbar: layout picker, "fit to cameras", pager, tour, online summary, keyboard help, wall mode /
 * full screen. Fires `layout-change` ({layout}), `fit-change` ({fit}), `page-change` ({page}), `tour-change`
 * ({tour}) and `wall-action` ({action}), inside the click (full screen needs the user's gesture); the wall's
 * display and view pickers go into slot "views".
 */
@customElement('wp-wall-toolbar')
export class WpWallToolbar extends LitElement {
  @property({ type: Number }) layout: Layout = 4;
  @property({ type: Number }) page = 1;
  @property({ type: Number }) pages = 1;
  @property({ type: Number }) online = 0;
  @property({ type: Number }) total = 0;
  @property({ type: Boolean, reflect: true }) kiosk = false;
  /** Shrink the grid to the cameras; `shown` is the layout the page is shown in. */
  @property({ type: Boolean }) fit = true;
  @property({ type: Number }) shown: Layout = 4;
  @property({ attribute: false }) tour?: TourPrefs;
  /** the display this browser is (for the tour's "the views of this display") */
  @property({ attribute: false }) display: string | null = null;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 1em;
        padding: 0.45em 1em;
        background: var(--wp-wall-toolbar-bg, var(--wp-surface));
        border-bottom: 1px solid var(--wp-border);
        flex-wrap: wrap;
      }
      .pager {
        display: inline-flex;
        align-items: center;
        gap: 0.5em;
        font-variant-numeric: tabular-nums;
      }
      .summary {
        color: var(--wp-online);
        font-weight: 600;
      }
      .summary.bad {
        color: var(--wp-offline);
      }
      .hint {
        color: var(--wp-text-muted);
        font-size: 0.9em;
      }
      .spacer {
        flex: 1;
      }
      label {
        display: inline-flex;
        align-items: center;
        gap: 0.3em;
        white-space: nowrap;
      }
      /* wall mode: the bar lies over the top tiles; a click between its controls goes to the tile under it */
      :host([kiosk]) {
        pointer-events: none;
      }
      :host([kiosk]) button,
      :host([kiosk]) label,
      :host([kiosk]) wp-layout-picker,
      :host([kiosk]) wp-tour-control,
      :host([kiosk]) ::slotted(*) {
        pointer-events: var(--wp-kiosk-controls-pe, auto);
      }
    `,
  ];

  private fire(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  override render() {
    const { page, pages, online, total } = this;
    const action = (a: WallAction) => () => this.fire('wall-action', { action: a });
    return html`
      <wp-layout-picker .layout=${this.layout} @layout-change=${(e: CustomEvent<{ layout: Layout }>) => this.fire('layout-change', e.detail)}></wp-layout-picker>
      <label title=${t('wall.fitTitle')}>
        <input type="checkbox" data-testid="wall-fit" .checked=${this.fit} @change=${(e: Event) => this.fire('fit-change', { fit: (e.target as HTMLInputElement).checked })} />
        ${t('wall.fit')}
      </label>
      ${this.shown !== this.layout ? html`<span class="hint" data-testid="fit-hint" data-shown=${this.shown}>${t('wall.fitted', { n: this.shown })}</span>` : nothing}
      <div class="pager">
        <button type="button" data-testid="page-prev" title=${t('wall.prev')} ?disabled=${pages < 2} @click=${() => this.fire('page-change', { page: page > 1 ? page - 1 : pages })}>‹</button>
        <span data-testid="page-indicator">${t('wall.page', { page, pages })}</span>
        <button type="button" data-testid="page-next" title=${t('wall.next')} ?disabled=${pages < 2} @click=${() => this.fire('page-change', { page: page < pages ? page + 1 : 1 })}>›</button>
      </div>
      ${this.tour ? html`<wp-tour-control .tour=${this.tour} .display=${this.display} @tour-change=${(e: CustomEvent) => this.fire('tour-change', e.detail)}></wp-tour-control>` : nothing}
      <slot name="views"></slot>
      <span class="summary ${online < total ? 'bad' : ''}" data-testid="wall-summary">${t('wall.summary', { online, total })}</span>
      ${layoutGeometry(this.shown).big > 1 ? html`<span class="hint" data-testid="swap-hint">${t('wall.swapHint')}</span>` : nothing}
      <span class="spacer"></span>
      <button type="button" data-testid="keyboard-help-open" title=${t('wall.helpOpen')} aria-label=${t('wall.helpOpen')} @click=${action('help')}>?</button>
      ${this.kiosk
        ? html`<button type="button" data-testid="fullscreen-toggle" @click=${action('fullscreen')}>${iconFullscreen} ${t('wall.fullscreen')}</button>
            <button type="button" data-testid="kiosk-toggle" @click=${action('kiosk-exit')}>${iconExitFullscreen} ${t('wall.exitKiosk')}</button>`
        : html`<button type="button" class="primary" data-testid="kiosk-toggle" @click=${action('kiosk-enter')}>${iconFullscreen} ${t('wall.kiosk')}</button>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-wall-toolbar': WpWallToolbar;
  }
}
