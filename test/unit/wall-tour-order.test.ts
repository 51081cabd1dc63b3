/**
 * The order of the wall's camera tour through saved views (web/src/data/tour-order.ts): each view's pages in turn,
 * then the next view, after the last the first; "the views of this display" only that display's; nothing to tour
 * (no view, one view of one page) is said as null; a wall showing none of the toured views goes to the first.
 */
import { describe, expect, it } from 'vitest';
import { displayNames, nextTourStep, tourViews, viewPages, type TourView } from '../../web/src/data/tour-order.ts';

const view = (id: number, name: string, display: string | null, layout: number, n: number): TourView => ({ id, name, display, layout, tiles: Array.from({ length: n }, (_, i) => `c${i}`) });
const A = view(1, '东门', '大屏1', 4, 6); // 2 pages
const B = view(2, '西门', '大屏2', 4, 4); // 1 page
const C = view(3, '‮南门 ①', '大屏2', 1, 3); // 3 pages
const ALL = [A, B, C];

describe('tour order through saved views', () => {
  it('counts a view’s pages in its own layout, at least one', () => {
    expect([viewPages(A), viewPages(B), viewPages(C)]).toEqual([2, 1, 3]);
    expect(viewPages({ layout: 4, tiles: [] })).toBe(1);
    expect(viewPages({ layout: 25, tiles: new Array(26).fill(null) })).toBe(2);
  });

  it('all views: every page of a view, then the next view, after the last the first', () => {
    const steps: [number | null, number][] = [];
    let shown = { viewId: null as number | null, page: 1, pages: 1 };
    for (let i = 0; i < 8; i++) {
      const next = nextTourStep(ALL, shown)!;
      steps.push([next.viewId, next.page]);
      const v = ALL.find((x) => x.id === next.viewId)!;
      shown = { viewId: v.id, page: next.page, pages: viewPages(v) };
    }
    expect(steps).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [3, 1],
      [3, 2],
      [3, 3],
      [1, 1],
      [1, 2],
    ]);
  });

  it('uses the pages the wall shows (a view shown in another layout than its own)', () => {
    expect(nextTourStep(ALL, { viewId: 2, page: 1, pages: 4 })).toEqual({ viewId: 2, page: 2 });
    expect(nextTourStep(ALL, { viewId: 1, page: 1, pages: 1 })).toEqual({ viewId: 2, page: 1 });
  });

  it('the views of this display only; none when the browser is no display or for "pages"', () => {
    expect(tourViews(ALL, 'display', '大屏2').map((v) => v.id)).toEqual([2, 3]);
    expect(tourViews(ALL, 'display', '大屏9')).toEqual([]);
    expect(tourViews(ALL, 'display', null)).toEqual([]);
    expect(tourViews(ALL, 'pages', '大屏2')).toEqual([]);
    expect(tourViews(ALL, 'views', null)).toEqual(ALL);
    expect(nextTourStep(tourViews(ALL, 'display', '大屏2'), { viewId: 1, page: 2, pages: 2 })).toEqual({ viewId: 2, page: 1 });
  });

  it('nothing to tour: no view, or one view of one page; one view of several pages goes round its pages', () => {
    expect(nextTourStep([], { viewId: null, page: 1, pages: 1 })).toBeNull();
    expect(nextTourStep([B], { viewId: 2, page: 1, pages: 1 })).toBeNull();
    expect(nextTourStep([B], { viewId: null, page: 1, pages: 3 })).toEqual({ viewId: 2, page: 1 });
    expect(nextTourStep([A], { viewId: 1, page: 2, pages: 2 })).toEqual({ viewId: 1, page: 1 });
  });

  it('display names: those the views use, once each, sorted, with the current one (from the URL) among them', () => {
    expect(displayNames(ALL, null)).toEqual(['大屏1', '大屏2']);
    expect(displayNames(ALL, '__proto__')).toContain('__proto__');
    expect(displayNames([], null)).toEqual([]);
    expect(displayNames([{ display: null }, { display: '' }], '大屏3')).toEqual(['大屏3']);
  });
});
