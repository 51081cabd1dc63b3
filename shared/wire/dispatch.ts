/**
 * Dispatches to a guard's phone on the wire (issue L point 2). The server (server/dispatch) and the console
 * (web/src/data/dispatches.ts) both import this module.
 *
 * What may live in shared/wire: types, constants, and pure functions over those types (same input, same output;
 * no I/O, no state, no Node or DOM API, only ECMAScript built-ins). No imports of any kind, `import type` included:
 * every file stands alone, so the server (tsconfig.json, tsx) and the console (web/tsconfig.json, vite) both take it
 * as it is. The exception is shared/wire/requests/: the request-body zod schemas, which import zod and these
 * constants (rules in its common.ts).
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

/**
 * The summary form of a dispatch that an alarm carries (`AlarmView.guardDispatch`, GuardDispatchSummary in
 * shared/wire/alarms.ts; what <wp-dispatch-steps> shows): the server sets it on every alarm it sends, the console
 * builds it for a guard's own dispatches. The return type is inferred (no imports here); both callers check it
 * against GuardDispatchSummary.
 */
export function dispatchSummary(d: DispatchView) {
  return {
    id: d.id,
    guard: d.guard,
    guardName: d.guardName,
    state: d.state,
    sentAt: d.sentAt,
    onWayAt: d.onWay?.at ?? null,
    arrivedAt: d.arrived?.at ?? null,
    handledAt: d.handled?.at ?? null,
    ...(d.handled?.note ? { handledNote: d.handled.note } : {}),
    overdueAt: d.overdueAt,
    photos: d.photos.map((p) => ({ n: p.n, url: p.url, sha256: p.sha256 })),
  };
}
