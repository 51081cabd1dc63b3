/** Console preferences remembered in localStorage. */

export const LAYOUTS = [1, 4, 9, 16] as const;
export type Layout = (typeof LAYOUTS)[number];
const LAYOUT_KEY = 'wp.wall.layout';

export function isLayout(n: number): n is Layout {
  return (LAYOUTS as readonly number[]).includes(n);
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
