import { LitElement, css, html, nothing } from 'lit';
import { cardStyles } from '../styles/card';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { DispatchTimes } from '../data/dispatches';
import { formatDateTime, getLang, t } from '../i18n';
import { dataTable } from '../styles/table';

const dur = (ms: number | null) => {
  if (ms === null) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  const [m, sec] = [Math.floor(s / 60), s % 60];
  return getLang() === 'zh-CN' ? (m ? `${m} 分 ${sec} 秒` : `${sec} 秒`) : m ? `${m} min ${String(sec).padStart(2, '0')} s` : `${sec} s`;
};

/**
 * Guard response times for compliance (issue L point 2): per day, dispatch → arrived and dispatch → handled (median /
 * maximum) and how many were not accepted in time; below, each dispatch. Properties down only.
 */
@customElement('wp-dispatch-times')
export class WpDispatchTimes extends LitElement {
  @property({ attribute: false }) times: DispatchTimes | null = null;
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    cardStyles,
    css`
      :host {
        padding: 0.8em 1em;
        margin-top: 1em;
      }
      h2 {
        font-size: 1.05em;
        margin: 0 0 0.4em;
      }
      h3 {
        font-size: 0.95em;
        margin: 0.8em 0 0.3em;
      }
      ${dataTable('0.3em 0.5em', 'middle')}
      .late {
        color: #ffb4b4;
      }
      .muted {
        color: var(--wp-text-muted);
      }
    `,
  ];

  override render() {
    const x = this.times;
    if (!x) return nothing;
    return html`<section data-testid="dispatch-times">
      <h2>${t('times.title')}</h2>
      ${x.days.length
        ? html`<table>
              <tr><th>${t('times.day')}</th><th>${t('times.count')}</th><th>${t('times.arrived')}</th><th>${t('times.handled')}</th><th>${t('times.overdue')}</th></tr>
              ${x.days.map(
                (d) => html`<tr data-testid="dispatch-times-day" data-date=${d.date}>
                  <td>${d.date}</td><td>${d.dispatches}</td>
                  <td data-testid="times-arrived">${dur(d.arrivedP50Ms)} / ${dur(d.arrivedMaxMs)}</td>
                  <td data-testid="times-handled">${dur(d.handledP50Ms)} / ${dur(d.handledMaxMs)}</td>
                  <td class=${d.overdue ? 'late' : ''}>${d.overdue}</td>
                </tr>`,
              )}
            </table>
            <h3>${t('times.list')}</h3>
            <table>
              <tr><th></th><th>${t('times.alarm')}</th><th>${t('times.guard')}</th><th>${t('dispatch.arrived')}</th><th>${t('dispatch.handled')}</th><th></th></tr>
              ${[...x.dispatches].reverse().map(
                (d) => html`<tr data-testid="dispatch-times-row" data-dispatch-id=${d.id}>
                  <td>${formatDateTime(d.sentAt)}</td>
                  <td>#${d.alarmId} ${d.cameraName ?? d.cameraId} · ${d.zone}</td>
                  <td>${d.guardName || d.guard}</td>
                  <td>${dur(d.arrivedAfterMs)}</td>
                  <td>${dur(d.handledAfterMs)}</td>
                  <td class="late">${d.overdueAt !== null ? t('dispatch.overdue') : ''}</td>
                </tr>`,
              )}
            </table>`
        : html`<p class="muted">${t('times.none')}</p>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-dispatch-times': WpDispatchTimes;
  }
}
