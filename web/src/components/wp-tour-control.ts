import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { TOUR_INTERVALS, type TourPrefs } from '../data/prefs';
import { TOUR_WHATS, type TourWhat } from '../data/tour-order';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';

/**
 * The toolbar's tour (轮巡) control: start / stop, what is toured (the pages of this view, all saved views, the views
 * of this browser's display), seconds per page, pause on alarm. Fires `tour-change` ({tour}).
 */
@customElement('wp-tour-control')
export class WpTourControl extends LitElement {
  @property({ attribute: false }) tour: TourPrefs = { on: false, intervalS: 20, pauseOnAlarm: true, what: 'pages' };
  /** the display this browser is (null: none; "the views of this display" cannot be chosen) */
  @property({ attribute: false }) display: string | null = null;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 0.5em;
      }
      label {
        display: inline-flex;
        align-items: center;
        gap: 0.3em;
        white-space: nowrap;
      }
      /* the wall toolbar overlays the tiles in wall mode: keep it to as few rows as possible */
      select[data-testid='tour-what'] {
        max-width: 12em;
        text-overflow: ellipsis;
      }
      button[aria-pressed='true'] {
        background: var(--wp-accent);
        color: #fff;
      }
    `,
  ];

  private change(patch: Partial<TourPrefs>): void {
    this.dispatchEvent(new CustomEvent('tour-change', { detail: { tour: { ...this.tour, ...patch } } }));
  }

  private whatLabel(w: TourWhat): string {
    if (w === 'pages') return t('wall.tour.whatPages');
    if (w === 'views') return t('wall.tour.whatViews');
    return this.display ? t('wall.tour.whatDisplay', { display: this.display }) : t('wall.tour.whatDisplayNone');
  }

  override render() {
    const { on, intervalS, pauseOnAlarm, what } = this.tour;
    const choices: number[] = TOUR_INTERVALS.includes(intervalS as (typeof TOUR_INTERVALS)[number]) ? [...TOUR_INTERVALS] : [...TOUR_INTERVALS, intervalS].sort((a, b) => a - b);
    return html`
      <button type="button" data-testid="tour-toggle" aria-pressed=${on ? 'true' : 'false'} @click=${() => this.change({ on: !on })}>
        ${on ? `■ ${t('wall.tour.stop')}` : `▶ ${t('wall.tour.start')}`}
      </button>
      <label>
        ${t('wall.tour.what')}
        <select data-testid="tour-what" @change=${(e: Event) => this.change({ what: (e.target as HTMLSelectElement).value as TourWhat })}>
          ${TOUR_WHATS.map(
            (w) => html`<option value=${w} ?disabled=${w === 'display' && !this.display && what !== 'display'} .selected=${w === what}>${this.whatLabel(w)}</option>`,
          )}
        </select>
      </label>
      <label>
        ${t('wall.tour.interval')}
        <select data-testid="tour-interval" .value=${String(intervalS)} @change=${(e: Event) => this.change({ intervalS: Number((e.target as HTMLSelectElement).value) })}>
          ${choices.map((s) => html`<option value=${s} ?selected=${s === intervalS}>${t('wall.tour.seconds', { n: s })}</option>`)}
        </select>
      </label>
      <label>
        <input type="checkbox" data-testid="tour-pause-alarm" .checked=${pauseOnAlarm} @change=${(e: Event) => this.change({ pauseOnAlarm: (e.target as HTMLInputElement).checked })} />
        ${t('wall.tour.pauseOnAlarm')}
      </label>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-tour-control': WpTourControl;
  }
}
