/**
 * Automatic duty-log entries for cameras going offline and coming back. Flapping is debounced: a state
 * must hold for `debounceMs` before it is logged, and only a change from the last logged state is logged.
 * Entries go through the duty writer: on a full disk they wait in memory instead of ending the process.
 */
import type { EventBus } from '../events/bus.ts';
import type { DutyLog } from './log.ts';
import { SYSTEM_AUTHOR } from './log.ts';
import { dutyWriter } from './writer.ts';

export interface CameraWatchOptions {
  debounceMs?: number;
  cameraName?: (id: string) => string | undefined;
}

export function watchCameraStates(bus: EventBus, duty: DutyLog, o: CameraWatchOptions = {}): () => void {
  const debounceMs = o.debounceMs ?? 30_000;
  const logged = new Map<string, 'online' | 'offline'>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const writer = dutyWriter(duty, bus);

  const off = bus.on('camera.state', ({ cameraId, state }) => {
    if (state.status !== 'online' && state.status !== 'offline') return;
    const status = state.status;
    clearTimeout(timers.get(cameraId));
    // A camera that was never logged offline needs no "back online" entry.
    if ((logged.get(cameraId) ?? 'online') === status) {
      timers.delete(cameraId);
      return;
    }
    timers.set(
      cameraId,
      setTimeout(() => {
        timers.delete(cameraId);
        logged.set(cameraId, status);
        let name = cameraId;
        try {
          name = o.cameraName?.(cameraId) ?? cameraId;
        } catch {
          /* the camera is being removed: its id will do */
        }
        writer.append({
          category: 'equipment_fault',
          kind: status === 'offline' ? 'camera_offline' : 'camera_online',
          text: status === 'offline' ? `${name}: offline (${state.reason ?? 'error'})` : `${name}: back online`,
          cameraId,
          author: SYSTEM_AUTHOR,
          data: { reason: state.reason ?? null, since: state.since },
        });
      }, debounceMs),
    );
  });
  return () => {
    off();
    for (const t of timers.values()) clearTimeout(t);
  };
}
