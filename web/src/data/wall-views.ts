/** Named wall views and the wall's camera tree (server/wallviews/routes.ts). */
import { api } from './api';
import type { Layout } from './prefs';
import type { WallViewReplaceBody } from '../../../shared/wire/requests/wall-views';
import type { WallTreeGroup, WallViewView } from '../../../shared/wire/wall-views';

/** A view as the server sends it (shared/wire/wall-views.ts), with the console's Layout for layout. */
export type WallView = Omit<WallViewView, 'layout'> & { layout: Layout };

/** Body of POST/PUT /api/wall-views: shared/wire/requests/wall-views.ts (the schema the server validates with), with
 *  the console's Layout for layout. */
export type WallViewInput = WallViewReplaceBody & { layout: Layout };

/** A camera group as the wall's tree shows it: only the cameras this user may see. */
export type TreeGroup = WallTreeGroup;

export function listWallViews(): Promise<WallView[]> {
  return api('GET', '/api/wall-views');
}

export function getWallView(id: number): Promise<WallView> {
  return api('GET', `/api/wall-views/${id}`);
}

export function createWallView(v: WallViewInput): Promise<WallView> {
  return api('POST', '/api/wall-views', { body: v });
}

export function replaceWallView(id: number, v: WallViewInput): Promise<WallView> {
  return api('PUT', `/api/wall-views/${id}`, { body: v });
}

export function deleteWallView(id: number): Promise<void> {
  return api('DELETE', `/api/wall-views/${id}`);
}

export function listTreeGroups(): Promise<TreeGroup[]> {
  return api('GET', '/api/wall-views/groups');
}
