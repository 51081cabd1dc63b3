/**
 * Which cameras' footage a user may see, and how a camera is described in an export. Today every logged-in
 * user sees every configured camera; recordings of a camera that has since been removed stay reviewable and
 * exportable by supervisors, investigators and admins. Per-camera permissions plug in here.
 */
import type { CameraService } from '../cameras/service.ts';
import { stripCredentials } from '../cameras/types.ts';
import type { SegmentRepo } from '../store/segments.ts';
import type { BundleCamera } from './bundle.ts';

export interface CameraAccess {
  canSee(user: { role: string }, cameraId: string): Promise<boolean>;
  /** Export description of a camera the user may see. */
  describe(user: { role: string }, cameraId: string): Promise<BundleCamera | undefined>;
}

const REVIEWERS = new Set(['supervisor', 'investigator', 'admin']);

export function cameraAccess(cameras: CameraService, segments: SegmentRepo): CameraAccess {
  const canSee = async (user: { role: string }, id: string) =>
    cameras.get(id) !== undefined || (REVIEWERS.has(user.role) && (await segments.hasFootage(id)));
  return {
    canSee,
    async describe(user, id) {
      if (!(await canSee(user, id))) return undefined;
      const c = cameras.get(id);
      if (!c) return { id, name: id, source: '(camera removed)', clockOffset: { ms: 0, known: false, source: null } };
      // clockOffsetMs is filled in by the ONVIF module when it knows the device clock
      const offset = cameras.view(c).clockOffsetMs;
      return {
        id,
        name: c.name,
        source: stripCredentials(c.source.url),
        clockOffset:
          typeof offset === 'number' ? { ms: offset, known: true, source: 'onvif' } : { ms: 0, known: false, source: null },
      };
    },
  };
}
