/**
 * Named wall views on the wire (GET/POST/PUT /api/wall-views, GET /api/wall-views/groups; issue K: one set of API
 * types). The server (server/wallviews/repo.ts, routes.ts) answers with these; the console (web/src/data/wall-views.ts)
 * reads them, narrowing `layout` to its Layout. Request bodies: shared/wire/requests/wall-views.ts. No imports.
 */

/** A named wall view: a layout and its tiles in order (null = an empty tile), one user's, maybe for a display. */
export interface WallViewView {
  id: number;
  userId: number;
  name: string;
  /** the display it is meant for ("大屏1"), or null */
  display: string | null;
  layout: number;
  /** camera ids in tile order; null = an empty tile (or a camera no longer visible) */
  tiles: (string | null)[];
  createdAt: number;
  updatedAt: number;
}

/** A camera group as the wall's tree shows it: only the cameras this user may see. */
export interface WallTreeGroup {
  id: number;
  name: string;
  members: string[];
}
