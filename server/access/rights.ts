/**
 * Who may see which camera (issue G). One service decides; the HTTP layer asks it on every request.
 *
 * A user sees every camera when their camera list is null and they have no groups (the default, and what an
 * admin normally has); otherwise exactly the union of their listed cameras and their groups' cameras. A camera
 * someone may not see does not exist for them: 404, never 403.
 *
 * Synchronous and without a database round trip on either engine: the groups' cameras come from
 * CameraGroupRepo's in-memory cache (server/store/camera-groups.ts), the user's lists from the user record.
 */
import type { CameraGroupRepo } from '../store/camera-groups.ts';
import type { User } from '../store/users.ts';

export interface Rights {
  all: boolean;
  cameras: ReadonlySet<string>;
}

export class RightsService {
  constructor(private readonly groups: CameraGroupRepo) {}

  of(user: Pick<User, 'cameras' | 'groups'>): Rights {
    const listed = user.cameras ?? null;
    const groups = user.groups ?? [];
    if (listed === null && groups.length === 0) return { all: true, cameras: new Set() };
    const cams = this.groups.camerasOf(groups);
    for (const c of listed ?? []) cams.add(c);
    return { all: false, cameras: cams };
  }

  canSee(user: Pick<User, 'cameras' | 'groups'> | undefined, cameraId: string): boolean {
    if (!user) return false;
    const r = this.of(user);
    return r.all || r.cameras.has(cameraId);
  }
}

/** Field names that tie a record to a camera (one id, or several). */
const ONE = ['cameraId', 'camera_id'] as const;
const MANY = ['cameraIds', 'cameras'] as const;

/** The camera ids a JSON record names, or undefined when it names none. */
function camerasOf(o: Record<string, unknown>): string[] | undefined {
  for (const k of ONE) if (typeof o[k] === 'string') return [o[k]];
  if (typeof o.camera === 'string') return [o.camera];
  if (o.camera && typeof o.camera === 'object' && typeof (o.camera as { id?: unknown }).id === 'string') return [(o.camera as { id: string }).id];
  for (const k of MANY) {
    const v = o[k];
    if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')) return v as string[];
  }
  // a patrol route or round: its stops' cameras
  if (Array.isArray(o.stops) && o.stops.length) {
    const ids = o.stops.map((s) => (s && typeof s === 'object' ? (s as { cameraId?: unknown }).cameraId : undefined));
    if (ids.every((x) => typeof x === 'string')) return ids as string[];
  }
  return undefined;
}

/**
 * Drop, at any depth, every array element that belongs to a camera the user may not see (a record naming
 * several cameras goes when any of them is hidden). Lists of alarms, duty-log entries, audit entries, exports,
 * locks, rounds, report sections, handover items, patrol stops … all follow from this one rule.
 */
export function filterVisible(value: unknown, visible: (cameraId: string) => boolean): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const cams = camerasOf(v as Record<string, unknown>);
        if (cams && !cams.every(visible)) continue;
      }
      out.push(filterVisible(v, visible));
    }
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = filterVisible(v, visible);
    return out;
  }
  return value;
}
