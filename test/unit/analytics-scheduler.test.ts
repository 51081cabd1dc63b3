import { describe, expect, it } from 'vitest';
import type { Frame } from '../../server/analytics/frames.ts';
import type { CameraAnalyzer, StepResult } from '../../server/analytics/pipeline.ts';
import { Scheduler } from '../../server/analytics/live/scheduler.ts';
import { createLogger } from '../../server/util/log.ts';

const frame = (t: number): Frame => ({ data: Buffer.alloc(3), width: 1, height: 1, order: 'bgr', sourceWidth: 1, sourceHeight: 1, t, index: t, receivedAt: Date.now() });
const tick = () => new Promise((r) => setTimeout(r, 5));

/** an analyzer whose process() waits until released; records the calls */
function fakeAnalyzer(log: string[], id: string) {
  const waiting: (() => void)[] = [];
  const analyzer = {
    process: (f: Frame) => {
      log.push(`${id}:${f.t}`);
      return new Promise<StepResult>((r) => waiting.push(() => r({ events: [], tracks: [] })));
    },
    finish: () => [],
  } as unknown as CameraAnalyzer;
  return { analyzer, release: () => waiting.shift()?.() };
}

describe('scheduler concurrency (one frame per worker in flight)', () => {
  it('runs up to `concurrency` cameras at once, one frame per camera at a time', async () => {
    const calls: string[] = [];
    const s = new Scheduler(() => undefined, createLogger('test'), 2);
    const a = fakeAnalyzer(calls, 'a');
    const b = fakeAnalyzer(calls, 'b');
    const c = fakeAnalyzer(calls, 'c');
    s.add('a', a.analyzer);
    s.add('b', b.analyzer);
    s.add('c', c.analyzer);
    s.start();
    s.offer('a', frame(1));
    s.offer('a', frame(2));
    s.offer('b', frame(1));
    s.offer('c', frame(1));
    await tick();
    expect(calls).toEqual(['a:1', 'b:1']); // two in flight, a:2 waits for a:1
    a.release();
    await tick();
    expect(calls).toEqual(['a:1', 'b:1', 'c:1']); // round robin: c before a's second frame
    b.release();
    await tick();
    expect(calls).toEqual(['a:1', 'b:1', 'c:1', 'a:2']);
    c.release();
    a.release();
    await tick();
    await s.stop();
    expect(s.lane('a')!.analysed).toBe(2);
  });

  it('with concurrency 1 analyses one frame at a time', async () => {
    const calls: string[] = [];
    const s = new Scheduler(() => undefined, createLogger('test'));
    const a = fakeAnalyzer(calls, 'a');
    const b = fakeAnalyzer(calls, 'b');
    s.add('a', a.analyzer);
    s.add('b', b.analyzer);
    s.start();
    s.offer('a', frame(1));
    s.offer('b', frame(1));
    await tick();
    expect(calls).toEqual(['a:1']);
    a.release();
    await tick();
    expect(calls).toEqual(['a:1', 'b:1']);
    b.release();
    await s.stop();
  });
});
