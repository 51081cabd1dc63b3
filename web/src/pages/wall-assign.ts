/**
 * The wall's current arrangement when it is not the automatic one: tiles in order (null = empty), set by a
 * drag from the camera tree or by applying a named view; the views and the tree's groups of this user; the
 * display this browser is (localStorage, or `?display=<name>` from a kiosk start page): its views come first in
 * the picker, "save as" starts with it, and the view last chosen on it comes back when the wall opens (unless
 * the URL names a view).
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { CAMERA_DRAG_TYPE } from '../components/wp-camera-tree';
import '../components/wp-camera-tree';
import '../components/wp-view-picker';
import '../components/wp-display-picker';
import { session } from '../data/session';
import type { Camera } from '../data/types';
import { ApiError } from '../data/api';
import { createWallView, deleteWallView, replaceWallView, getWallView, listTreeGroups, listWallViews, type TreeGroup, type WallView } from '../data/wall-views';
import { cleanDisplay, loadDisplay, loadDisplayView, saveDisplay, saveDisplayView, type Layout } from '../data/prefs';
import { displayNames } from '../data/tour-order';
import type { MessageKey } from '../i18n';

/** Put camera `id` at index `at` of `tiles`; where it was (if anywhere) gets what was at `at` (a swap). */
export function placeInTiles(tiles: readonly (string | null)[], at: number, id: string): (string | null)[] {
  const out = [...tiles];
  while (out.length <= at) out.push(null);
  const from = out.indexOf(id);
  if (from >= 0 && from !== at) out[from] = out[at] ?? null;
  out[at] = id;
  return out;
}

/** The i18n key for a failed save / delete. */
export function viewErrorKey(err: unknown): MessageKey {
  if (err instanceof ApiError && err.code === 'exists') return 'wall.views.exists';
  if (err instanceof ApiError && err.code === 'too_many_views') return 'wall.views.tooMany';
  return 'wall.views.failed';
}

/** What the wall page tells the picker and the tree. */
export interface WallViewsHost extends ReactiveControllerHost {
  kiosk: boolean;
  applyLayout(layout: Layout): void;
  go(opts: object): void;
}

export class WallViewsController implements ReactiveController {
  treeOpen = true;
  views: WallView[] = [];
  groups: TreeGroup[] = [];
  /** the arrangement shown (null: every camera in the operator's order) */
  tiles: (string | null)[] | null = null;
  /** the named view the arrangement came from (null once it is changed by hand, or automatic) */
  viewId: number | null = null;
  /** the view last applied, which a hand-made change can be saved back into */
  baseId: number | null = null;
  error: MessageKey | '' = '';
  /** the display this browser drives, or null */
  display: string | null = loadDisplay();

  constructor(private readonly host: WallViewsHost) {
    host.addController(this);
  }

  hostConnected(): void {
    const q = new URLSearchParams(location.search);
    if (q.has('display')) this.setDisplay(cleanDisplay(q.get('display')));
    const boot = Number(q.get('view'));
    const loaded = this.reload();
    if (Number.isInteger(boot) && boot > 0) void getWallView(boot).then((v) => this.apply(v), () => this.fail('wall.views.missing'));
    else void loaded.then(() => this.restoreForDisplay());
  }

  /** The view last chosen on this display, if it still exists. */
  private restoreForDisplay(): void {
    const id = this.display === null ? null : loadDisplayView(this.display);
    const v = this.views.find((x) => x.id === id);
    if (v && this.viewId === null && this.tiles === null) this.apply(v);
  }

  setDisplay(display: string | null): void {
    this.display = display;
    saveDisplay(display);
    this.host.requestUpdate();
  }

  /** The operator chose a view (or automatic): shown, and remembered for this display. */
  choose(id: number | null): void {
    this.select(id);
    if (this.display !== null) saveDisplayView(this.display, this.viewId);
  }

  /** New name and display of view `id`; its layout and tiles stay. */
  async rename(id: number, name: string, display: string): Promise<void> {
    const v = this.views.find((x) => x.id === id);
    if (!v) return;
    try {
      const next = await replaceWallView(id, { name, display: display || null, layout: v.layout, tiles: v.tiles });
      this.views = this.views.map((x) => (x.id === id ? next : x));
      this.error = '';
      this.host.requestUpdate();
    } catch (err) {
      this.fail(viewErrorKey(err));
    }
  }

  async reload(): Promise<void> {
    const [views, groups] = await Promise.all([listWallViews().catch(() => this.views), listTreeGroups().catch(() => this.groups)]);
    this.views = views;
    this.groups = groups;
    this.host.requestUpdate();
  }

  apply(v: WallView): void {
    this.tiles = [...v.tiles];
    this.viewId = v.id;
    this.baseId = v.id;
    this.error = '';
    this.host.applyLayout(v.layout);
    this.host.requestUpdate();
  }

  select(id: number | null): void {
    const v = id === null ? undefined : this.views.find((x) => x.id === id);
    if (v) return this.apply(v);
    this.tiles = null;
    this.viewId = null;
    this.baseId = null;
    this.host.requestUpdate();
  }

  place(base: readonly (string | null)[], at: number, id: string): void {
    this.tiles = placeInTiles(base, at, id);
    this.viewId = null;
    this.host.requestUpdate();
  }

  async save(name: string, display: string, layout: Layout, tiles: (string | null)[]): Promise<boolean> {
    try {
      const v = await createWallView({ name, display: display || null, layout, tiles });
      this.views = [...this.views, v];
      this.apply(v);
      if (this.display !== null) saveDisplayView(this.display, v.id);
      return true;
    } catch (err) {
      this.fail(viewErrorKey(err));
      return false;
    }
  }

  /** Save the current arrangement back into the view it came from (its name and display stay). */
  async update(layout: Layout, tiles: (string | null)[]): Promise<void> {
    const base = this.views.find((v) => v.id === this.baseId);
    if (!base) return;
    try {
      const v = await replaceWallView(base.id, { name: base.name, display: base.display, layout, tiles });
      this.views = this.views.map((x) => (x.id === v.id ? v : x));
      this.apply(v);
    } catch (err) {
      this.fail(viewErrorKey(err));
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await deleteWallView(id);
      this.views = this.views.filter((v) => v.id !== id);
      if (this.viewId === id) this.viewId = null;
      if (this.baseId === id) this.baseId = null;
      this.host.requestUpdate();
    } catch (err) {
      this.fail(viewErrorKey(err));
    }
  }

  /** The tiles from `start` on: the arrangement when there is one (empty tiles too), else `arranged`. */
  slots(cameras: readonly Camera[], arranged: readonly Camera[], start: number, n: number): (Camera | undefined)[] {
    if (!this.tiles) return arranged.slice(start, start + n);
    const byId = new Map(cameras.map((c) => [c.id, c]));
    return this.tiles.slice(start, start + n).map((id) => (id ? byId.get(id) : undefined));
  }

  readonly dragOver = (e: DragEvent) => {
    if (!this.host.kiosk && e.dataTransfer?.types.includes(CAMERA_DRAG_TYPE)) e.preventDefault();
  };

  /** A camera dropped from the tree onto tile `at` (over all pages): it goes there. */
  drop(e: DragEvent, base: () => string[], at: number): boolean {
    const id = e.dataTransfer?.getData(CAMERA_DRAG_TYPE);
    if (!id || this.host.kiosk) return false;
    e.preventDefault();
    this.place(this.tiles ?? base(), at, id);
    return true;
  }

  /** The side panel (not in wall mode). */
  tree(cameras: Camera[]) {
    if (this.host.kiosk) return nothing;
    return html`<wp-camera-tree
      data-testid="camera-tree"
      .cameras=${cameras}
      .groups=${this.groups}
      ?open=${this.treeOpen}
      @tree-toggle=${(e: CustomEvent<{ open: boolean }>) => {
        this.treeOpen = e.detail.open;
        this.host.requestUpdate();
      }}
    ></wp-camera-tree>`;
  }

  /** The toolbar's pickers: the display (once a view names one, or one is set) and the views (switch only for a wall account and in wall mode, there only when there are views). */
  picker(layout: Layout, base: () => string[]) {
    const displays = displayNames(this.views, this.display);
    return html`${displays.length
      ? html`<wp-display-picker
          slot="views"
          data-testid="display-picker"
          .displays=${displays}
          .display=${this.display}
          @display-change=${(e: CustomEvent<{ display: string | null }>) => this.setDisplay(e.detail.display)}
        ></wp-display-picker>`
      : nothing}
    ${this.host.kiosk && !this.views.length ? nothing : this.viewPicker(layout, base)}`;
  }

  private viewPicker(layout: Layout, base: () => string[]) {
    return html`<wp-view-picker
      slot="views"
      data-testid="view-picker"
      .views=${this.views}
      .selected=${this.viewId}
      .display=${this.display}
      ?custom=${this.tiles !== null && this.viewId === null}
      .base=${this.viewId === null ? this.views.find((v) => v.id === this.baseId) : undefined}
      .error=${this.error}
      ?readonly=${session.value.user?.role === 'wall' || this.host.kiosk}
      @view-select=${(e: CustomEvent<{ id: number | null }>) => {
        this.choose(e.detail.id);
        if (e.detail.id === null) this.host.go({});
      }}
      @view-save=${(e: CustomEvent<{ name: string; display: string }>) => {
        const tiles = this.tiles ?? base();
        void this.save(e.detail.name, e.detail.display, layout, tiles.length ? tiles : [null]);
      }}
      @view-rename=${(e: CustomEvent<{ id: number; name: string; display: string }>) => void this.rename(e.detail.id, e.detail.name, e.detail.display)}
      @view-update=${() => void this.update(layout, this.tiles ?? base())}
      @view-delete=${(e: CustomEvent<{ id: number }>) => void this.remove(e.detail.id).then(() => this.host.go({}))}
    ></wp-view-picker>`;
  }

  private fail(key: MessageKey): void {
    this.error = key;
    this.host.requestUpdate();
  }
}
