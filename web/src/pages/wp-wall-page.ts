import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { cameras } from '../data/cameras';
import { loadLayout, saveLayout, type Layout } from '../data/prefs';
import type { Camera } from '../data/types';
import { t } from '../i18n';
import { fireNavigate, wallPath } from '../router';
import { sharedStyles } from '../styles/shared';
import { wallStyles } from './wall-styles';
import { iconExitFullscreen, iconFullscreen } from '../components/icons';
import '../components/wp-camera-tile';
import '../components/wp-alarm-popup';
import { alarms, openAlarmCameras } from '../data/alarms';
import '../components/wp-connection-indicator';
import '../components/wp-layout-picker';

const IDLE_MS = 3000;

/**
 * The live wall: 1/4/9/16 tiles with paging. In kiosk mode (monitoring post) it fills the screen
 * without chrome; controls appear only while the mouse moves. Layout, page and kiosk live in the URL so
 * a reload (or a browser restarted by a watchdog) comes back to the same wall.
 */
@customElement('wp-wall-page')
export class WpWallPage extends LitElement {
  @property({ type: Boolean, reflect: true }) kiosk = false;
  /** From the URL; undefined = the remembered layout. */
  @property({ type: Number }) layout?: Layout;
  @property({ type: Number }) page = 1;
  /** Kiosk page rotation in seconds (0 = off). */
  @property({ type: Number }) cycle = 0;

  /** Camera shown alone after a double click (kiosk). */
  @state() private focusId: string | null = null;
  @state() private active = true;

  private readonly store = new StoreController(this, cameras);
  private readonly alarmStore = new StoreController(this, alarms);
  private readonly l10n = new LocalizeController(this);
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private cycleTimer: ReturnType<typeof setInterval> | undefined;

  static override styles = [sharedStyles, wallStyles];

  private get effectiveLayout(): Layout {
    return this.layout ?? loadLayout();
  }

  private get pages(): number {
    return Math.max(1, Math.ceil(this.store.value.cameras.length / this.effectiveLayout));
  }

  private get currentPage(): number {
    return Math.min(this.page, this.pages);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey);
    window.addEventListener('pointermove', this.onActivity, { passive: true });
    window.addEventListener('pointerdown', this.onGesture);
    window.addEventListener('keydown', this.onGesture);
    this.onActivity();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
    window.removeEventListener('pointermove', this.onActivity);
    window.removeEventListener('pointerdown', this.onGesture);
    window.removeEventListener('keydown', this.onGesture);
    clearTimeout(this.idleTimer);
    clearInterval(this.cycleTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('cycle') || changed.has('kiosk')) {
      clearInterval(this.cycleTimer);
      if (this.kiosk && this.cycle > 0) {
        this.cycleTimer = setInterval(() => {
          if (!this.focusId && this.pages > 1) this.go({ page: (this.currentPage % this.pages) + 1 });
        }, this.cycle * 1000);
      }
    }
    if (changed.has('kiosk') && !this.kiosk) this.focusId = null;
  }

  protected override updated(): void {
    this.toggleAttribute('idle', !this.active);
  }

  private go(opts: { layout?: Layout; page?: number; kiosk?: boolean }): void {
    const layout = opts.layout ?? this.effectiveLayout;
    if (opts.layout) saveLayout(opts.layout);
    const path = wallPath({
      kiosk: opts.kiosk ?? this.kiosk,
      layout,
      page: opts.page ?? (opts.layout ? 1 : this.currentPage),
      cycle: this.cycle,
    });
    fireNavigate(this, path, opts.kiosk === undefined);
  }

  /** Browsers only grant fullscreen inside a user gesture: the first click / key in kiosk asks for it. */
  private readonly onGesture = () => {
    if (this.kiosk && !document.fullscreenElement) {
      document.documentElement.requestFullscreen?.().catch(() => {});
    }
  };

  private readonly onActivity = () => {
    if (!this.active) this.active = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => (this.active = false), IDLE_MS);
  };

  private readonly onKey = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowRight' || e.key === 'PageDown') this.go({ page: (this.currentPage % this.pages) + 1 });
    else if (e.key === 'ArrowLeft' || e.key === 'PageUp') this.go({ page: ((this.currentPage + this.pages - 2) % this.pages) + 1 });
    else if (e.key === 'Escape' && this.focusId) this.focusId = null;
    else if ((e.key === 'f' || e.key === 'F') && this.kiosk) this.toggleFullscreen();
  };

  private toggleFullscreen(): void {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    else void document.documentElement.requestFullscreen?.().catch(() => {});
  }

  private enterKiosk(): void {
    // Inside the click handler: the user gesture lets us go full screen.
    void document.documentElement.requestFullscreen?.().catch(() => {});
    this.go({ kiosk: true });
  }

  private exitKiosk(): void {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    this.go({ kiosk: false });
  }

  private onTileActivate(e: CustomEvent<{ id: string }>): void {
    if (this.kiosk) return;
    fireNavigate(this, `/camera/${encodeURIComponent(e.detail.id)}`);
  }

  private onTileFocus(e: CustomEvent<{ id: string }>): void {
    if (!this.kiosk) return;
    this.focusId = this.focusId === e.detail.id ? null : e.detail.id;
  }

  private renderGrid(slots: (Camera | undefined)[], n: number) {
    const epoch = this.store.value.epoch;
    const alarmed = openAlarmCameras(this.alarmStore.value);
    return html`<div class="area">
      <div class="grid" style=${`--n:${n}`} data-testid="wall-grid" data-layout=${n * n}>
        ${repeat(
          slots,
          (c, i) => c?.id ?? `empty-${i}`,
          (c) => html`<wp-camera-tile
            data-testid=${c ? 'tile' : 'tile-empty'}
            data-camera-id=${c?.id ?? ''}
            .camera=${c}
            .epoch=${epoch}
            .connection=${this.store.value.connection}
            ?alarm=${!!c && alarmed.has(c.id)}
            @tile-activate=${this.onTileActivate}
            @tile-focus=${this.onTileFocus}
          ></wp-camera-tile>`,
        )}
      </div>
    </div>`;
  }

  private renderControls(layout: Layout, page: number, pages: number, online: number, total: number) {
    return html`<div class="toolbar" data-testid="wall-toolbar">
      <wp-layout-picker .layout=${layout} @layout-change=${(e: CustomEvent<{ layout: Layout }>) => this.go({ layout: e.detail.layout })}></wp-layout-picker>
      <div class="pager">
        <button type="button" data-testid="page-prev" title=${t('wall.prev')} ?disabled=${pages < 2} @click=${() => this.go({ page: page > 1 ? page - 1 : pages })}>‹</button>
        <span data-testid="page-indicator">${t('wall.page', { page, pages })}</span>
        <button type="button" data-testid="page-next" title=${t('wall.next')} ?disabled=${pages < 2} @click=${() => this.go({ page: page < pages ? page + 1 : 1 })}>›</button>
      </div>
      <span class="summary ${online < total ? 'bad' : ''}" data-testid="wall-summary">${t('wall.summary', { online, total })}</span>
      <span class="spacer"></span>
      ${this.kiosk
        ? html`<button type="button" data-testid="fullscreen-toggle" @click=${this.toggleFullscreen}>${iconFullscreen} ${t('wall.fullscreen')}</button>
            <button type="button" data-testid="kiosk-toggle" @click=${this.exitKiosk}>${iconExitFullscreen} ${t('wall.exitKiosk')}</button>`
        : html`<button type="button" class="primary" data-testid="kiosk-toggle" @click=${this.enterKiosk}>${iconFullscreen} ${t('wall.kiosk')}</button>`}
    </div>`;
  }

  override render() {
    const { cameras: list, loaded, connection } = this.store.value;
    const layout = this.effectiveLayout;
    const pages = this.pages;
    const page = this.currentPage;
    const online = list.filter((c) => c.status === 'online').length;
    const enabled = list.filter((c) => c.enabled).length;
    const focused = this.focusId ? list.find((c) => c.id === this.focusId) : undefined;

    let slots: (Camera | undefined)[];
    let n = Math.sqrt(layout);
    if (focused) {
      slots = [focused];
      n = 1;
    } else {
      slots = list.slice((page - 1) * layout, page * layout);
      while (slots.length < layout) slots.push(undefined);
    }

    const controls = this.renderControls(layout, page, pages, online, enabled);
    return html`
      ${this.kiosk ? html`<div class="kiosk-controls ${this.active ? 'show' : ''}">${controls}</div>` : controls}
      ${loaded && !list.length ? html`<div class="empty">${t('wall.noCameras')}</div>` : this.renderGrid(slots, n)}
      <wp-alarm-popup></wp-alarm-popup>
      ${this.kiosk
        ? html`<wp-connection-indicator
            class="kiosk-conn ${this.active ? 'show' : ''}"
            compact
            data-testid="connection-indicator"
            data-state=${connection}
            .state=${connection}
          ></wp-connection-indicator>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-wall-page': WpWallPage;
  }
}
