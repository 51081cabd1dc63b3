/**
 * The live analytics' video time → wall clock (server/analytics/live/clock.ts): each alarm time is mapped with
 * the offset of the frame it names (LL-HLS PDT clock when the frame has wallMs, else receive time), not with
 * the newest frame's, so the arrival jitter of later parts does not move an alarm's start.
 */
import { describe, expect, it } from 'vitest';
import { VideoClock } from '../../server/analytics/live/clock.ts';
import type { Frame } from '../../server/analytics/frames.ts';

const frame = (t: number, receivedAt: number, wallMs?: number): Frame => ({
  data: Buffer.alloc(0), width: 1, height: 1, order: 'bgr', sourceWidth: 1, sourceHeight: 1, t, index: 0, receivedAt, ...(wallMs === undefined ? {} : { wallMs }),
});

describe('VideoClock', () => {
  it('maps a video time with the offset of its own frame (PDT clock), the newest one before it in between', () => {
    const c = new VideoClock(0);
    c.note(frame(10, 1_000_900, 1_000_000)); // read 900 ms after it reached the server
    c.note(frame(10.2, 1_001_300, 1_000_212)); // a part that came 12 ms late
    c.note(frame(10.4, 1_001_500, 1_000_395));
    expect(c.wall(10)).toBe(1_000_000);
    expect(c.wall(10.2)).toBe(1_000_212);
    expect(c.wall(10.3)).toBe(1_000_312);
    expect(c.wall(10.4)).toBe(1_000_395);
    // older than the history: the oldest offset; newer: the newest
    expect(c.wall(9)).toBe(999_000);
    expect(c.wall(11)).toBe(1_000_995);
    expect(c.offsetMs).toBe(1_000_395 - 10_400);
  });

  it('falls back to the receive time without wallMs, and starts over when video time goes back (a new ffmpeg)', () => {
    const c = new VideoClock(5_000);
    expect(c.wall(1)).toBe(6_000);
    c.note(frame(100, 2_000_000));
    expect(c.wall(100)).toBe(2_000_000);
    c.note(frame(0.5, 3_000_000, 2_999_000));
    expect(c.wall(0.5)).toBe(2_999_000);
    expect(c.wall(100)).toBe(2_999_000 - 500 + 100_000); // the old run's times are gone
  });
});
