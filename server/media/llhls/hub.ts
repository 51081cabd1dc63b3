/**
 * The LL-HLS rings of every camera: one per live stream ('live' = what /hls/:id/ plays, the sub-stream
 * when there is one; 'main' = /hls/:id/main/, the main stream of a camera with a sub-stream), fed by its
 * live output whether stream-copied or transcoded (teed from the one live encode). A ring lives
 * as long as its camera is known, so numbering continues across ffmpeg restarts and config changes. A new
 * ring (server start) numbers from the clock — msn from tenths of a second, part ids from hundredths — so
 * numbers also go on across server restarts (segments are ≥ 0.9 s, parts ≥ one frame): a player that
 * survives the restart never sees them go back.
 */
import { LL_PART_SECONDS } from '../ffmpeg-args.ts';
import { PartRing } from './part-ring.ts';

export type LlStream = 'live' | 'main';

export interface LlHubOptions {
  /** shortest segment (the live HLS segment length, 1 s): segments end at the first key frame after it */
  minSegmentSeconds: number;
  partTargetSeconds?: number;
  maxSegments?: number;
  maxBytesPerStream?: number;
}

export class LlHub {
  private readonly rings = new Map<string, PartRing>();

  constructor(private readonly o: LlHubOptions) {}

  /** The stream's ring, created on first use (the supervisor feeds it). */
  ring(cameraId: string, stream: LlStream): PartRing {
    const key = `${cameraId}/${stream}`;
    let r = this.rings.get(key);
    if (!r) {
      r = new PartRing({
        minSegmentSeconds: this.o.minSegmentSeconds,
        partTargetSeconds: this.o.partTargetSeconds ?? LL_PART_SECONDS,
        maxSegments: this.o.maxSegments ?? 6,
        maxBytes: this.o.maxBytesPerStream ?? 32 * 1024 * 1024,
        firstMsn: Math.floor(Date.now() / 100),
        firstPartId: Math.floor(Date.now() / 10),
      });
      this.rings.set(key, r);
    }
    return r;
  }

  /** The stream's ring if it has one (it may be between two ffmpeg runs), without creating it. */
  find(cameraId: string, stream: LlStream): PartRing | undefined {
    return this.rings.get(`${cameraId}/${stream}`);
  }

  /** The stream no longer has LL-HLS (no live output any more, e.g. the main stream is no longer H.264): forget its ring. */
  drop(cameraId: string, stream: LlStream): void {
    this.rings.get(`${cameraId}/${stream}`)?.close();
    this.rings.delete(`${cameraId}/${stream}`);
  }

  /** Camera stopped (disabled, or its pipelines restart with a new config): blocked requests are released. */
  close(cameraId: string): void {
    for (const s of ['live', 'main'] as const) this.rings.get(`${cameraId}/${s}`)?.close();
  }

  /** Camera removed: forget its rings. */
  remove(cameraId: string): void {
    for (const s of ['live', 'main'] as const) this.drop(cameraId, s);
  }

  /** frames per second coming in on every stream that has a ring (metrics) */
  inputFps(): { cameraId: string; stream: LlStream; fps: number }[] {
    return [...this.rings].map(([key, r]) => {
      const [cameraId, stream] = key.split('/') as [string, LlStream];
      return { cameraId, stream, fps: r.inputFps() };
    });
  }

  /** bytes held by all rings (metrics, tests) */
  get bytes(): number {
    let n = 0;
    for (const r of this.rings.values()) n += r.bytes;
    return n;
  }
}
