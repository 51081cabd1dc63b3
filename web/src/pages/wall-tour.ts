/**
 * The wall's camera tour (轮巡): shows the pages in turn every `intervalS` seconds, or (`what`) the user's saved
 * views, or the views of this browser's display, each with its pages in turn (data/tour-order.ts). Started and set from the
 * toolbar (remembered in this browser, data/prefs.ts) or by `?cycle=<s>` in the URL (a wall PC's start page:
 * it wins over the remembered setting until the tour is changed from the toolbar). It holds while a camera is
 * shown alone and, with "pause on alarm" (default), while an alarm is not acknowledged; after a hold or a page
 * change by hand the next page comes a full interval later. Touring views, it also holds while the wall is
 * arranged by hand and not saved (moving on would lose that arrangement).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { alarms } from '../data/alarms';
import { loadTour, saveTour, type TourPrefs } from '../data/prefs';
import type { TourState } from '../components/wp-tour-status';
import { nextTourStep, tourViews } from '../data/tour-order';
import type { WallView } from '../data/wall-views';

export interface TourHost extends ReactiveControllerHost {
  readonly pages: number;
  readonly currentPage: number;
  readonly focusId: string | null;
  /** `?cycle=` seconds (0 = none) */
  readonly cycle: number;
  go(opts: { page: number; cycle?: number }): void;
}

/** The saved views and what is shown (pages/wall-assign.ts WallViewsController). */
export interface TourViews {
  readonly views: readonly WallView[];
  readonly viewId: number | null;
  readonly tiles: readonly (string | null)[] | null;
  readonly display: string | null;
  apply(v: WallView): void;
}


/** Alarms no one has acknowledged yet (a pop-up dismissed here still counts: it is not handled). */
export const unacknowledgedAlarms = (): number => alarms.value.list.filter((a) => a.status === 'open').length;

export class TourController implements ReactiveController {
  private prefs: TourPrefs = loadTour();
  private timer: ReturnType<typeof setInterval> | undefined;
  private nextAt = 0;
  private lastPage = 0;
  private lastView: number | null = null;
  private unsubscribe?: () => void;

  constructor(
    private readonly host: TourHost,
    private readonly wv: TourViews,
  ) {
    host.addController(this);
  }

  /** The settings in force: `?cycle=` turns the tour on at its interval. */
  get settings(): TourPrefs {
    return this.host.cycle > 0 ? { ...this.prefs, on: true, intervalS: this.host.cycle } : this.prefs;
  }

  /** From the toolbar: remembered, and `?cycle=` leaves the URL. */
  set(next: TourPrefs): void {
    this.prefs = next;
    saveTour(next);
    this.restart();
    if (this.host.cycle > 0) this.host.go({ page: this.host.currentPage, cycle: 0 });
    this.host.requestUpdate();
  }

  get state(): TourState {
    const s = this.settings;
    if (!s.on) return { kind: 'off' };
    const n = unacknowledgedAlarms();
    if (s.pauseOnAlarm && n > 0) return { kind: 'held', reason: 'alarm', alarms: n };
    if (this.host.focusId) return { kind: 'held', reason: 'alone', alarms: n };
    const base = { page: this.host.currentPage, pages: this.host.pages, secondsLeft: Math.max(0, Math.ceil((this.nextAt - Date.now()) / 1000)) };
    if (s.what === 'pages') return this.host.pages < 2 ? { kind: 'held', reason: 'one-page', alarms: n } : { kind: 'running', ...base };
    if (this.wv.tiles && this.wv.viewId === null) return { kind: 'held', reason: 'custom', alarms: n };
    if (s.what === 'display' && this.wv.display === null) return { kind: 'held', reason: 'no-display', alarms: n };
    const list = tourViews(this.wv.views, s.what, this.wv.display);
    const next = nextTourStep(list, { viewId: this.wv.viewId, page: base.page, pages: base.pages });
    const to = next && list.find((v) => v.id === next.viewId);
    if (!next || !to) return { kind: 'held', reason: 'few-views', alarms: n };
    const i = list.findIndex((v) => v.id === this.wv.viewId);
    const view = i < 0 ? undefined : { id: list[i]!.id, name: list[i]!.name, index: i + 1, count: list.length };
    return { kind: 'running', ...base, view, next: { viewId: to.id, name: to.name, page: next.page } };
  }

  hostConnected(): void {
    this.restart();
    this.timer = setInterval(() => this.tick(), 250);
    this.unsubscribe = alarms.subscribe(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  hostUpdated(): void {
    // a page changed by hand (or by us): the next one a full interval from now
    if (this.host.currentPage !== this.lastPage || this.wv.viewId !== this.lastView) {
      this.lastPage = this.host.currentPage;
      this.lastView = this.wv.viewId;
      this.restart();
    }
  }

  private restart(): void {
    this.nextAt = Date.now() + this.settings.intervalS * 1000;
  }

  private tick(): void {
    const st = this.state;
    if (st.kind === 'held') this.restart();
    else if (st.kind === 'running' && Date.now() >= this.nextAt) {
      this.restart();
      this.step(st);
    }
    const key = JSON.stringify(this.state);
    if (key !== this.shownKey) {
      this.shownKey = key;
      this.host.requestUpdate();
    }
  }

  private shownKey = '';

  /** The next page, or the next view (its first page). */
  private step(st: Extract<TourState, { kind: 'running' }>): void {
    const next = st.next;
    if (!next) return this.host.go({ page: (this.host.currentPage % this.host.pages) + 1 });
    if (next.viewId === this.wv.viewId) return this.host.go({ page: next.page });
    const v = this.wv.views.find((x) => x.id === next.viewId);
    if (v) this.wv.apply(v);
  }
}
