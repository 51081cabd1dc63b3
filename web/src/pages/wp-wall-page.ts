import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { cameras } from '../data/cameras';
import { arrange, fitLayout, layoutGeometry, loadFit, loadLayout, loadWallOrder, saveFit, saveLayout, saveWallOrder, swapInOrder, type Layout, type TourPrefs } from '../data/prefs';
import type { Camera } from '../data/types';
import { t } from '../i18n';
import { fireNavigate, wallPath } from '../router';
import { sharedStyles } from '../styles/shared';
import { wallStyles } from './wall-styles';
import '../components/wp-camera-tile';
import '../components/wp-alarm-popup';
import { alarms, openAlarmCameras } from '../data/alarms';
import '../components/wp-connection-indicator';
import '../components/wp-wall-toolbar';
import type { WallAction } from '../components/wp-wall-toolbar';
import '../components/wp-keyboard-help';
import { runWallKey, wallKeyAction, wallTiles, type WallKeyTarget } from './wall-keys';
import { TourController } from './wall-tour';
import { enterFullscreen, exitFullscreen, toggleFullscreen } from './wall-screen';
import { DueRoundsController } from './wall-rounds';
import '../components/wp-tour-status';
import '../components/wp-round-banner';
import { WallViewsController } from './wall-assign';
import { IdleController } from '../controllers/idle-controller';

const IDLE_MS = 3000;
/** A click on a wall with a large tile waits this long for a second click (double click = swap). */
const DBLCLICK_MS = 350;

/**
 * The live wall: 1/4/6/8/9/16/25 tiles with paging (6 and 8: one large tile, double-click a small tile to
 * swap it in; the arrangement is remembered in this browser). A page with fewer cameras than tiles is shown in
 * the smallest layout that holds them ("fit to cameras", default on). The camera tour (wall-tour.ts) and the
 * patrol banner (wall-rounds.ts) sit in the status line under the grid. In kiosk mode (monitoring post) it fills
 * the screen without chrome; controls appear only while the mouse moves; a click shows a tile alone. Layout,
 * page and kiosk live in the URL so a reload (or a browser restarted by a watchdog) comes back to the same wall.
 */
@customElement('wp-wall-page')
export class WpWallPage extends LitElement implements WallKeyTarget {
  @property({ type: Boolean, reflect: true }) kiosk = false;
  /** From the URL; undefined = the remembered layout. */
  @property({ type: Number }) layout?: Layout;
  @property({ type: Number }) page = 1;
  /** `?cycle=`: camera tour every that many seconds (0 = the tour as set in the toolbar). */
  @property({ type: Number }) cycle = 0;

  /** Camera shown alone (F, or a double click on the large tile / on any tile in kiosk). */
  @state() focusId: string | null = null;
  @state() helpOpen = false;
  /** Camera ids in the operator's tile order (prefs). */
  @state() private order: string[] = loadWallOrder();
  /** Shrink the grid to the cameras of the page (prefs). */
  @state() private fit = loadFit();

  private readonly store = new StoreController(this, cameras);
  private readonly alarmStore = new StoreController(this, alarms);
  private readonly l10n = new LocalizeController(this);
  /** browsers only grant fullscreen inside a user gesture: the first click / key in kiosk asks for it */
  private readonly idle = new IdleController(this, IDLE_MS, () => this.kiosk && enterFullscreen());
  /** named views and the arrangement by hand (wall-assign.ts) */
  private readonly wv = new WallViewsController(this);
  private readonly tour = new TourController(this, this.wv);
  private readonly due = new DueRoundsController(this);
  private clickTimer: ReturnType<typeof setTimeout> | undefined;

  static override styles = [sharedStyles, wallStyles, css`.main { flex: 1; min-height: 0; display: flex; } .main > .area { min-width: 0; }`];

  private get effectiveLayout(): Layout {
    return this.layout ?? loadLayout();
  }

  private get arranged(): Camera[] {
    return arrange(this.store.value.cameras, this.order);
  }

  /** The tiles of the current page: the operator's order, or the arrangement (a view, a drag) with its empty tiles. */
  private get pageSlots(): (Camera | undefined)[] {
    const layout = this.effectiveLayout;
    return this.wv.slots(this.store.value.cameras, this.arranged, (this.currentPage - 1) * layout, layout);
  }

  /** The layout the current page is shown in: the chosen one, or (fit, no arrangement) the smallest holding its cameras. */
  private get shownLayout(): Layout {
    return this.fit && !this.wv.tiles ? fitLayout(this.effectiveLayout, this.pageSlots.length) : this.effectiveLayout;
  }

  get pages(): number {
    const n = this.wv.tiles?.length ?? this.store.value.cameras.length;
    return Math.max(1, Math.ceil(n / this.effectiveLayout));
  }

  /** A view was applied (wall-assign.ts): its layout, and the URL names it. */
  applyLayout(layout: Layout): void {
    this.focusId = null;
    this.go({ layout });
  }

  get currentPage(): number {
    return Math.min(this.page, this.pages);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
    clearTimeout(this.clickTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('kiosk') || changed.has('layout')) this.focusId = null;
  }

  protected override updated(): void {
    this.toggleAttribute('idle', !this.idle.active);
  }

  go(opts: { layout?: Layout; page?: number; kiosk?: boolean; cycle?: number }): void {
    const layout = opts.layout ?? this.effectiveLayout;
    if (opts.layout) saveLayout(opts.layout);
    const path = wallPath({
      kiosk: opts.kiosk ?? this.kiosk,
      layout,
      page: opts.page ?? (opts.layout ? 1 : this.currentPage),
      cycle: opts.cycle ?? this.cycle,
    });
    fireNavigate(this, this.wv.viewId === null ? path : `${path}&view=${this.wv.viewId}`, opts.kiosk === undefined);
  }

  private readonly onKey = (e: KeyboardEvent) => {
    const action = wallKeyAction(e);
    if (!action || (this.helpOpen && action.kind !== 'help' && action.kind !== 'escape')) return;
    if (action.kind === 'move' || action.kind === 'page' || action.kind === 'help') e.preventDefault();
    runWallKey(this, action);
  };

  /** Put camera `id` into the large tile (its place goes to the camera that was there). */
  swapIntoLarge(id: string): void {
    if (layoutGeometry(this.shownLayout).big < 2) return;
    const large = this.pageSlots[0];
    if (large?.id === id) return;
    if (this.wv.tiles) this.wv.place(this.wv.tiles, (this.currentPage - 1) * this.effectiveLayout, id);
    else if (!large) return;
    else saveWallOrder((this.order = swapInOrder(this.arranged.map((c) => c.id), id, large.id)));
    void this.updateComplete.then(() => wallTiles(this.renderRoot).find((t) => t.dataset.cameraId === id)?.focus());
  }

  toggleFullscreen(): void {
    toggleFullscreen();
  }

  /** A click opens the camera's page; in kiosk it shows the tile alone (or back to the grid). Enter in kiosk: wall-keys. */
  private onTileActivate(e: CustomEvent<{ id: string; key?: boolean }>): void {
    if (this.kiosk && e.detail.key) return;
    const id = e.detail.id;
    const act = this.kiosk ? () => (this.focusId = this.focusId === id ? null : id) : () => fireNavigate(this, `/camera/${encodeURIComponent(id)}`);
    // a double click swaps (large tile) or shows alone (kiosk): wait for it before acting on the click
    if (!this.kiosk && (layoutGeometry(this.shownLayout).big < 2 || this.focusId)) return void act();
    if (this.clickTimer !== undefined) return;
    this.clickTimer = setTimeout(() => {
      this.clickTimer = undefined;
      act();
    }, DBLCLICK_MS);
  }

  /** Double click: a small tile goes into the large one; the large tile (or any tile in kiosk) is shown alone. */
  private onTileFocus(e: CustomEvent<{ id: string }>): void {
    clearTimeout(this.clickTimer);
    this.clickTimer = undefined;
    const id = e.detail.id;
    const canSwap = !this.focusId && layoutGeometry(this.shownLayout).big > 1 && this.pageSlots[0]?.id !== id;
    if (canSwap) this.swapIntoLarge(id);
    else if (this.kiosk || this.focusId || this.pageSlots[0]?.id === id) this.focusId = this.focusId === id ? null : id;
  }

  /** `big`: the first slot spans big×big cells of the cols×cols grid; `hd`: that tile plays the main stream. */
  private renderGrid(slots: (Camera | undefined)[], cols: number, big: number, layout: number) {
    const epoch = this.store.value.epoch;
    const alarmed = openAlarmCameras(this.alarmStore.value);
    const hdFirst = big > 1 || cols === 1;
    const hint = this.kiosk ? t(this.focusId ? 'wall.clickBack' : 'wall.clickAlone') : '';
    return html`<div class="area">
      <div class="grid" style=${`--n:${cols};--big:${big}`} data-testid="wall-grid" data-layout=${layout}>
        ${repeat(
          slots,
          (c, i) => c?.id ?? `empty-${i}`,
          (c, i) => html`<wp-camera-tile
            class=${i === 0 && big > 1 ? 'big' : ''}
            data-testid=${c ? 'tile' : 'tile-empty'}
            data-camera-id=${c?.id ?? ''}
            data-slot=${i}
            .camera=${c}
            .epoch=${epoch}
            .connection=${this.store.value.connection}
            ?hd=${i === 0 && hdFirst}
            ?zoom=${cols === 1}
            ?alarm=${!!c && alarmed.has(c.id)}
            .hint=${hint}
            @tile-activate=${this.onTileActivate}
            @tile-focus=${this.onTileFocus}
            @dragover=${this.wv.dragOver}
            @drop=${(e: DragEvent) => this.wv.drop(e, this.ids, (this.currentPage - 1) * this.effectiveLayout + i) && (this.focusId = null)}
          ></wp-camera-tile>`,
        )}
      </div>
    </div>`;
  }

  private readonly ids = () => this.arranged.map((c) => c.id);

  private onAction(e: CustomEvent<{ action: WallAction }>): void {
    const a = e.detail.action;
    if (a === 'help') this.helpOpen = true;
    else if (a === 'fullscreen') toggleFullscreen();
    else {
      // inside the click handler: the user gesture lets us go full screen
      if (a === 'kiosk-enter') enterFullscreen();
      else exitFullscreen();
      this.go({ kiosk: a === 'kiosk-enter' });
    }
  }

  private renderControls(layout: Layout, page: number, pages: number, online: number, total: number) {
    return html`<wp-wall-toolbar
      data-testid="wall-toolbar"
      .layout=${layout}
      .shown=${this.shownLayout}
      .fit=${this.fit}
      .tour=${this.tour.settings}
      .display=${this.wv.display}
      .page=${page}
      .pages=${pages}
      .online=${online}
      .total=${total}
      ?kiosk=${this.kiosk}
      @layout-change=${(e: CustomEvent<{ layout: Layout }>) => this.go({ layout: e.detail.layout })}
      @page-change=${(e: CustomEvent<{ page: number }>) => this.go({ page: e.detail.page })}
      @fit-change=${(e: CustomEvent<{ fit: boolean }>) => saveFit((this.fit = e.detail.fit))}
      @tour-change=${(e: CustomEvent<{ tour: TourPrefs }>) => this.tour.set(e.detail.tour)}
      @wall-action=${this.onAction}
      >${this.wv.picker(layout, this.ids)}</wp-wall-toolbar
    >`;
  }

  override render() {
    const { cameras: list, loaded, connection } = this.store.value;
    const layout = this.effectiveLayout;
    const pages = this.pages;
    const page = this.currentPage;
    const online = list.filter((c) => c.status === 'online').length;
    const enabled = list.filter((c) => c.enabled).length;
    const focused = this.focusId ? list.find((c) => c.id === this.focusId) : undefined;

    const shown = focused ? 1 : this.shownLayout;
    const slots: (Camera | undefined)[] = focused ? [focused] : this.pageSlots;
    while (slots.length < shown) slots.push(undefined);
    const { cols, big } = layoutGeometry(shown);

    const controls = this.renderControls(layout, page, pages, online, enabled);
    return html`
      ${this.kiosk ? html`<div class="kiosk-controls ${this.idle.active ? 'show' : ''}">${controls}</div>` : controls}
      <div class="main">
        ${this.wv.tree(list)}
        ${loaded && !list.length ? html`<div class="empty">${t('wall.noCameras')}</div>` : this.renderGrid(slots, cols, big, shown)}
      </div>
      <div class="status" data-testid="wall-status">
        <wp-tour-status .state=${this.tour.state}></wp-tour-status>
        <wp-round-banner .items=${this.due.items}></wp-round-banner>
      </div>
      <wp-alarm-popup></wp-alarm-popup>
      <wp-keyboard-help ?open=${this.helpOpen} @close=${() => (this.helpOpen = false)}></wp-keyboard-help>
      ${this.kiosk
        ? html`<wp-connection-indicator
            class="kiosk-conn ${this.idle.active ? 'show' : ''}"
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
