/**
 * The wall's camera tour (轮巡): shows the pages in turn every `intervalS` seconds. Started and set from the
 * toolbar (remembered in this browser, data/prefs.ts) or by `?cycle=<s>` in the URL (a wall PC's start page:
 * it wins over the remembered setting until the tour is changed from the toolbar). It holds while a camera is
 * shown alone and, with "pause on alarm" (default), while an alarm is not acknowledged; after a hold or a page
 * change by hand the next page comes a full interval later.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { alarms } from '../data/alarms';
import { loadTour, saveTour, type TourPrefs } from '../data/prefs';
import type { TourState } from '../components/wp-tour-status';

export interface TourHost extends ReactiveControllerHost {
  readonly pages: number;
  readonly currentPage: number;
  readonly focusId: string | null;
  /** `?cycle=` seconds (0 = none) */
  readonly cycle: number;
  go(opts: { page: number; cycle?: number }): void;
}


/** Alarms no one has acknowledged yet (a pop-up dismissed here still counts: it is not handled). */
export const unacknowledgedAlarms = (): number => alarms.value.list.filter((a) => a.status === 'open').length;

export class TourController implements ReactiveController {
  private prefs: TourPrefs = loadTour();
  private timer: ReturnType<typeof setInterval> | undefined;
  private nextAt = 0;
  private lastPage = 0;
  private unsubscribe?: () => void;

  constructor(private readonly host: TourHost) {
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
    if (this.host.pages < 2) return { kind: 'held', reason: 'one-page', alarms: n };
    const secondsLeft = Math.max(0, Math.ceil((this.nextAt - Date.now()) / 1000));
    return { kind: 'running', page: this.host.currentPage, pages: this.host.pages, secondsLeft };
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
    if (this.host.currentPage !== this.lastPage) {
      this.lastPage = this.host.currentPage;
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
      this.host.go({ page: (this.host.currentPage % this.host.pages) + 1 });
    }
    const key = JSON.stringify(this.state);
    if (key !== this.shownKey) {
      this.shownKey = key;
      this.host.requestUpdate();
    }
  }

  private shownKey = '';
}
