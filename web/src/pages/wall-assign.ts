/**
 * The wall's current arrangement when it is not the automatic one: tiles in order (null = empty), set by a
 * drag from the camera tree or by applying a named view; the views and the tree's groups of this user.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from '../data/api';
import { createWallView, deleteWallView, getWallView, listTreeGroups, listWallViews, type TreeGroup, type WallView } from '../data/wall-views';
import type { Layout } from '../data/prefs';
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

export class WallViewsController implements ReactiveController {
  views: WallView[] = [];
  groups: TreeGroup[] = [];
  /** the arrangement shown (null: every camera in the operator's order) */
  tiles: (string | null)[] | null = null;
  /** the named view the arrangement came from (null once it is changed by hand, or automatic) */
  viewId: number | null = null;
  error: MessageKey | '' = '';

  constructor(private readonly host: ReactiveControllerHost & { applyLayout(layout: Layout): void }) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.reload();
    const boot = Number(new URLSearchParams(location.search).get('view'));
    if (Number.isInteger(boot) && boot > 0) void getWallView(boot).then((v) => this.apply(v), () => this.fail('wall.views.missing'));
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
    this.error = '';
    this.host.applyLayout(v.layout);
    this.host.requestUpdate();
  }

  select(id: number | null): void {
    const v = id === null ? undefined : this.views.find((x) => x.id === id);
    if (v) return this.apply(v);
    this.tiles = null;
    this.viewId = null;
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
      return true;
    } catch (err) {
      this.fail(viewErrorKey(err));
      return false;
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await deleteWallView(id);
      this.views = this.views.filter((v) => v.id !== id);
      if (this.viewId === id) this.viewId = null;
      this.host.requestUpdate();
    } catch (err) {
      this.fail(viewErrorKey(err));
    }
  }

  private fail(key: MessageKey): void {
    this.error = key;
    this.host.requestUpdate();
  }
}
