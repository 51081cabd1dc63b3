/**
 * Recordings on the wire: a camera's timeline (GET /api/cameras/:id/timeline), evidence locks (/api/locks) and
 * the storage state (GET /api/storage). The server (server/record/timeline.ts, server/http/routes/locks.ts,
 * server/retention/retention.ts) and the console (web/src/data/recordings.ts) both import this module.
 * Same rule as shared/wire/dispatch.ts: types, constants and pure functions only, no imports of any kind.
 */

export interface TimelineMarker {
  /** 'alarm' | 'patrol-stop' | 'export' | 'duty-log' | … */
  kind: string;
  id: string;
  /** wall-clock ms */
  at: number;
  end?: number;
  label: string;
  severity?: 'info' | 'warning' | 'alarm';
  /** the marker's own page in the console, if any */
  href?: string;
}

/** An evidence lock as the timeline shows it. */
export interface TimelineLock {
  id: number;
  start: number;
  end: number;
  reason: string;
  caseRef: string | null;
  createdBy: string;
}

export interface Timeline {
  cameraId: string;
  from: number;
  to: number;
  ranges: { start: number; end: number }[];
  gaps: { start: number; end: number; reason: 'no_recording' | 'missing' }[];
  locks: TimelineLock[];
  markers: TimelineMarker[];
  /** end of the newest segment of this camera (any time), null if none */
  latest: number | null;
}

/** An evidence lock as GET/POST/DELETE /api/locks answer (releasing keeps it: who, when, why). */
export interface EvidenceLockView {
  id: number;
  camera: string;
  from: number;
  to: number;
  reason: string;
  caseRef: string | null;
  exportId: string | null;
  createdBy: string;
  createdAt: number;
  /** not released */
  active: boolean;
  releasedAt: number | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

/** GET /api/storage. */
export interface StorageStatus {
  recordingsBytes: number;
  segments: number;
  lockedBytes: number;
  exportsBytes: number;
  snapshotsBytes: number;
  /** recordings + export bundles + snapshots: what the quota is measured against */
  usedBytes: number;
  quotaBytes: number;
  totalBytes: number;
  freeBytes: number;
  freePercent: number;
  lowDiskPercent: number;
  low: boolean;
  /** bytes that must stay free (the floor) */
  minFreeBytes: number;
  belowFloor: boolean;
  /** the disk is full (writes fail); since when */
  diskFull: boolean;
  diskFullSince: number | null;
  minKeepHours: number;
  /** locked evidence alone is over the quota or the floor: only footage older than minKeepHours can go */
  quotaBlockedByLocks: boolean;
  lastPassAt: number | null;
}
