/**
 * Camera state machine. Statuses: starting (connecting after a start or a source change), online (producing),
 * offline with a reason (retries stay offline until the camera produces again: no starting/offline flicker),
 * disabled (no process).
 *
 *   (none)   → starting | disabled
 *   starting → online | offline | disabled
 *   online   → offline | starting (source changed) | disabled
 *   offline  → online | offline (other reason/detail) | starting (source changed) | disabled
 *   disabled → starting
 * Same-status moves other than offline→offline are no-ops. Anything else is a programming error (throws).
 */
import type { EventBus } from '../events/bus.ts';
import type { CameraState, CameraStatus, OfflineReason } from './types.ts';

const ALLOWED: Record<CameraStatus | 'none', readonly CameraStatus[]> = {
  none: ['starting', 'disabled'],
  starting: ['online', 'offline', 'disabled'],
  online: ['offline', 'starting', 'disabled'],
  offline: ['online', 'offline', 'starting', 'disabled'],
  disabled: ['starting'],
};

export interface StateChange {
  status: CameraStatus;
  reason?: OfflineReason;
  detail?: string;
}

export function canTransition(from: CameraStatus | undefined, to: CameraStatus): boolean {
  return ALLOWED[from ?? 'none'].includes(to);
}

export class InvalidTransitionError extends Error {
  constructor(from: CameraStatus | undefined, to: CameraStatus, why = 'not allowed') {
    super(`invalid camera state transition ${from ?? '(none)'} → ${to}: ${why}`);
    this.name = 'InvalidTransitionError';
  }
}

/**
 * Pure transition. Returns the next state, or `prev` itself when nothing changes (same status and, for
 * offline, same reason and detail). Throws InvalidTransitionError for a transition the machine does not allow.
 */
export function transition(prev: CameraState | undefined, change: StateChange, now: number): CameraState {
  const from = prev?.status;
  const { status, reason, detail } = change;
  if (status === 'offline' && !reason) throw new InvalidTransitionError(from, status, 'offline needs a reason');
  if (status !== 'offline' && reason) throw new InvalidTransitionError(from, status, 'only offline has a reason');
  if (prev && from === status) {
    if (status !== 'offline') return prev;
    if (prev.reason === reason && prev.detail === detail) return prev;
  } else if (!canTransition(from, status)) {
    throw new InvalidTransitionError(from, status);
  }
  const next: CameraState = { status, since: now };
  if (reason) next.reason = reason;
  if (detail) next.detail = detail;
  // an offline camera changing only its detail keeps its "since"
  if (prev && from === status && prev.reason === reason) next.since = prev.since;
  return next;
}

/** One camera's current state; publishes every change as 'camera.state' on the bus. */
export class CameraStateMachine {
  private current: CameraState | undefined;

  constructor(
    readonly cameraId: string,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CameraState | undefined {
    return this.current;
  }

  /** Apply a change; returns true when the state changed (and was published). */
  set(change: StateChange): boolean {
    const previous = this.current;
    const next = transition(previous, change, this.now());
    if (next === previous) return false;
    this.current = next;
    this.bus.emit('camera.state', { cameraId: this.cameraId, state: next, previous });
    return true;
  }
}
