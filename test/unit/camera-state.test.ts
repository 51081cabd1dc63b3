import { describe, expect, it } from 'vitest';
import { canTransition, CameraStateMachine, InvalidTransitionError, transition } from '../../server/cameras/state.ts';
import type { CameraStatus } from '../../server/cameras/types.ts';
import { EventBus, type BusEvents } from '../../server/events/bus.ts';
import { OutputClock, RestartPolicy } from '../../server/media/restart-policy.ts';

describe('transitions', () => {
  const valid: [CameraStatus | undefined, CameraStatus][] = [
    [undefined, 'starting'],
    [undefined, 'disabled'],
    ['starting', 'online'],
    ['starting', 'offline'],
    ['starting', 'disabled'],
    ['online', 'offline'],
    ['online', 'starting'],
    ['online', 'disabled'],
    ['offline', 'online'],
    ['offline', 'offline'],
    ['offline', 'starting'],
    ['offline', 'disabled'],
    ['disabled', 'starting'],
  ];
  const invalid: [CameraStatus | undefined, CameraStatus][] = [
    [undefined, 'online'],
    [undefined, 'offline'],
    ['disabled', 'online'],
    ['disabled', 'offline'],
  ];
  it.each(valid)('%s → %s is allowed', (from, to) => expect(canTransition(from, to)).toBe(true));
  it.each(invalid)('%s → %s is a programming error', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    const prev = from ? { status: from, since: 1 } : undefined;
    expect(() => transition(prev, to === 'offline' ? { status: to, reason: 'error' } : { status: to }, 2)).toThrow(
      InvalidTransitionError,
    );
  });

  it('offline needs a reason, and only offline has one', () => {
    expect(() => transition({ status: 'starting', since: 1 }, { status: 'offline' }, 2)).toThrow(/needs a reason/);
    expect(() => transition({ status: 'starting', since: 1 }, { status: 'online', reason: 'stalled' }, 2)).toThrow(
      /only offline/,
    );
  });

  it('same status is a no-op (the very same object), except offline with another reason or detail', () => {
    const online = { status: 'online' as const, since: 1 };
    expect(transition(online, { status: 'online' }, 5)).toBe(online);
    const off = transition(online, { status: 'offline', reason: 'unreachable', detail: 'connection refused' }, 5);
    expect(off).toEqual({ status: 'offline', reason: 'unreachable', detail: 'connection refused', since: 5 });
    expect(transition(off, { status: 'offline', reason: 'unreachable', detail: 'connection refused' }, 9)).toBe(off);
    // detail only: keeps since
    expect(transition(off, { status: 'offline', reason: 'unreachable', detail: 'x' }, 9).since).toBe(5);
    // another reason: new since
    expect(transition(off, { status: 'offline', reason: 'stalled' }, 9)).toEqual({ status: 'offline', reason: 'stalled', since: 9 });
  });
});

describe('CameraStateMachine', () => {
  it('publishes each change with the previous state, and nothing for no-ops', () => {
    const bus = new EventBus();
    const seen: BusEvents['camera.state'][] = [];
    bus.on('camera.state', (e) => seen.push(e));
    let t = 100;
    const m = new CameraStateMachine('lobby', bus, () => t++);
    expect(m.set({ status: 'starting' })).toBe(true);
    expect(m.set({ status: 'starting' })).toBe(false);
    m.set({ status: 'online' });
    m.set({ status: 'offline', reason: 'unreachable', detail: 'connection refused' });
    m.set({ status: 'offline', reason: 'unreachable', detail: 'connection refused' });
    m.set({ status: 'online' });
    expect(seen.map((e) => [e.cameraId, e.previous?.status, e.state.status, e.state.reason])).toEqual([
      ['lobby', undefined, 'starting', undefined],
      ['lobby', 'starting', 'online', undefined],
      ['lobby', 'online', 'offline', 'unreachable'],
      ['lobby', 'offline', 'online', undefined],
    ]);
    expect(m.state).toEqual({ status: 'online', since: 105 }); // the clock is read on every set()
    expect(() => m.set({ status: 'disabled' })).not.toThrow();
    expect(() => m.set({ status: 'online' })).toThrow(InvalidTransitionError);
  });
});

describe('RestartPolicy', () => {
  it('doubles from initialMs up to maxMs, resets after a healthy run', () => {
    const p = new RestartPolicy({ initialMs: 1000, maxMs: 8000, healthyResetMs: 60_000 });
    const delays = Array.from({ length: 6 }, (_, i) => p.next(i, 0).delayMs);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(p.next(10, 61_000).delayMs).toBe(1000);
    expect(p.next(11, 0).delayMs).toBe(2000);
  });

  it('caps restarts of flapping runs per window, connection failures are not counted', () => {
    const p = new RestartPolicy({ initialMs: 10, maxMs: 10, maxRestarts: 3, windowMs: 60_000 });
    for (let i = 0; i < 10; i++) expect(p.next(i, 0)).toEqual({ delayMs: 10, capped: false });
    expect(p.next(1000, 500).capped).toBe(false);
    expect(p.next(2000, 500).capped).toBe(false);
    expect(p.next(3000, 500).capped).toBe(false);
    // 4th flap within a minute: wait until the first one leaves the window
    expect(p.next(4000, 500)).toEqual({ delayMs: 57_000, capped: true });
  });
});

describe('OutputClock', () => {
  it('stalls after N nominal intervals, or N of the longest recent interval', () => {
    const c = new OutputClock(1000);
    expect(c.deadline(3, 99_999)).toBe(99_999);
    c.tick(10_000);
    // a single update: the interval is unknown yet, the start-up allowance still holds…
    expect(c.deadline(3, 20_000)).toBe(20_000);
    // …but never more than 10 s after that first update (a camera that froze right after it)
    expect(c.deadline(3, 99_999)).toBe(20_000);
    c.tick(11_000);
    expect(c.deadline(3, 20_000)).toBe(14_000);
    c.tick(11_050); // the same playlist rewrite seen twice
    expect(c.lastAt).toBe(11_000);
    c.tick(15_000); // 4 s GOP camera: 4 s segments
    expect(c.deadline(3, 0)).toBe(27_000);
  });
});
