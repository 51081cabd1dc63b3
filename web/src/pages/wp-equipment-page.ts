import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { equipmentUrl, fetchEquipment, signEquipment, type EquipmentReport } from '../data/equipment';
import { serverNow } from '../data/patrol';
import { siteDay } from '../data/site-time';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { gapReasonText } from '../i18n/server-text';
import { sharedStyles } from '../styles/shared';
import { pageStyles } from '../styles/page';

/** the site's day, not the browser's */
const today = () => siteDay(serverNow());

/** The daily equipment check (监控设备巡检): per camera online time, recording completeness and gaps; sign-off. */
@customElement('wp-equipment-page')
export class WpEquipmentPage extends LitElement {
  @state() private date = today();
  @state() private report: EquipmentReport | null = null;
  @state() private error: string | null = null;
  @state() private notice: string | null = null;
  @state() private busy = false;
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      tr.bad td { color: #ffb4b4; }
      .actions { display: flex; gap: 1em; align-items: center; flex-wrap: wrap; margin: 0.8em 0; }
      ul { margin: 0.2em 0; padding-left: 1.2em; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.report = await fetchEquipment(this.date);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  private async sign(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const note = String(new FormData(form).get('note') ?? '').trim();
    this.busy = true;
    try {
      const r = await signEquipment(this.date, note);
      form.reset();
      this.notice = t('equipment.signed', { seq: r.entry.seq });
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const r = this.report;
    const flagged = r?.cameras.filter((c) => c.flagged).length ?? 0;
    return html`<h1>${t('equipment.title')}</h1>
      <div class="actions">
        <label>${t('equipment.date')}
          <input type="date" .value=${this.date} data-testid="equipment-date" @change=${(e: Event) => { this.date = (e.target as HTMLInputElement).value || today(); void this.load(); }} />
        </label>
        <a href=${equipmentUrl(this.date, 'html')} target="_blank" rel="noopener" data-testid="equipment-print">${t('equipment.print')}</a>
        <a href=${equipmentUrl(this.date, 'csv')} download data-testid="equipment-csv">${t('equipment.csv')}</a>
        <a href="/nodes" data-testid="equipment-nodes">${t('nav.nodes')}</a>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${r
        ? html`<p data-testid="equipment-summary">${t('equipment.summary', { n: r.cameras.length, f: flagged, t: Math.round(r.threshold * 100) })}</p>
            <table>
              <thead><tr><th>${t('equipment.camera')}</th><th>${t('equipment.online')}</th><th>${t('equipment.completeness')}</th><th>${t('equipment.offline')}</th>
                <th>${t('equipment.clock')}</th><th>${t('equipment.tamper')}</th><th>${t('equipment.restarts')}</th><th>${t('equipment.status')}</th><th>${t('equipment.gaps')}</th></tr></thead>
              <tbody>
                ${r.cameras.map(
                  (c) => html`<tr class=${c.flagged ? 'bad' : ''} data-testid="equipment-row" data-camera=${c.id} data-flagged=${String(c.flagged)}>
                    <td>${c.name}</td><td>${c.onlineMinutes}</td><td>${(c.completeness * 100).toFixed(1)} %</td><td>${c.offlineEpisodes}</td>
                    <td>${c.clockOffsetMs === null ? '—' : t('unit.ms', { n: c.clockOffsetMs })}</td><td>${c.tamperAlarms}</td><td>${c.restarts}</td>
                    <td>${c.flagged ? t('equipment.flagged') : t('equipment.ok')}</td>
                    <td>${c.gaps.length
                      ? html`<ul>${c.gaps.map((g) => html`<li>${formatDateTime(g.start, false)} – ${formatDateTime(g.end, false)}: ${gapReasonText(g.reason)}</li>`)}</ul>`
                      : t('equipment.noGaps')}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
            ${r.cameras.length ? nothing : html`<p class="muted">${t('equipment.empty')}</p>`}`
        : nothing}
      <form @submit=${this.sign} class="actions" data-testid="equipment-sign-form">
        <input type="text" name="note" maxlength="2000" placeholder=${t('equipment.note')} data-testid="equipment-note" />
        <button type="submit" class="primary" ?disabled=${this.busy} data-testid="equipment-sign">${t('equipment.sign')}</button>
      </form>
      ${this.notice ? html`<p class="ok" role="status" data-testid="equipment-notice">${this.notice}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-equipment-page': WpEquipmentPage;
  }
}
