import { EventEmitter } from 'node:events';
import type { CameraState } from '../cameras/types.ts';
import type { AlarmView } from '../alarms/types.ts';
import type { DispatchView } from '../../shared/wire/dispatch.ts';
import { createLogger } from '../util/log.ts';

const log = createLogger('bus');

/** Typed in-process event bus: domains publish, http/sse subscribes. */
export interface BusEvents {
  'camera.state': { cameraId: string; state: CameraState; previous?: CameraState };
  'camera.changed': { cameraId: string; removed?: boolean };
  /** another node's camera in this node's list changed, appeared or went away (server/cluster/remote-cameras.ts) */
  'camera.remote': { cameraId: string; removed?: boolean };
  'segment.indexed': { cameraId: string; path: string; startMs: number; endMs: number };
  /** Users (issue G): all sessions of a user ended (disabled, role/rights/password changed, revoked) */
  'user.revoked': { userId: number };
  /** the camera rights of these users changed (their live event streams reload) */
  'user.rights': { userIds: number[] };
  /** Recordings (issue E): low-disk alarm and its end, retention deletions, export progress. */
  'storage.low': { freeBytes: number; totalBytes: number; freePercent: number; thresholdPercent: number };
  'storage.ok': { freeBytes: number; totalBytes: number; freePercent: number; thresholdPercent: number };
  'retention.deleted': { cameraId: string; reason: 'age' | 'quota' | 'disk'; count: number; bytes: number };
  /** Full disk (issue F point 4): a write failed for lack of space; the disk is full; space is back; the quota or the
   *  free-space floor cannot be met because of evidence locks (once per transition). */
  'storage.write_failed': { what: string; code: string | null; atMs: number };
  'storage.full': { since: number; freeBytes: number; totalBytes: number };
  'storage.space_back': { fromMs: number; toMs: number; freeBytes: number; totalBytes: number };
  'storage.quota_blocked': { blocked: boolean; limit: 'quota' | 'floor'; lockedBytes: number; limitBytes: number };
  'export.progress': { id: string; status: 'queued' | 'running' | 'done' | 'failed'; progress: number };
  /** Alarms (issue C): raised by live analytics; updated on end, ack, dispatch, resolve. */
  'alarm.raised': AlarmView;
  'alarm.updated': AlarmView;
  /** The alarm's guard dispatch moved on (its status did not change): to the console only, not a duty-log step of the alarm */
  'alarm.progress': AlarmView;
  /** Dispatch to a guard's phone (issue L point 2): sent, a step answered, a photo added, flagged as not accepted in time */
  'dispatch.updated': { dispatch: DispatchView; step: 'sent' | 'on_way' | 'arrived' | 'handled' | 'overdue' | 'photo' };
}

export class EventBus {
  private readonly ee = new EventEmitter();
  constructor() {
    this.ee.setMaxListeners(1000);
  }
  /** A listener that throws (a full disk under a duty-log write, …) is logged; the others still run and the emitter
   *  (a timer, an ffmpeg callback) never sees the error. */
  emit<K extends keyof BusEvents>(name: K, payload: BusEvents[K]): void {
    for (const fn of this.ee.listeners(name) as ((p: BusEvents[K]) => unknown)[]) {
      try {
        const r = fn(payload);
        if (r instanceof Promise) r.catch((err: unknown) => log.error('event listener failed', { event: name, err }));
      } catch (err) {
        log.error('event listener failed', { event: name, err });
      }
    }
  }
  on<K extends keyof BusEvents>(name: K, fn: (payload: BusEvents[K]) => void): () => void {
    this.ee.on(name, fn);
    return () => this.ee.off(name, fn);
  }
}
