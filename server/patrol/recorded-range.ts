/** What a confirmed stop says about the video it showed, and the recorded range a spot-check replays (rounds.ts). */

export interface StopConfirm {
  outcome: 'normal' | 'anomaly' | 'not_verifiable';
  note?: string;
  checks?: boolean[];
  /** Ask for an alarm / dispatch for an anomaly. */
  dispatch?: boolean;
  /**
   * The video's own clock (EXT-X-PROGRAM-DATE-TIME, epoch ms) of the first and the last frame the console
   * showed during this stop (issue I point 3): the recorded range the spot-check replays. Without them, or
   * when they are not plausible, the range is the viewing time minus `liveLatencyMs`.
   */
  shownFromMs?: number;
  shownToMs?: number;
}

/** how far behind the viewing time a shown frame may be (a picture older than this was not "live") */
const SHOWN_MAX_BEHIND_MS = 30_000;
/** clocks of server and camera/ffmpeg may differ a little */
const SHOWN_MAX_AHEAD_MS = 2_000;

/** The recorded range of a stop: the shown frames' own times when given and plausible, else the viewing time − lag. */
export function recordedRange(viewFrom: number, viewTo: number, lagMs: number, shown?: { from?: number; to?: number }): { from: number; to: number; source: 'video' | 'lag' } {
  const f = shown?.from;
  const t = shown?.to;
  if (f !== undefined && t !== undefined && Number.isFinite(f) && Number.isFinite(t) && f <= t && f >= viewFrom - SHOWN_MAX_BEHIND_MS && t <= viewTo + SHOWN_MAX_AHEAD_MS && t >= viewFrom - SHOWN_MAX_BEHIND_MS) {
    return { from: f, to: t, source: 'video' };
  }
  return { from: viewFrom - lagMs, to: viewTo - lagMs, source: 'lag' };
}
