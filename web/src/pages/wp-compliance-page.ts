import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import {
  fetchCompliance, fetchRound, reportUrl, serverNow, snapshotUrl, spotCheck, type Compliance, type Round, type Tally,
} from '../data/patrol';
import { reviewPath } from '../data/recordings';
import { siteDay } from '../data/site-time';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { formErrors } from '../i18n/patrol-fields';
import { shiftText } from '../i18n/server-text';
import { sharedStyles } from '../styles/shared';
import { innerCardStyles } from '../styles/card';
import '../components/wp-footage-player';
import '../components/wp-dispatch-times';
import { fetchDispatchTimes, type DispatchTimes } from '../data/dispatches';
import { fieldBox } from '../styles/form';
import { dataTable } from '../styles/table';

const RANGES = [24, 168] as const;
/** the site's day, not the browser's */
const today = (ms = serverNow()) => siteDay(ms);

/**
 * Supervisor dashboard: compliance per route/operator/shift/day, round detail, spot-check replay + verdict, reports.
 * The replay plays in a row directly under the stop it replays.
 */
@customElement('wp-compliance-page')
export class WpCompliancePage extends LitElement {
  @state() private hours: number = 24;
  @state() private data: Compliance | null = null;
  @state() private round: Round | null = null;
  @state() private replay: { idx: number; cameraId: string; from: number; to: number } | null = null;
  @state() private error = '';
  /** a spot-check's error about its note, shown under that stop's note */
  @state() private spotError: { idx: number; text: string } | null = null;
  /** guard response times (issue L point 2): today, or the last 7 days */
  @state() private times: DispatchTimes | null = null;
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    innerCardStyles,
    css`
      :host { display: block; padding: 1em 1.5em; overflow: auto; }
      h1 { font-size: 1.3em; margin: 0 0 0.6em; display: flex; gap: 1em; align-items: center; }
      h2 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
      .big { font-size: 2.2em; font-weight: 800; }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(18em, 1fr)); gap: 1em; }
      ${dataTable('0.3em 0.5em', 'middle')}
      .g-missed, .g-incomplete { color: #ffb4b4; }
      .g-late { color: var(--wp-starting); }
      .g-on_time { color: var(--wp-online); }
      img { max-width: 16em; display: block; margin-top: 0.4em; }
      tr.replay-row > td { padding: 0.4em 0.5em 1em; background: var(--wp-surface-2); }
      tr.replay-row wp-footage-player { display: block; max-width: 48em; }
      tr.replaying > td { border-bottom: none; background: var(--wp-surface-2); }
      ${fieldBox('textarea', '0.4em')}
      textarea { width: 100%; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const now = serverNow();
      this.data = await fetchCompliance(now - this.hours * 3600_000, now + 1000);
      this.error = '';
      this.times = await fetchDispatchTimes(today(now - (this.hours - 24) * 3600_000), today(now)).catch(() => null);
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  private async open(id: number): Promise<void> {
    try {
      this.round = await fetchRound(id);
      this.replay = null;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  private async verdict(idx: number, verdict: 'agree' | 'disagree'): Promise<void> {
    const note = (this.renderRoot.querySelector(`[name="spot-note-${idx}"]`) as HTMLTextAreaElement | null)?.value ?? '';
    this.spotError = null;
    try {
      await spotCheck(this.round!.id, idx, verdict, note);
      this.round = await fetchRound(this.round!.id);
    } catch (e) {
      const { fields, form } = formErrors(e, (key) => key === 'note');
      if (fields.note) this.spotError = { idx, text: fields.note };
      if (form) this.error = form;
    }
  }

  private table(title: string, rows: [string, Tally][], testid: string) {
    return html`<section data-testid=${testid}><h2>${title}</h2><table>
      <tr><th></th><th>${t('comp.due')}</th><th>${t('grade.on_time')}</th><th>${t('grade.late')}</th><th>${t('grade.missed')}</th><th>${t('comp.rate')}</th></tr>
      ${rows.map(([k, x]) => html`<tr><td>${k}</td><td>${x.due}</td><td>${x.on_time}</td><td>${x.late}</td><td>${x.missed + x.incomplete}</td>
        <td>${x.compliance === null ? '—' : `${x.compliance} %`}</td></tr>`)}</table></section>`;
  }

  private detail(r: Round) {
    return html`<section data-testid="round-detail" data-round-id=${r.id}>
      <h2>${t('round.title', { id: r.id, route: r.routeName })} · ${r.username} · ${r.grade ? t(`grade.${r.grade}`) : ''}
        <button @click=${() => (this.round = null)}>${t('round.close')}</button></h2>
      <table>
        ${r.stops.map((s) => {
          const checks = (r.spotChecks ?? []).filter((c) => c.idx === s.idx);
          const replaying = this.replay?.idx === s.idx;
          const noteError = this.spotError?.idx === s.idx ? this.spotError.text : '';
          return html`<tr data-testid="detail-stop" data-idx=${s.idx} data-outcome=${s.outcome ?? ''} class=${replaying ? 'replaying' : ''}>
            <td>${s.idx + 1}. ${s.cameraName}${s.preset
              ? html`<div class="muted" data-testid="stop-preset">${s.arrivedMs
                ? t('round.presetArrived', { preset: s.preset, at: formatDateTime(s.arrivedMs, false) })
                : t('round.presetNotReached', { preset: s.preset })}</div>`
              : nothing}</td>
            <td>${t(`outcome.${s.outcome ?? 'pending'}`)}${s.note ? html`<div class="muted">${s.note}</div>` : nothing}
              ${s.hasSnapshot ? html`<img alt=${t('round.snapshot')} src=${snapshotUrl(r.id, s.idx)} />` : nothing}</td>
            <td class="muted">${s.viewStartedMs && s.viewEndedMs
              ? t('round.viewed', { from: formatDateTime(s.viewStartedMs, false), to: formatDateTime(s.viewEndedMs, false), s: Math.round((s.dwellMs ?? 0) / 1000) })
              : ''}</td>
            <td>${s.recFromMs && s.recToMs
              ? html`<button data-testid="replay-stop" @click=${() => (this.replay = { idx: s.idx, cameraId: s.cameraId, from: s.recFromMs!, to: s.recToMs! })}>${t('round.replay')}</button>
                  <a data-testid="stop-footage" href=${reviewPath(s.cameraId, s.recFromMs)}>${t('round.footage')}</a>`
              : nothing}</td>
            <td>${checks.map((c) => html`<div data-testid="spot-verdict">${c.username}: ${t(c.verdict === 'agree' ? 'round.agree' : 'round.disagree')} ${c.note}</div>`)}
              ${s.outcome ? html`<textarea name="spot-note-${s.idx}" placeholder=${t('round.spotNote')} aria-invalid=${noteError ? 'true' : 'false'}></textarea>
                ${noteError ? html`<div class="error" role="alert" data-testid="field-error" data-field="note">${noteError}</div>` : nothing}
                <button data-testid="spot-agree" @click=${() => this.verdict(s.idx, 'agree')}>${t('round.agree')}</button>
                <button data-testid="spot-disagree" @click=${() => this.verdict(s.idx, 'disagree')}>${t('round.disagree')}</button>` : nothing}</td>
          </tr>
          ${replaying
            ? html`<tr class="replay-row" data-testid="replay-row" data-idx=${s.idx}><td colspan="5">
                <wp-footage-player data-testid="footage" .cameraId=${this.replay!.cameraId} .from=${this.replay!.from} .to=${this.replay!.to}></wp-footage-player>
              </td></tr>`
            : nothing}`;
        })}
      </table>
    </section>`;
  }

  override render() {
    const d = this.data;
    const routes = d ? Object.values(d.byRoute).map((x): [string, Tally] => [x.routeName, x]) : [];
    return html`
      <h1>${t('comp.title')}
        <span>${RANGES.map((h) => html`<button aria-pressed=${String(this.hours === h)} @click=${() => { this.hours = h; void this.load(); }}>${t('comp.range')} ${t('comp.hours', { n: h })}</button>`)}</span>
        <a class="button" href=${reportUrl('daily', 'csv', today())} download data-testid="report-csv">${t('comp.dailyCsv')}</a>
        <a class="button" href=${reportUrl('daily', 'html', today())} target="_blank" data-testid="report-print">${t('comp.dailyPrint')}</a>
      </h1>
      ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
      ${this.round ? this.detail(this.round) : nothing}
      ${d
        ? html`<section><span class="muted">${t('comp.rate')}</span>
              <div class="big" data-testid="compliance-total">${d.total.compliance === null ? '—' : `${d.total.compliance} %`}</div>
              <span class="muted">${t('comp.due')} ${d.total.due} · ${t('grade.on_time')} ${d.total.on_time} · ${t('grade.late')} ${d.total.late} ·
                ${t('grade.incomplete')} ${d.total.incomplete} · ${t('grade.missed')} ${d.total.missed}</span></section>
            <div class="grid">
              ${this.table(t('comp.byRoute'), routes, 'comp-route')}
              ${this.table(t('comp.byOperator'), Object.entries(d.byOperator), 'comp-operator')}
              ${this.table(t('comp.byShift'), Object.entries(d.byShift).map(([k, v]) => [shiftText(k), v] as [string, Tally]), 'comp-shift')}
              ${this.table(t('comp.byDay'), Object.entries(d.byDay), 'comp-day')}
            </div>
            <wp-dispatch-times .times=${this.times}></wp-dispatch-times>
            <h2>${t('comp.rounds')}</h2>
            <table>
              ${[...d.slots].reverse().map((s) => html`<tr data-testid="comp-slot" data-round-id=${s.roundId ?? ''}>
                <td>${formatDateTime(s.slotMs)}</td><td>${s.routeName}</td><td class="g-${s.grade}">${t(`grade.${s.grade}`)}</td>
                <td>${s.username ?? ''}</td><td>${shiftText(s.shift)}</td>
                <td>${s.roundId ? html`<button data-testid="open-round" @click=${() => this.open(s.roundId!)}>${t('comp.open')}</button>` : nothing}</td>
              </tr>`)}
            </table>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-compliance-page': WpCompliancePage;
  }
}
