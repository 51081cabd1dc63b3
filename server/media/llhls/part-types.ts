/** The LL-HLS ring's parts and segments (part-ring.ts), and what a follower of the ring hears. */

export interface Part {
  /** global, monotonic: the part's URI is ll_p<id>.m4s */
  id: number;
  msn: number;
  /** index within its segment */
  index: number;
  data: Buffer;
  durationSec: number;
  independent: boolean;
  /** wall clock of the part's first frame, ms */
  pdtMs: number;
  /** the fragment's decode time (tfdt / timescale), seconds: the video time of its first frame */
  startSec: number;
  /** the init segment it decodes with */
  initId: number;
}

/**
 * Follows a ring as media comes in (the live analytics' frame tap). Called synchronously from the ring's
 * feeder; a listener that throws is removed, it never breaks the stream.
 */
export interface RingListener {
  /** a new init segment (ffmpeg started or restarted): the parts after it decode with this one */
  onInit?(data: Buffer, initId: number): void;
  onPart?(part: Part): void;
  /** the stream stopped (ffmpeg gone, camera stopped, or the ring dropped): nothing comes until the next init */
  onEnd?(): void;
}

export interface Segment {
  msn: number;
  parts: Part[];
  durationSec: number;
  complete: boolean;
  /** a new init (ffmpeg restarted) begins with this segment */
  discontinuity: boolean;
  initId: number;
  bytes: number;
  /** the whole segment, built once it is complete */
  data?: Buffer;
}

export interface RingOptions {
  minSegmentSeconds: number;
  /** declared part target; raised (never lowered) when ffmpeg's parts come out longer */
  partTargetSeconds: number;
  maxSegments?: number;
  maxBytes?: number;
  /** a segment is closed even without a key frame at this length (camera with a very long GOP) */
  maxSegmentSeconds?: number;
  /** numbering starts here (default 0); see LlHub for the clock-based start */
  firstMsn?: number;
  firstPartId?: number;
  now?: () => number;
}
