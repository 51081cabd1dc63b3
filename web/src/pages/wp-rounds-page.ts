import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import {
  canEditRoutes,
  fetchCurrentRound,
  fetchDue,
  fetchRoute,
  fetchRoutes,
  serverNow,
  startRound,
  type DueItem,
  type PatrolRoute,
  type Round,
} from '../data/patrol';
import type { User } from '../data/types';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import { innerCardStyles } from '../styles/card';
import '../components/wp-route-editor';
import './wp-round-stepper';

const mmss = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * Due rounds with a countdown; "Start round" opens the stepper, which ends on the round's result. A round in
 * progress comes back after a reload.
 * Supervisors and admins create and edit routes here (wp-route-editor).
 */
@customElement('wp-rounds-page')
export class WpRoundsPage extends LitElement {
  @property({ attribute: false }) user: User | null = null;
  @state() private items: DueItem[] = [];
  /** Disabled routes (not in the due list), for supervisors to edit. */
  @state() private disabled: PatrolRoute[] = [];
  /** The editor: 'new', a route being edited, or closed. */
  @state() private editing: PatrolRoute | 'new' | null = null;
  @state() private notice = '';
  @state() private round: Round | null = null;
  @state() private finished: Round | null = null;
  @state() private error = '';
  @state() private now = serverNow();
  private timer: ReturnType<typeof setInterval> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    innerCardStyles,
    css`
      :host { display: block; padding: 1em 1.5em; overflow: auto; }
      h1 { font-size: 1.3em; margin: 0; }
      h2 { font-size: 1.1em; margin: 1.2em 0 0.6em; }
      .head { display: flex; align-items: center; justify-content: space-between; gap: 1em; margin: 0 0 0.8em; }
      ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6em; }
      li { display: flex; align-items: center; gap: 1em; }
      li[data-state='overdue'] { border-color: var(--wp-offline); }
      .name { font-weight: 700; flex: 1; }
      .badge { font-size: 0.85em; padding: 0.15em 0.6em; border-radius: 99px; background: var(--wp-surface-2); }
      .badge.overdue { background: var(--wp-offline); color: #fff; }
      .count { font-family: var(--wp-mono); min-width: 12em; }
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
      this.disabled = canEditRoutes(this.user?.role) ? (await fetchRoutes(true)).filter((r) => !r.enabled) : [];
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

  private async edit(routeId: number): Promise<void> {
    try {
      this.editing = await fetchRoute(routeId);
      this.notice = '';
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  private onRouteSaved(e: CustomEvent<{ route: PatrolRoute }>): void {
    this.editing = null;
    this.notice = t('route.saved', { name: e.detail.route.name });
    void this.load();
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
    if (this.finished) {
      // the stepper's last screen: the round's grade and counts, until "back to rounds"
      return html`<wp-round-stepper .round=${this.finished} @round-closed=${() => (this.finished = null)}></wp-round-stepper>`;
    }
    const boss = canEditRoutes(this.user?.role);
    return html`
      <div class="head">
        <h1>${t('rounds.title')}</h1>
        ${boss && !this.editing
          ? html`<button class="primary" data-testid="new-route" @click=${() => ((this.editing = 'new'), (this.notice = ''))}>${t('rounds.newRoute')}</button>`
          : nothing}
      </div>
      ${this.editing
        ? html`<wp-route-editor .route=${this.editing === 'new' ? undefined : this.editing}
            @route-saved=${this.onRouteSaved} @cancel=${() => (this.editing = null)}></wp-route-editor>`
        : nothing}
      ${this.notice ? html`<p class="muted" data-testid="route-notice">${this.notice}</p>` : nothing}
      ${this.error ? html`<p class="error" data-testid="rounds-error">${this.error}</p>` : nothing}
      ${this.items.length === 0 && this.disabled.length === 0
        ? html`<p class="muted" data-testid="rounds-none">${t(boss ? 'rounds.none' : 'rounds.noneOperator')}</p>`
        : nothing}
      <ul>
        ${this.items.map(
          (i) => html`<li class="card" data-testid="due-item" data-route-id=${i.routeId} data-state=${i.state}>
            <span class="name">${i.routeName}<span class="muted"> · ${i.post} · ${t('rounds.stops', { n: i.stops })}</span></span>
            <span class="badge ${i.state}">${t(`state.${i.state}`)}</span>
            <span class="count" data-testid="due-countdown">${this.countdown(i)}</span>
            ${i.state === 'due' || i.state === 'overdue'
              ? html`<button class="primary" data-testid="start-round" @click=${() => this.start(i.routeId)}>${t('rounds.start')}</button>`
              : nothing}
            ${boss ? html`<button data-testid="edit-route" @click=${() => this.edit(i.routeId)}>${t('rounds.edit')}</button>` : nothing}
          </li>`,
        )}
      </ul>
      ${this.disabled.length
        ? html`<h2>${t('rounds.disabled')}</h2>
            <ul>
              ${this.disabled.map(
                (r) => html`<li class="card" data-testid="disabled-route" data-route-id=${r.id}>
                  <span class="name">${r.name}<span class="muted"> · ${r.post} · ${t('rounds.stops', { n: r.stops.length })}</span></span>
                  <button data-testid="edit-route" @click=${() => this.edit(r.id)}>${t('rounds.edit')}</button>
                </li>`,
              )}
            </ul>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-rounds-page': WpRoundsPage;
  }
}
