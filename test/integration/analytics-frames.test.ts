import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameArgs, openFrames, FrameSourceError, type Frame } from '../../server/analytics/frames.ts';
import { REPO_ROOT, VTEST } from '../support/scenarios.ts';

describe('frames from ffmpeg', () => {
  it('decodes at the analysis rate, letterbox-sized BGR, with video timestamps', async () => {
    const src = openFrames({ input: VTEST, fps: 5 });
    const got: { t: number; w: number; h: number; len: number }[] = [];
    for await (const f of src) {
      got.push({ t: f.t, w: f.width, h: f.height, len: f.data.length });
      expect([f.sourceWidth, f.sourceHeight, f.order]).toEqual([768, 576, 'bgr']);
      if (got.length === 15) break; // closes ffmpeg
    }
    expect(got.map((g) => g.t)).toEqual(Array.from({ length: 15 }, (_, i) => Math.round(i * 2) / 10));
    expect(got[0]).toMatchObject({ w: 416, h: 312, len: 416 * 312 * 3 });
  });

  it('key-frame-only mode yields only key frames with their real times', async () => {
    const times: number[] = [];
    for await (const f of openFrames({ input: VTEST, keyframesOnly: true })) times.push(f.t);
    expect(times).toEqual([0, 25, 50, 75]); // vtest.avi has a key frame every 25 s
  });

  it('stays bounded: a slow consumer in drop-oldest mode gets drops, not a growing queue', async () => {
    const src = openFrames({ input: VTEST, fps: 10, overflow: 'drop-oldest', maxQueue: 2 });
    await new Promise((r) => setTimeout(r, 1500)); // let ffmpeg run ahead of us
    const f = await src.next();
    src.close();
    expect(f).not.toBeNull();
    expect(src.stats.dropped).toBeGreaterThan(10);
    expect(src.stats.frames - src.stats.dropped).toBeLessThanOrEqual(3);
  });

  it('stays bounded: in block mode ffmpeg is paused, nothing is dropped', async () => {
    const src = openFrames({ input: VTEST, fps: 10, maxQueue: 3 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(src.stats.frames).toBeLessThanOrEqual(5);
    let n = 0;
    for (let f = await src.next(); f && n < 20; f = await src.next()) n++;
    src.close();
    expect(n).toBe(20);
    expect(src.stats.dropped).toBe(0);
  });

  it('reuses the buffers of released frames only: a frame that is still held keeps its pixels', async () => {
    // reference pixels of the first 12 frames, decoded without any reuse
    const ref: Buffer[] = [];
    for await (const f of openFrames({ input: VTEST, fps: 5 })) {
      ref.push(Buffer.from(f.data));
      if (ref.length === 12) break;
    }
    const src = openFrames({ input: VTEST, fps: 5 });
    const held: { f: Frame; i: number }[] = [];
    const seen = new Set<ArrayBufferLike>();
    let reused = 0;
    let i = 0;
    for await (const f of src) {
      expect(f.data.equals(ref[i]!), `frame ${i}`).toBe(true);
      if (seen.has(f.data.buffer)) reused++;
      seen.add(f.data.buffer);
      // every third frame is kept (as a queued or annotated frame would be), the others are released
      if (i % 3 === 0) held.push({ f, i });
      else f.release?.();
      if (++i === 12) break;
    }
    expect(reused).toBeGreaterThan(3);
    for (const h of held) expect(h.f.data.equals(ref[h.i]!), `held frame ${h.i} was overwritten`).toBe(true);
    // releasing twice is harmless
    held[0]!.f.release?.();
    held[0]!.f.release?.();
  });

  it('reports a file it cannot decode', async () => {
    const src = openFrames({ input: join(REPO_ROOT, 'package.json') });
    await expect(src.next()).rejects.toBeInstanceOf(FrameSourceError);
  });

  it('builds rtsp input options and key-frame skipping', () => {
    const a = frameArgs({ input: 'rtsp://10.0.0.2/s', keyframesOnly: true });
    expect(a.join(' ')).toMatch(/-rtsp_transport tcp .*-skip_frame nokey -i rtsp:\/\/10\.0\.0\.2\/s/);
    expect(a.join(' ')).not.toMatch(/fps=/);
    expect(frameArgs({ input: 'x.mp4', realtime: true, fps: 2 }).join(' ')).toMatch(/^.*-re .*fps=2,scale=416:416:force_original_aspect_ratio=decrease,showinfo/);
  });
});
