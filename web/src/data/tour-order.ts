/**
 * What the wall's camera tour (轮巡) goes through and in which order (pure: no DOM, no store; unit-tested in
 * test/unit/wall-tour-order.test.ts). "pages": the pages of what is shown (pages/wall-tour.ts does that itself);
 * "views": all the user's saved views in the server's order; "display": the views saved for this browser's display.
 */
export type TourWhat = 'pages' | 'views' | 'display';
export const TOUR_WHATS: readonly TourWhat[] = ['pages', 'views', 'display'];

/** The fields of a saved view the tour needs (data/wall-views.ts WallView). */
export interface TourView {
  id: number;
  name: string;
  display: string | null;
  layout: number;
  tiles: readonly unknown[];
}

export interface TourStep {
  viewId: number;
  page: number;
}

/** The pages a view fills in its own layout (at least one). */
export function viewPages(v: Pick<TourView, 'layout' | 'tiles'>): number {
  return Math.max(1, Math.ceil(v.tiles.length / Math.max(1, v.layout)));
}

/** The views toured for `what` (none for "pages", none for "display" when this browser is no display). */
export function tourViews<V extends TourView>(views: readonly V[], what: TourWhat, display: string | null): V[] {
  if (what === 'views') return [...views];
  if (what === 'display' && display !== null) return views.filter((v) => v.display === display);
  return [];
}

/**
 * The step after the one shown: the next page of the view shown, else page 1 of the next view (after the last,
 * the first). A wall not showing one of `views` goes to the first. null: nothing else to show (no view, or one
 * view of one page). `shown.pages` is what the wall shows now (the view's tiles in the layout on screen).
 */
export function nextTourStep(views: readonly TourView[], shown: { viewId: number | null; page: number; pages: number }): TourStep | null {
  const first = views[0];
  if (!first) return null;
  const i = views.findIndex((v) => v.id === shown.viewId);
  if (i < 0) return { viewId: first.id, page: 1 };
  if (shown.page < shown.pages) return { viewId: views[i]!.id, page: shown.page + 1 };
  const next = views[(i + 1) % views.length]!;
  if (next.id === shown.viewId && shown.pages < 2) return null;
  return { viewId: next.id, page: 1 };
}

/** The display names used by `views`, sorted, with `current` among them (a name from the URL may have no view yet). */
export function displayNames(views: readonly Pick<TourView, 'display'>[], current: string | null): string[] {
  const names = new Set(views.map((v) => v.display).filter((d): d is string => !!d));
  if (current) names.add(current);
  return [...names].sort((a, b) => a.localeCompare(b, 'zh-CN'));
}
