/** The wall's keyboard: which action a key stands for, and arrow-key movement between tiles. */
import { LAYOUTS, type Layout } from '../data/prefs';

export type WallKeyAction =
  | { kind: 'help' }
  | { kind: 'escape' }
  | { kind: 'layout'; layout: Layout }
  | { kind: 'move'; dx: number; dy: number }
  | { kind: 'alone' }
  | { kind: 'swap' }
  | { kind: 'open' }
  | { kind: 'page'; delta: 1 | -1 };

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** The action of a key press on the wall, or null (typing in a field, a modifier held, an unused key). */
export function wallKeyAction(e: KeyboardEvent): WallKeyAction | null {
  const target = e.composedPath()[0];
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return null;
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  if (e.key === '?') return { kind: 'help' };
  if (e.key === 'Escape') return { kind: 'escape' };
  if (/^[1-9]$/.test(e.key)) {
    const layout = LAYOUTS[Number(e.key) - 1];
    return layout ? { kind: 'layout', layout } : null;
  }
  const arrow = ARROWS[e.key];
  if (arrow) return { kind: 'move', dx: arrow[0], dy: arrow[1] };
  if (e.key === 'f' || e.key === 'F') return { kind: 'alone' };
  if (e.key === 's' || e.key === 'S') return { kind: 'swap' };
  if (e.key === 'Enter') return { kind: 'open' };
  if (e.key === 'PageDown') return { kind: 'page', delta: 1 };
  if (e.key === 'PageUp') return { kind: 'page', delta: -1 };
  return null;
}

/**
 * The tile next to `from` in direction (dx, dy): among the tiles whose centre lies that way, the nearest,
 * weighting the sideways distance double (so a large tile's neighbours are found by geometry). null at the edge.
 */
export function nextTile<T extends Element>(tiles: readonly T[], from: T | null, dx: number, dy: number): T | null {
  if (!from) return tiles[0] ?? null;
  const c = (el: Element) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  };
  const o = c(from);
  let best: T | null = null;
  let bestScore = Infinity;
  for (const t of tiles) {
    if (t === from) continue;
    const p = c(t);
    const along = (p.x - o.x) * dx + (p.y - o.y) * dy;
    if (along <= 1) continue;
    const side = Math.abs((p.x - o.x) * dy) + Math.abs((p.y - o.y) * dx);
    const score = along + 2 * side;
    if (score < bestScore) {
      bestScore = score;
      best = t;
    }
  }
  return best;
}

/** What the key actions need from the wall page. */
export interface WallKeyTarget {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly kiosk: boolean;
  readonly pages: number;
  readonly currentPage: number;
  helpOpen: boolean;
  /** camera shown alone */
  focusId: string | null;
  go(opts: { layout?: Layout; page?: number }): void;
  toggleFullscreen(): void;
  swapIntoLarge(id: string): void;
}

export function wallTiles(root: HTMLElement | DocumentFragment): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('wp-camera-tile[data-testid="tile"]')];
}

/** The tile with the keyboard focus, if any. */
function focusedTile(root: HTMLElement | DocumentFragment): HTMLElement | null {
  const el = root instanceof ShadowRoot ? root.activeElement : null;
  return el instanceof HTMLElement && el.matches('wp-camera-tile[data-testid="tile"]') ? el : null;
}

export function runWallKey(w: WallKeyTarget, a: WallKeyAction): void {
  const tile = focusedTile(w.renderRoot);
  const id = tile?.dataset.cameraId;
  switch (a.kind) {
    case 'help':
      w.helpOpen = !w.helpOpen;
      break;
    case 'escape':
      if (w.helpOpen) w.helpOpen = false;
      else if (w.focusId) w.focusId = null;
      else tile?.blur();
      break;
    case 'layout':
      w.go({ layout: a.layout });
      break;
    case 'move': {
      const next = nextTile(wallTiles(w.renderRoot), tile, a.dx, a.dy);
      if (next) next.focus();
      else if (tile && a.dx && w.pages > 1) runWallKey(w, { kind: 'page', delta: a.dx > 0 ? 1 : -1 });
      break;
    }
    case 'page':
      w.go({ page: ((w.currentPage - 1 + a.delta + w.pages) % w.pages) + 1 });
      break;
    case 'alone':
      if (w.focusId) w.focusId = null;
      else if (id) w.focusId = id;
      else if (w.kiosk) w.toggleFullscreen();
      break;
    case 'swap':
      if (id) w.swapIntoLarge(id);
      break;
    case 'open':
      if (id && w.kiosk) w.focusId = w.focusId ? null : id;
      break;
  }
}
