import { EventEmitter } from 'node:events';
import type { CameraState } from '../cameras/types.ts';

/** Typed in-process event bus: domains publish, http/sse subscribes. */
export interface BusEvents {
  'camera.state': { cameraId: string; state: CameraState; previous?: CameraState };
  'camera.changed': { cameraId: string; removed?: boolean };
  'segment.indexed': { cameraId: string; path: string; startMs: number; endMs: number };
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
