import { EventEmitter } from 'node:events';
import type { CameraState } from '../cameras/types.ts';
import type { AlarmView } from '../alarms/types.ts';

/** Typed in-process event bus: domains publish, http/sse subscribes. */
export interface BusEvents {
  'camera.state': { cameraId: string; state: CameraState; previous?: CameraState };
  'camera.changed': { cameraId: string; removed?: boolean };
  'segment.indexed': { cameraId: string; path: string; startMs: number; endMs: number };
  /** Recordings (issue E): low-disk alarm and its end, retention deletions, export progress. */
  'storage.low': { freeBytes: number; totalBytes: number; freePercent: number; thresholdPercent: number };
  'storage.ok': { freeBytes: number; totalBytes: number; freePercent: number; thresholdPercent: number };
  'retention.deleted': { cameraId: string; reason: 'age' | 'quota'; count: number; bytes: number };
  'export.progress': { id: string; status: 'queued' | 'running' | 'done' | 'failed'; progress: number };
  /** Alarms (issue C): raised by live analytics; updated on end, ack, dispatch, resolve. */
  'alarm.raised': AlarmView;
  'alarm.updated': AlarmView;
}

export class EventBus {
  private readonly ee = new EventEmitter();
  constructor() {
    this.ee.setMaxListeners(1000);
  }
  emit<K extends keyof BusEvents>(name: K, payload: BusEvents[K]): void {
    this.ee.emit(name, payload);
  }
  on<K extends keyof BusEvents>(name: K, fn: (payload: BusEvents[K]) => void): () => void {
    this.ee.on(name, fn);
    return () => this.ee.off(name, fn);
  }
}
