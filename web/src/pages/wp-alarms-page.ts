import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import {
  ALARM_OUTCOMES,
  acknowledgeAlarm,
  acknowledgeAlarms,
  alarms,
  dispatchAlarm,
  fetchAnalyticsStatus,
  refreshAlarms,
  resolveAlarm,
  type Alarm,
  type AlarmOutcome,
  type AnalyticsStatus,
} from '../data/alarms';
import { reviewPath } from '../data/recordings';
import { guards, refreshGuards } from '../data/dispatches';
import '../components/wp-dispatch-steps';
import { formatDateTime, getLang, t } from '../i18n';
import { analyticsReasonText } from '../i18n/server-text';
import { errorMessage } from '../i18n/errors';
import { ApiError } from '../data/api';
import { sharedStyles } from '../styles/shared';
import { alarmsStyles } from './alarms-styles';

/** "3 min 05 s" / "1 h 02 min" (response times, ages). */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const zh = getLang() === 'zh-CN';
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  if (h) return zh ? `${h} 小时 ${m} 分` : `${h} h ${String(m).padStart(2, '0')} min`;
  if (m) return zh ? `${m} 分 ${sec} 秒` : `${m} min ${String(sec).padStart(2, '0')} s`;
  return zh ? `${sec} 秒` : `${sec} s`;
}

/**
 * The alarm queue: not resolved first, high priority first, newest first; acknowledge → dispatch → resolve
 * (with the outcome: genuine / false alarm / test) with notes; response times; select open alarms and
 * acknowledge them in one go.
 */
@customElement('wp-alarms-page')
export class WpAlarmsPage extends LitElement {
  private readonly store = new StoreController(this, alarms);
  private readonly guards = new StoreController(this, guards);
  private readonly l10n = new LocalizeController(this);
  @state() private showAll = false;
  @state() private status: AnalyticsStatus | undefined;
  @state() private busy = new Set<number>();
  @state() private errors = new Map<number, string>();
  /** open alarms ticked for "acknowledge selected" */
  @state() private selected = new Set<number>();
  @state() private bulkBusy = false;
  @state() private bulkMsg = '';
  @state() private bulkErrors: string[] = [];
  private tick: ReturnType<typeof setInterval> | undefined;

  static override styles = [sharedStyles, alarmsStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void refreshAlarms();
    void refreshGuards(); // the pick-list of guard accounts for "dispatch" (issue L point 2)
    fetchAnalyticsStatus()
      .then((s) => (this.status = s))
      .catch(() => undefined);
    this.tick = setInterval(() => this.requestUpdate(), 5000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.tick);
  }

  private field(a: Alarm, name: string): string {
    return this.renderRoot.querySelector<HTMLInputElement>(`[data-alarm-id="${a.id}"] [name="${name}"]`)?.value ?? '';
  }

  private async run(a: Alarm, fn: () => Promise<unknown>) {
    this.busy = new Set([...this.busy, a.id]);
    const errors = new Map(this.errors);
    errors.delete(a.id);
    try {
      await fn();
    } catch (e) {
      errors.set(a.id, e instanceof ApiError ? errorMessage(e) : (e as Error).message);
    }
    this.errors = errors;
    this.busy = new Set([...this.busy].filter((x) => x !== a.id));
  }

  private renderSteps(a: Alarm) {
    const after = (ms: number | null) => (ms === null ? '' : formatDuration(ms));
    return html`<div class="steps" data-testid="alarm-steps">
      ${a.ack ? html`<div data-testid="step-ack">${t('alarms.ackBy', { user: a.ack.by, time: formatDateTime(a.ack.at), after: after(a.ackAfterMs) })}${a.ack.note ? ` — ${a.ack.note}` : ''}</div>` : nothing}
      ${a.dispatch ? html`<div data-testid="step-dispatch">${t('alarms.dispatchBy', { user: a.dispatch.by, to: a.dispatch.to ?? '', time: formatDateTime(a.dispatch.at) })}${a.dispatch.note ? ` — ${a.dispatch.note}` : ''}</div>` : nothing}
      ${a.guardDispatch ? html`<wp-dispatch-steps .dispatch=${a.guardDispatch}></wp-dispatch-steps>` : nothing}
      ${a.resolve
        ? html`<div data-testid="step-resolve">
            ${t('alarms.resolveBy', { user: a.resolve.by, time: formatDateTime(a.resolve.at), after: after(a.resolveAfterMs) })} ·
            <strong data-testid="alarm-outcome" data-outcome=${a.outcome ?? ''}>${a.outcome ? t(`alarms.outcome.${a.outcome}`) : t('alarms.outcome.none')}</strong>${a.resolve.note ? ` — ${a.resolve.note}` : ''}
          </div>`
        : nothing}
    </div>`;
  }

  private renderActions(a: Alarm) {
    const busy = this.busy.has(a.id);
    const note = html`<input name="note" placeholder=${t('alarms.note')} data-testid="alarm-note" />`;
    if (a.status === 'open') {
      return html`<div class="row">${note}<button class="primary" data-testid="alarm-ack" ?disabled=${busy} @click=${() => this.run(a, () => acknowledgeAlarm(a.id, this.field(a, 'note')))}>${t('alarms.ack')}</button></div>`;
    }
    if (a.status === 'resolved') return nothing;
    return html`<div class="row">
      ${note}
      ${a.status === 'acknowledged'
        ? html`<input name="to" placeholder=${t('alarms.to')} title=${t('dispatch.guardHint')} list="guard-accounts" autocomplete="off" data-testid="alarm-to" />
            <button data-testid="alarm-dispatch" ?disabled=${busy} @click=${() => this.run(a, () => dispatchAlarm(a.id, this.field(a, 'to'), this.field(a, 'note')))}>${t('alarms.dispatch')}</button>`
        : nothing}
      <select name="outcome" data-testid="alarm-outcome-select" aria-label=${t('alarms.outcome')}>
        <option value="">${t('alarms.outcome.choose')}</option>
        ${ALARM_OUTCOMES.map((o) => html`<option value=${o}>${t(`alarms.outcome.${o}`)}</option>`)}
      </select>
      <button class="primary" data-testid="alarm-resolve" ?disabled=${busy} @click=${() => this.resolve(a)}>${t('alarms.resolve')}</button>
    </div>`;
  }

  private resolve(a: Alarm) {
    const outcome = this.renderRoot.querySelector<HTMLSelectElement>(`[data-alarm-id="${a.id}"] [name="outcome"]`)?.value ?? '';
    return this.run(a, async () => {
      if (!(ALARM_OUTCOMES as readonly string[]).includes(outcome)) throw new Error(t('alarms.outcomeRequired'));
      await resolveAlarm(a.id, outcome as AlarmOutcome, this.field(a, 'note'));
    });
  }

  private toggle(a: Alarm, on: boolean) {
    const next = new Set(this.selected);
    if (on) next.add(a.id);
    else next.delete(a.id);
    this.selected = next;
  }

  private async ackSelected(openIds: number[]) {
    const ids = openIds.filter((id) => this.selected.has(id));
    if (!ids.length) return;
    this.bulkBusy = true;
    this.bulkMsg = '';
    this.bulkErrors = [];
    try {
      const note = this.renderRoot.querySelector<HTMLInputElement>('[data-testid="bulk-note"]')?.value ?? '';
      const results = await acknowledgeAlarms(ids, note);
      const ok = results.filter((r) => r.ok).length;
      this.bulkMsg = t('alarms.bulkDone', { n: ok });
      this.bulkErrors = results.flatMap((r) => (r.ok ? [] : [t('alarms.bulkFailed', { id: r.id, reason: errorMessage(new ApiError(r.status, r.code, r.error)) })]));
      this.selected = new Set();
    } catch (e) {
      this.bulkErrors = [e instanceof ApiError ? errorMessage(e) : (e as Error).message];
    }
    this.bulkBusy = false;
  }

  private renderAlarm(a: Alarm) {
    const now = Date.now();
    const prio = a.priority ?? 2;
    return html`<li data-testid="alarm-item" data-alarm-id=${a.id} data-status=${a.status} data-priority=${prio}>
      ${a.snapshotUrl ? html`<a href=${a.snapshotUrl} target="_blank"><img src=${a.snapshotUrl} alt=${t('alarms.snapshot')} loading="lazy" /></a>` : html`<div></div>`}
      <div>
        <div class="head">
          ${a.status === 'open'
            ? html`<label class="pick" title=${t('alarms.select')}
                ><input type="checkbox" data-testid="alarm-select" aria-label=${t('alarms.select')} .checked=${this.selected.has(a.id)}
                  @change=${(e: Event) => this.toggle(a, (e.target as HTMLInputElement).checked)}
              /></label>`
            : nothing}
          <span class="prio" data-testid="alarm-priority">${t(`alarms.priority.${prio}`)}</span>
          <span class="kind">${t(`alarms.kind.${a.kind}`)}</span>
          <strong>${a.cameraName ?? a.cameraId}</strong>
          <span>${t('alarms.zone', { zone: a.zone })}</span>
          <span class="state" data-testid="alarm-state">${t(`alarms.status.${a.status}`)}</span>
          ${(a.occurrences ?? 1) > 1 ? html`<span class="muted" data-testid="alarm-occurrences">${t('alarms.occurrences', { n: a.occurrences! })}</span>` : nothing}
          <span class="muted">${formatDateTime(a.startMs)} · ${t('alarms.age', { age: formatDuration(now - a.startMs) })}${a.endMs === null ? ` · ${t('alarms.ongoing')}` : ''}</span>
          <a data-testid="alarm-footage" href=${reviewPath(a.cameraId, a.recordingMs)}>${t('alarms.recording')}</a>
        </div>
        ${this.renderSteps(a)} ${this.renderActions(a)}
        ${this.errors.has(a.id) ? html`<div class="err" data-testid="alarm-error">${this.errors.get(a.id)}</div>` : nothing}
      </div>
    </li>`;
  }

  override render() {
    const list = this.store.value.list.filter((a) => this.showAll || a.status !== 'resolved');
    const st = this.status;
    const openIds = list.filter((a) => a.status === 'open').map((a) => a.id);
    const picked = openIds.filter((id) => this.selected.has(id)).length;
    return html`
      <header>
        <h1>${t('alarms.title')}</h1>
        <label><input type="checkbox" data-testid="alarms-show-all" .checked=${this.showAll} @change=${(e: Event) => (this.showAll = (e.target as HTMLInputElement).checked)} /> ${t('alarms.showAll')}</label>
        ${st
          ? html`<span class="banner ${st.enabled ? '' : 'off'}" data-testid="analytics-status">
              ${st.enabled ? t('alarms.analyticsOn', { n: st.cameras.length, fps: st.fps }) : t('alarms.analyticsOff', { reason: analyticsReasonText(st.reason ?? '') })}
            </span>`
          : nothing}
      </header>
      ${openIds.length
        ? html`<div class="bulk" data-testid="alarms-bulk">
            <label class="pick"
              ><input type="checkbox" data-testid="alarm-select-all" .checked=${picked === openIds.length}
                @change=${(e: Event) => (this.selected = (e.target as HTMLInputElement).checked ? new Set(openIds) : new Set())}
              />
              ${t('alarms.selectAll')}</label
            >
            <input data-testid="bulk-note" placeholder=${t('alarms.note')} />
            <button class="primary" data-testid="alarm-ack-selected" ?disabled=${!picked || this.bulkBusy} @click=${() => this.ackSelected(openIds)}>
              ${t('alarms.ackSelected', { n: picked })}
            </button>
            ${this.bulkMsg ? html`<span data-testid="bulk-result">${this.bulkMsg}</span>` : nothing}
            ${this.bulkErrors.map((m) => html`<span class="err" data-testid="bulk-error">${m}</span>`)}
          </div>`
        : this.bulkMsg
          ? html`<div class="bulk"><span data-testid="bulk-result">${this.bulkMsg}</span>${this.bulkErrors.map((m) => html`<span class="err" data-testid="bulk-error">${m}</span>`)}</div>`
          : nothing}
      <datalist id="guard-accounts">${this.guards.value.map((g) => html`<option value=${g.username}>${g.displayName ?? g.username}</option>`)}</datalist>
      ${list.length
        ? html`<ul data-testid="alarm-list">${repeat(list, (a) => a.id, (a) => this.renderAlarm(a))}</ul>`
        : html`<p class="muted" data-testid="alarms-empty">${t('alarms.none')}</p>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-alarms-page': WpAlarmsPage;
  }
}
