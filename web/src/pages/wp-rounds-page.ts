import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { fetchCurrentRound, fetchDue, serverNow, startRound, type DueItem, type Round } from '../data/patrol';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import './wp-round-stepper';

const mmss = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** Due rounds with a countdown; "Start round" opens the stepper. A round in progress comes back after a reload. */
@customElement('wp-rounds-page')
export class WpRoundsPage extends LitElement {
  @state() private items: DueItem[] = [];
  @state() private round: Round | null = null;
  @state() private finished: Round | null = null;
  @state() private error = '';
  @state() private now = serverNow();
  private timer: ReturnType<typeof setInterval> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; padding: 1em 1.5em; overflow: auto; }
      h1 { font-size: 1.3em; margin: 0 0 0.8em; }
      ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6em; }
      li { display: flex; align-items: center; gap: 1em; padding: 0.8em 1em; background: var(--wp-surface); border: 1px solid var(--wp-border); border-radius: 8px; }
      li[data-state='overdue'] { border-color: var(--wp-offline); }
      .name { font-weight: 700; flex: 1; }
      .badge { font-size: 0.85em; padding: 0.15em 0.6em; border-radius: 99px; background: var(--wp-surface-2); }
      .badge.overdue { background: var(--wp-offline); color: #fff; }
      .count { font-family: var(--wp-mono); min-width: 12em; }
      .done { padding: 1em; background: var(--wp-surface); border: 1px solid var(--wp-online); border-radius: 8px; margin-bottom: 1em; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.timer = setInterval(() => (this.now = serverNow()), 1000);
    this.poll = setInterval(() => void this.load(), 15_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
    clearInterval(this.poll);
  }

  private async load(): Promise<void> {
    try {
      const [items, round] = await Promise.all([fetchDue(), fetchCurrentRound()]);
      this.items = items;
      this.round = round;
      this.error = '';
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  private async start(routeId: number): Promise<void> {
    try {
      this.round = await startRound(routeId);
      this.finished = null;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  private onRoundChanged(e: CustomEvent<{ round: Round }>): void {
    const r = e.detail.round;
    if (r.status === 'in_progress') this.round = r;
    else {
      this.round = null;
      this.finished = r;
      void this.load();
    }
  }

  private countdown(i: DueItem) {
    if (i.state === 'due' && i.dueBy) return t('rounds.dueIn', { time: mmss(i.dueBy - this.now) });
    if (i.state === 'overdue' && i.dueBy) return t('rounds.overdueBy', { time: mmss(this.now - i.dueBy) });
    return i.nextSlotMs ? t('rounds.next', { time: formatDateTime(i.nextSlotMs, false) }) : '';
  }

  override render() {
    if (this.round) {
      return html`<wp-round-stepper .round=${this.round} @round-changed=${this.onRoundChanged}></wp-round-stepper>`;
    }
    return html`
      <h1>${t('rounds.title')}</h1>
      ${this.finished
        ? html`<div class="done" data-testid="round-done">${t('step.done')}: ${this.finished.routeName} —
            ${this.finished.stops.map((s) => t(`outcome.${s.outcome ?? 'pending'}`)).join(' · ')}</div>`
        : nothing}
      ${this.error ? html`<p class="error" data-testid="rounds-error">${this.error}</p>` : nothing}
      ${this.items.length === 0 ? html`<p class="muted">${t('rounds.none')}</p>` : nothing}
      <ul>
        ${this.items.map(
          (i) => html`<li data-testid="due-item" data-route-id=${i.routeId} data-state=${i.state}>
            <span class="name">${i.routeName}<span class="muted"> · ${i.post} · ${t('rounds.stops', { n: i.stops })}</span></span>
            <span class="badge ${i.state}">${t(`state.${i.state}`)}</span>
            <span class="count" data-testid="due-countdown">${this.countdown(i)}</span>
            ${i.state === 'due' || i.state === 'overdue'
              ? html`<button class="primary" data-testid="start-round" @click=${() => this.start(i.routeId)}>${t('rounds.start')}</button>`
              : nothing}
          </li>`,
        )}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-rounds-page': WpRoundsPage;
  }
}
