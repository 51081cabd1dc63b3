/** Recorded footage: timeline, playback URLs, evidence locks and the storage state (docs/api.md, "Recordings"). */
import { api } from './api';
import { Store } from './store';
import type { EvidenceLockView as EvidenceLock, StorageStatus, Timeline } from '../../../shared/wire/recordings';
import type { LockCreateBody, LockReleaseBody } from '../../../shared/wire/requests/locks';
/** Recordings on the wire: shared/wire/recordings.ts (the server sends the same types). */
export type { EvidenceLockView as EvidenceLock, StorageStatus, Timeline, TimelineLock, TimelineMarker } from '../../../shared/wire/recordings';

/** Is the storage in a state the console must show as a banner? */
export const storageTrouble = (s: StorageStatus | null): boolean => !!s && (!!s.diskFull || !!s.belowFloor || s.quotaBlockedByLocks);

const enc = encodeURIComponent;

export function fetchTimeline(cameraId: string, from: number, to: number, signal?: AbortSignal): Promise<Timeline> {
  return api<Timeline>('GET', `/api/cameras/${enc(cameraId)}/timeline?from=${from}&to=${to}`, { signal });
}

/** The recorded-footage playlist (at most 6 h). */
export function vodUrl(cameraId: string, from: number, to: number): string {
  return `/api/cameras/${enc(cameraId)}/vod.m3u8?from=${Math.floor(from)}&to=${Math.ceil(to)}`;
}

/** Console link to a camera's footage at a time (alarms, duty log and patrol stops link here). */
export function reviewPath(cameraId: string, at: number): string {
  return `/review/${enc(cameraId)}?t=${Math.round(at)}`;
}

export function listLocks(cameraId?: string, active = false): Promise<EvidenceLock[]> {
  const q = new URLSearchParams();
  if (cameraId) q.set('camera', cameraId);
  if (active) q.set('active', '1');
  return api<EvidenceLock[]>('GET', `/api/locks?${q.toString()}`);
}

/** Bodies: shared/wire/requests/locks.ts, the schemas the server validates with (types only here). */
export function createLock(body: LockCreateBody): Promise<EvidenceLock> {
  return api<EvidenceLock>('POST', '/api/locks', { body });
}

export function releaseLock(id: number, reason: string): Promise<EvidenceLock> {
  return api<EvidenceLock>('DELETE', `/api/locks/${id}`, { body: { reason } satisfies LockReleaseBody });
}

/** Storage state, polled while someone is logged in (the top bar shows the low-disk alarm, the storage banner the
 *  full disk / floor / locked quota); every 5 s while in trouble, so the banner goes soon after space is back. */
export const storage = new Store<StorageStatus | null>(null);
let timer: ReturnType<typeof setTimeout> | undefined;
let polling = false;
let normalMs = 30_000;

async function pollStorage(): Promise<void> {
  try {
    storage.set(await api<StorageStatus>('GET', '/api/storage'));
  } catch {
    // keep the last known state; the connection indicator shows a server that is away
  }
  if (polling) timer = setTimeout(() => void pollStorage(), storageTrouble(storage.value) ? Math.min(5000, normalMs) : normalMs);
}

export function startStoragePolling(intervalMs = 30_000): void {
  if (polling) return;
  polling = true;
  normalMs = intervalMs;
  void pollStorage();
}

export function stopStoragePolling(): void {
  polling = false;
  clearTimeout(timer);
  timer = undefined;
  storage.set(null);
}
