import { describe, expect, it } from 'vitest';
import {
  addToTally, currentSlot, emptyTally, gradeSlot, nextSlot, slotsBetween, type Schedule,
} from '../../server/patrol/schedule.ts';
import { shiftOf, DEFAULT_SHIFTS } from '../../server/patrol/compliance.ts';

const at = (d: string) => new Date(d).getTime(); // local time (no Z)
const hourly: Schedule = { intervalMin: 60, activeFrom: '08:00', activeTo: '20:00', graceMin: 10 };
const night: Schedule = { intervalMin: 120, activeFrom: '20:00', activeTo: '08:00', graceMin: 15 };

describe('schedule', () => {
  it('lists due times within active hours', () => {
    const s = slotsBetween(hourly, at('2025-03-10T00:00'), at('2025-03-11T00:00'));
    expect(s).toHaveLength(12);
    expect(s[0]).toBe(at('2025-03-10T08:00'));
    expect(s[11]).toBe(at('2025-03-10T19:00'));
  });

  it('handles a night window across midnight', () => {
    const s = slotsBetween(night, at('2025-03-10T12:00'), at('2025-03-11T12:00'));
    expect(s.map((t) => new Date(t).getHours())).toEqual([20, 22, 0, 2, 4, 6]);
    expect(s[2]).toBe(at('2025-03-11T00:00'));
  });

  it('around the clock when from = to', () => {
    const s = slotsBetween({ ...hourly, activeFrom: '00:00', activeTo: '00:00' }, at('2025-03-10T00:00'), at('2025-03-11T00:00'));
    expect(s).toHaveLength(24);
  });

  it('current and next slot', () => {
    expect(currentSlot(hourly, at('2025-03-10T09:35'))).toBe(at('2025-03-10T09:00'));
    expect(currentSlot(hourly, at('2025-03-10T21:00'))).toBeUndefined();
    expect(currentSlot(hourly, at('2025-03-10T07:59'))).toBeUndefined();
    expect(nextSlot(hourly, at('2025-03-10T21:00'))).toBe(at('2025-03-11T08:00'));
    expect(currentSlot(night, at('2025-03-11T01:10'))).toBe(at('2025-03-11T00:00'));
  });
});

describe('grading with an injected time', () => {
  const slot = at('2025-03-10T09:00');
  const done = (startMin: number, endMin: number, skipped = 0) => ({
    startedMs: slot + startMin * 60_000, endedMs: slot + endMin * 60_000, status: 'completed' as const, skippedStops: skipped,
  });

  it('on time within the grace window, late after it', () => {
    expect(gradeSlot(hourly, slot, done(5, 9), at('2025-03-10T09:30'))).toBe('on_time');
    expect(gradeSlot(hourly, slot, done(10, 12), at('2025-03-10T09:30'))).toBe('on_time');
    expect(gradeSlot(hourly, slot, done(11, 15), at('2025-03-10T09:30'))).toBe('late');
  });

  it('missed only once the window is over', () => {
    expect(gradeSlot(hourly, slot, undefined, at('2025-03-10T09:59'))).toBe('pending');
    expect(gradeSlot(hourly, slot, undefined, at('2025-03-10T10:00'))).toBe('missed');
  });

  it('incomplete: abandoned, skipped stop, or unfinished at window end', () => {
    expect(gradeSlot(hourly, slot, { ...done(1, 5), status: 'abandoned' }, at('2025-03-10T09:30'))).toBe('incomplete');
    expect(gradeSlot(hourly, slot, done(1, 5, 1), at('2025-03-10T09:30'))).toBe('incomplete');
    const running = { startedMs: slot + 60_000, endedMs: null, status: 'in_progress' as const, skippedStops: 0 };
    expect(gradeSlot(hourly, slot, running, at('2025-03-10T09:30'))).toBe('pending');
    expect(gradeSlot(hourly, slot, running, at('2025-03-10T10:00'))).toBe('incomplete');
    expect(gradeSlot(hourly, slot, done(50, 61), at('2025-03-10T10:30'))).toBe('incomplete');
  });

  it('tallies compliance as on-time share of due rounds', () => {
    const t = emptyTally();
    for (const g of ['on_time', 'on_time', 'late', 'missed', 'pending'] as const) addToTally(t, g);
    expect(t).toMatchObject({ due: 4, on_time: 2, late: 1, missed: 1, compliance: 50 });
  });

  it('assigns night-shift mornings to the day the shift began', () => {
    expect(shiftOf(DEFAULT_SHIFTS, at('2025-03-11T03:00'))).toEqual({ shift: 'night', day: '2025-03-10' });
    expect(shiftOf(DEFAULT_SHIFTS, at('2025-03-11T09:00'))).toEqual({ shift: 'day', day: '2025-03-11' });
  });
});
