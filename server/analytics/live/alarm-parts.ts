/** Pieces of a live alarm: the changed area of an exit zone as a snapshot box, the tamper status of a camera. */
import type { Frame } from '../frames.ts';
import type { CameraAnalyzer } from '../pipeline.ts';
import { TAMPER_TEXT } from '../tamper.ts';
import type { Track } from '../tracker.ts';

/** a camera_tamper alarm's "zone": the whole view */
export const WHOLE_VIEW: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1]];

/** the pseudo track id of an exit zone's changed area in the alarm snapshot */
export const CHANGED_AREA_ID = -1;

/** An obstruction seen only by the clear-reference comparison: its changed area as a track-like box. */
export function changedArea(a: CameraAnalyzer | undefined, zone: string | undefined, frame: Frame): Track[] {
  const b = zone ? a?.sceneWatch?.changedBox(zone) : undefined;
  if (!b) return [];
  const [x1, y1, x2, y2] = b;
  const W = frame.sourceWidth;
  const H = frame.sourceHeight;
  const box = { x1: x1 * W, y1: y1 * H, x2: x2 * W, y2: y2 * H };
  return [{ id: CHANGED_AREA_ID, classId: -1, className: 'unknown object', box, score: 1, firstSeen: frame.t, lastSeen: frame.t, hits: 1, confirmed: true, vx: 0, vy: 0, history: [] }];
}

export function tamperStatus(a: CameraAnalyzer | undefined): { state: 'learning' | 'ready' | 'tampered'; reason?: string } {
  if (!a) return { state: 'learning' };
  const reason = a.tamperReason;
  return { state: a.tamper.state, ...(reason ? { reason: TAMPER_TEXT[reason] } : {}) };
}
