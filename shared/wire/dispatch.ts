/**
 * Dispatches to a guard's phone on the wire (issue L point 2). Types and constants only, no imports: the server
 * (server/dispatch) and the console (web/src/data/dispatches.ts) both import this module.
 *
 * A dispatch addressed to a `guard` account goes sent → on_way → arrived → handled, each step with its time
 * and an optional note; up to MAX_DISPATCH_PHOTOS photos (JPEG/PNG, MAX_PHOTO_BYTES each) before "handled".
 */
export const DISPATCH_STEPS = ['on_way', 'arrived', 'handled'] as const;
export type DispatchStepName = (typeof DISPATCH_STEPS)[number];
export type DispatchState = 'sent' | DispatchStepName;

export const MAX_DISPATCH_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

export interface DispatchStepView {
  at: number;
  note?: string;
}

export interface DispatchPhotoView {
  /** 1-based, in upload order */
  n: number;
  mime: 'image/jpeg' | 'image/png';
  bytes: number;
  sha256: string;
  at: number;
  url: string;
}

export interface DispatchView {
  id: number;
  alarmId: number;
  cameraId: string;
  cameraName?: string;
  zone: string;
  alarmKind: string;
  /** the guard account it is addressed to */
  guardId: number;
  guard: string;
  guardName: string | null;
  /** who sent it (the post) */
  by: string;
  note?: string;
  state: DispatchState;
  sentAt: number;
  onWay: DispatchStepView | null;
  arrived: DispatchStepView | null;
  handled: DispatchStepView | null;
  /** epoch ms when it was flagged as not accepted in time; null when accepted in time (or not due yet) */
  overdueAt: number | null;
  /** epoch ms by which it must be accepted */
  acceptBy: number;
  photos: DispatchPhotoView[];
  /** the alarm's snapshot through the dispatch (a guard sees nothing under /api/alarms) */
  snapshotUrl: string | null;
  /** response times, ms from the dispatch */
  arrivedAfterMs: number | null;
  handledAfterMs: number | null;
}

/** A guard account the post can dispatch to. */
export interface GuardAccount {
  id: number;
  username: string;
  displayName: string | null;
}

/** Response times of one local day (compliance). */
export interface DispatchDayTimes {
  date: string;
  dispatches: number;
  arrived: number;
  handled: number;
  overdue: number;
  arrivedP50Ms: number | null;
  arrivedMaxMs: number | null;
  handledP50Ms: number | null;
  handledMaxMs: number | null;
}

export interface DispatchTimes {
  from: number;
  to: number;
  days: DispatchDayTimes[];
  dispatches: DispatchView[];
}
