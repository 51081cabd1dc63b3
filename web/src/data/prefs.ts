/** Console preferences remembered in localStorage (per browser). */
import type { TourWhat } from './tour-order';

/** Wall layouts in the order of the picker (and of the keys 1–7). 6 and 8 have one large tile. */
export const LAYOUTS = [1, 4, 6, 8, 9, 16, 25] as const;
export type Layout = (typeof LAYOUTS)[number];
const LAYOUT_KEY = 'wp.wall.layout';
const ORDER_KEY = 'wp.wall.order';

export function isLayout(n: number): n is Layout {
  return (LAYOUTS as readonly number[]).includes(n);
}

/** Grid of a layout: `cols`×`cols` cells; the first tile spans `big`×`big` cells (1 = all tiles equal). */
export interface LayoutGeometry {
  cols: number;
  big: number;
}

const GEOMETRY: Record<Layout, LayoutGeometry> = {
  1: { cols: 1, big: 1 },
  4: { cols: 2, big: 1 },
  6: { cols: 3, big: 2 },
  8: { cols: 4, big: 3 },
  9: { cols: 3, big: 1 },
  16: { cols: 4, big: 1 },
  25: { cols: 5, big: 1 },
};

export function layoutGeometry(layout: Layout): LayoutGeometry {
  return GEOMETRY[layout];
}

export function loadLayout(): Layout {
  try {
    const n = Number(localStorage.getItem(LAYOUT_KEY));
    if (isLayout(n)) return n;
  } catch {
    // ignore
  }
  return 4;
}

export function saveLayout(layout: Layout): void {
  try {
    localStorage.setItem(LAYOUT_KEY, String(layout));
  } catch {
    // ignore
  }
}

/** The operator's arrangement of the wall: camera ids in tile order (cameras not in it follow in list order). */
export function loadWallOrder(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(ORDER_KEY) ?? '[]');
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  } catch {
    // ignore
  }
  return [];
}

export function saveWallOrder(order: readonly string[]): void {
  try {
    localStorage.setItem(ORDER_KEY, JSON.stringify(order));
  } catch {
    // ignore
  }
}

/** `ids` arranged by `order`: those named in it first, in its order, then the rest in their own order. */
export function arrange<T extends { id: string }>(items: readonly T[], order: readonly string[]): T[] {
  const rank = new Map(order.map((id, i) => [id, i]));
  return items
    .map((item, i) => ({ item, key: rank.get(item.id) ?? order.length + i }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);
}

/** The arrangement after swapping two cameras' places (as shown on the wall, `shown` = current tile order). */
export function swapInOrder(shown: readonly string[], a: string, b: string): string[] {
  const next = [...shown];
  const i = next.indexOf(a);
  const j = next.indexOf(b);
  if (i < 0 || j < 0) return next;
  next[i] = b;
  next[j] = a;
  return next;
}

/**
 * The layout a page of `n` cameras is shown in when the chosen layout has more tiles than cameras: the smallest
 * layout of the same kind that holds them (equal tiles 1/4/9/16/25; one large 6/8, below 5 cameras equal tiles).
 */
export function fitLayout(chosen: Layout, n: number): Layout {
  const kind: readonly Layout[] = layoutGeometry(chosen).big > 1 ? [1, 4, 6, 8] : [1, 4, 9, 16, 25];
  return kind.find((l) => l >= n && l <= chosen) ?? chosen;
}

const FIT_KEY = 'wp.wall.fit';

/** Shrink the grid to the cameras (default on). */
export function loadFit(): boolean {
  try {
    return localStorage.getItem(FIT_KEY) !== '0';
  } catch {
    return true;
  }
}

export function saveFit(on: boolean): void {
  try {
    localStorage.setItem(FIT_KEY, on ? '1' : '0');
  } catch {
    // ignore
  }
}

/** Camera tour (轮巡): pages of the wall, or saved views (data/tour-order.ts), in turn. */
export interface TourPrefs {
  on: boolean;
  /** seconds per page */
  intervalS: number;
  /** hold while an alarm is not acknowledged */
  pauseOnAlarm: boolean;
  /** what is toured (saved before it existed: "pages") */
  what: TourWhat;
}

export const TOUR_INTERVALS = [10, 20, 30, 60] as const;
const TOUR_KEY = 'wp.wall.tour';
const TOUR_DEFAULT: TourPrefs = { on: false, intervalS: 20, pauseOnAlarm: true, what: 'pages' };

export function loadTour(): TourPrefs {
  try {
    const v = JSON.parse(localStorage.getItem(TOUR_KEY) ?? '{}') as Partial<TourPrefs>;
    const s = Number(v.intervalS);
    return {
      on: v.on === true,
      intervalS: Number.isInteger(s) && s >= 1 && s <= 3600 ? s : TOUR_DEFAULT.intervalS,
      pauseOnAlarm: v.pauseOnAlarm !== false,
      what: v.what === 'views' || v.what === 'display' ? v.what : 'pages',
    };
  } catch {
    return { ...TOUR_DEFAULT };
  }
}

/** The default "pages" is not written (the stored form of a page tour is the one from before views were toured). */
export function saveTour(p: TourPrefs): void {
  const { what, ...rest } = p;
  try {
    localStorage.setItem(TOUR_KEY, JSON.stringify(what === 'pages' ? rest : p));
  } catch {
    // ignore
  }
}

const DISPLAY_KEY = 'wp.wall.display';
const DISPLAY_VIEWS_KEY = 'wp.wall.displayViews';
/** as the server takes a view's display */
const DISPLAY_MAX = 50;

/** A display name as typed or in the URL: trimmed, at most 50 characters; '' = none. */
export function cleanDisplay(s: string | null | undefined): string | null {
  const d = (s ?? '').trim();
  return d ? [...d].slice(0, DISPLAY_MAX).join('') : null;
}

/** The display this browser drives ("大屏2"), or null. */
export function loadDisplay(): string | null {
  try {
    return cleanDisplay(localStorage.getItem(DISPLAY_KEY));
  } catch {
    return null;
  }
}

export function saveDisplay(display: string | null): void {
  try {
    if (display) localStorage.setItem(DISPLAY_KEY, display);
    else localStorage.removeItem(DISPLAY_KEY);
  } catch {
    // ignore
  }
}

function displayViews(): Map<string, number> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(DISPLAY_VIEWS_KEY) ?? '{}');
    if (!v || typeof v !== 'object' || Array.isArray(v)) return new Map();
    return new Map(Object.entries(v).filter((e): e is [string, number] => Number.isInteger(e[1]) && (e[1] as number) > 0));
  } catch {
    return new Map();
  }
}

/** The view last chosen on `display` (null: automatic, or none yet). */
export function loadDisplayView(display: string): number | null {
  return displayViews().get(display) ?? null;
}

export function saveDisplayView(display: string, id: number | null): void {
  const m = displayViews();
  if (id === null) m.delete(display);
  else m.set(display, id);
  try {
    localStorage.setItem(DISPLAY_VIEWS_KEY, JSON.stringify(Object.fromEntries(m)));
  } catch {
    // ignore
  }
}
