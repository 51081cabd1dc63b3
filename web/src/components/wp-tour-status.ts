import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { t } from '../i18n';
import { wallStatusStyles } from './wall-status-styles';

/** What the indicator shows. */
export type TourState =
  | { kind: 'off' }
  | { kind: 'running'; page: number; pages: number; secondsLeft: number }
  | { kind: 'held'; reason: 'alarm' | 'alone' | 'one-page'; alarms: number };

/** The wall's tour indicator (always visible while touring, also in wall mode): page n of m and seconds to the next, or why it holds. */
@customElement('wp-tour-status')
export class WpTourStatus extends LitElement {
  @property({ attribute: false }) state: TourState = { kind: 'off' };

  private readonly l10n = new LocalizeController(this);

  static override styles = wallStatusStyles;

  override render() {
    const s = this.state;
    if (s.kind === 'off') return nothing;
    if (s.kind === 'running') {
      return html`<div class="pill" data-testid="tour-status" data-state="running" data-page=${s.page} data-seconds=${s.secondsLeft}>
        ${t('wall.tour.running', { page: s.page, pages: s.pages, s: s.secondsLeft })}
      </div>`;
    }
    const text = s.reason === 'alarm' ? t('wall.tour.heldAlarm', { n: s.alarms }) : s.reason === 'alone' ? t('wall.tour.heldAlone') : t('wall.tour.onePage');
    return html`<div class=${s.reason === 'one-page' ? 'pill' : 'pill warn'} data-testid="tour-status" data-state="held" data-reason=${s.reason}>${text}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-tour-status': WpTourStatus;
  }
}
