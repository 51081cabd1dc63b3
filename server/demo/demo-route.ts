/** Demo mode: one patrol route over the demo cameras, so `/rounds` shows a due round right away (docs/patrol.md). */
import type { RouteRepo } from '../patrol/routes-repo.ts';
import type { PatrolRoute } from '../patrol/types.ts';

export const DEMO_ROUTE_NAME = '重点区域巡查 Key areas';
const DEMO_CHECKLIST = ['消防通道畅通 Fire lane clear', '无可疑人员 No suspicious persons'];

/**
 * Creates the demo route when the database holds no patrol route at all (disabled ones included), so it is
 * created once and never comes back after a supervisor deleted, disabled or edited it. Returns the new route.
 */
export async function seedDemoRoute(routes: Pick<RouteRepo, 'list' | 'create'>, cameraIds: readonly string[]): Promise<PatrolRoute | undefined> {
  if (cameraIds.length === 0 || (await routes.list(true)).length > 0) return undefined;
  return routes.create({
    name: DEMO_ROUTE_NAME,
    post: '监控中心 Control room',
    intervalMin: 60,
    activeFrom: '00:00',
    activeTo: '00:00',
    graceMin: 10,
    enabled: true,
    stops: cameraIds.map((cameraId) => ({ cameraId, preset: null, minDwellS: 10, checklist: [...DEMO_CHECKLIST] })),
  });
}
