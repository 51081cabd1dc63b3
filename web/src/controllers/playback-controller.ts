import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { fetchTimeline, type Timeline } from '../data/recordings';
import { errorMessage } from '../i18n/errors';
import type { RecordedState, WpRecordedPlayer } from '../components/wp-recorded-player';

/** Timeline spans offered (ms): 10 min, 1 h, 6 h, 24 h. */
export const ZOOMS = [10 * 60_000, 3600_000, 6 * 3600_000, 24 * 3600_000];
export const RATES = [0.5, 1, 2, 4, 8];

type Host = ReactiveControllerHost & {
  readonly updateComplete: Promise<boolean>;
};

/**
 * Synchronised playback of a review page: the wall-clock playhead, play/pause and rate of every player, the
 * timeline's window (span, pan, follow the playhead) and its data for the first camera. The first player leads
 * (its `wall-time` moves the playhead); the others are re-seeked when they drift more than 1.5 s from it.
 * A seek goes to every player, which loads another window of footage when the time is outside the one it has.
 */
export class PlaybackController implements ReactiveController {
  playhead: number | null = null;
  playing = true;
  rate = 1;
  /** index into ZOOMS */
  zoom = 0;
  view = { from: 0, to: 0 };
  timeline: Timeline | null = null;
  playerState: RecordedState = 'idle';
  error: string | null = null;

  private refresh: ReturnType<typeof setInterval> | undefined;
  private fetchAbort: AbortController | null = null;

  constructor(
    private readonly host: Host,
    /** the players in page order (the first leads) */
    private readonly players: () => WpRecordedPlayer[],
    /** the camera whose timeline is shown */
    private readonly primary: () => string | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.refresh = setInterval(() => {
      if (this.view.to > Date.now() - 60_000) void this.loadTimeline();
    }, 15_000);
  }

  hostDisconnected(): void {
    clearInterval(this.refresh);
    this.fetchAbort?.abort();
  }

  /** Open `cameraId` at `at`, or when undefined the last minute of its recording. */
  async start(cameraId: string, at: number | undefined): Promise<void> {
    let target = at;
    if (target === undefined) {
      try {
        const tl = await fetchTimeline(cameraId, Date.now() - 86_400_000, Date.now());
        target = tl.latest !== null ? Math.max(tl.latest - 60_000, tl.ranges[0]?.start ?? 0) : Date.now() - 60_000;
      } catch {
        target = Date.now() - 60_000;
      }
    }
    this.jump(target);
  }

  /** Centre the timeline on `ms` and show it in every player. */
  jump(ms: number): void {
    this.centerView(ms);
    this.seekAll(ms);
  }

  seekAll(ms: number): void {
    this.set({ playhead: ms });
    void this.host.updateComplete.then(() => {
      for (const p of this.players()) p.seek(ms);
    });
  }

  /** A player was added: bring it to the playhead. */
  follow(player: () => WpRecordedPlayer | undefined): void {
    const at = this.playhead;
    if (at !== null) void this.host.updateComplete.then(() => player()?.seek(at));
  }

  /** `wall-time` of player `index`. */
  onWallTime(index: number, ms: number): void {
    if (index !== 0) return;
    this.set({ playhead: ms });
    // followers keep to the leader's wall time
    for (const p of this.players().slice(1)) {
      const w = p.wallTime;
      if (w === null || Math.abs(w - ms) > 1500) p.seek(ms);
    }
    if (ms > this.view.to - (this.view.to - this.view.from) * 0.02) this.centerView(ms);
  }

  /** `recorded-state` of player `index`: the leader's is shown. */
  onState(index: number, state: RecordedState): void {
    if (index === 0) this.set({ playerState: state });
  }

  setPlaying(on: boolean): void {
    this.set({ playing: on });
    for (const p of this.players()) {
      if (on) p.play();
      else p.pause();
    }
  }

  setRate(rate: number): void {
    this.set({ rate });
  }

  step(deltaMs: number): void {
    const base = this.playhead ?? Date.now();
    this.seekAll(Math.min(Date.now(), base + deltaMs));
  }

  setZoom(z: number): void {
    this.set({ zoom: z });
    this.centerView(this.playhead ?? Date.now());
  }

  pan(dir: number): void {
    const span = this.view.to - this.view.from;
    this.set({ view: { from: this.view.from + (dir * span) / 2, to: this.view.to + (dir * span) / 2 } });
    void this.loadTimeline();
  }

  async loadTimeline(): Promise<void> {
    const id = this.primary();
    if (!id || this.view.to <= this.view.from) return;
    this.fetchAbort?.abort();
    const abort = (this.fetchAbort = new AbortController());
    try {
      const timeline = await fetchTimeline(id, Math.round(this.view.from), Math.round(this.view.to), abort.signal);
      this.set({ timeline, error: null });
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'AbortError')) this.set({ error: errorMessage(err) });
    }
  }

  private centerView(ms: number): void {
    const span = ZOOMS[this.zoom]!;
    const to = Math.min(Date.now() + span * 0.05, ms + span / 2);
    this.set({ view: { from: to - span, to } });
    void this.loadTimeline();
  }

  private set(patch: Partial<Pick<PlaybackController, 'playhead' | 'playing' | 'rate' | 'zoom' | 'view' | 'timeline' | 'playerState' | 'error'>>): void {
    Object.assign(this, patch);
    this.host.requestUpdate();
  }
}
