import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { t, type MessageKey } from '../i18n';
import { wallStatusStyles } from './wall-status-styles';

/** What the indicator shows. */
export type TourState =
  | { kind: 'off' }
  | {
      kind: 'running';
      page: number;
      pages: number;
      secondsLeft: number;
      /** touring saved views: the one shown (undefined: the wall shows none of them yet), n of m */
      view?: { id: number; name: string; index: number; count: number };
      /** touring saved views: what comes next */
      next?: { viewId: number; name: string; page: number };
    }
  | { kind: 'held'; reason: HeldReason; alarms: number };

/** alarm / alone / custom (arranged by hand): paused; one-page / few-views / no-display: nothing to tour. */
export type HeldReason = 'alarm' | 'alone' | 'one-page' | 'custom' | 'few-views' | 'no-display';

const HELD_TEXT: Record<HeldReason, MessageKey> = {
  alarm: 'wall.tour.heldAlarm',
  alone: 'wall.tour.heldAlone',
  custom: 'wall.tour.heldCustom',
  'one-page': 'wall.tour.onePage',
  'few-views': 'wall.tour.fewViews',
  'no-display': 'wall.tour.noDisplay',
};
const QUIET: readonly HeldReason[] = ['one-page', 'few-views', 'no-display'];

/**
 * The wall's tour indicator (always visible while touring, also in wall mode): page n of m and seconds to the next
 * (touring views: which view, n of m, and what comes next), or why it holds.
 */
@customElement('wp-tour-status')
export class WpTourStatus extends LitElement {
  @property({ attribute: false }) state: TourState = { kind: 'off' };

  private readonly l10n = new LocalizeController(this);

  static override styles = wallStatusStyles;

  override render() {
    const s = this.state;
    if (s.kind === 'off') return nothing;
    if (s.kind === 'running') {
      const next = s.next;
      const nextText = !next ? '' : next.viewId === s.view?.id ? t('wall.tour.nextPage', { page: next.page }) : t('wall.tour.nextView', { view: next.name });
      const text = !next
        ? t('wall.tour.running', { page: s.page, pages: s.pages, s: s.secondsLeft })
        : s.view
          ? t('wall.tour.runningView', { view: s.view.name, i: s.view.index, n: s.view.count, page: s.page, pages: s.pages, next: nextText, s: s.secondsLeft })
          : t('wall.tour.runningStart', { next: nextText, s: s.secondsLeft });
      return html`<div
        class="pill"
        data-testid="tour-status"
        data-state="running"
        data-page=${s.page}
        data-seconds=${s.secondsLeft}
        data-view-id=${s.view?.id ?? ''}
        data-next-view-id=${next?.viewId ?? ''}
      >
        ${text}
      </div>`;
    }
    return html`<div class=${QUIET.includes(s.reason) ? 'pill' : 'pill warn'} data-testid="tour-status" data-state="held" data-reason=${s.reason}>
      ${t(HELD_TEXT[s.reason], { n: s.alarms })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-tour-status': WpTourStatus;
  }
}
