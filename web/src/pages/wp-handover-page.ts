import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { ackHandover, createHandover, fetchHandoverDraft, type Handover, type OpenItems } from '../data/patrol';
import type { User } from '../data/types';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { reasonText } from '../components/wp-camera-tile';
import { sharedStyles } from '../styles/shared';
import { innerCardStyles } from '../styles/card';
import { fieldBox } from '../styles/form';

/** Shift handover: open items listed automatically, notes by the outgoing operator, acknowledgement by the incoming one. */
@customElement('wp-handover-page')
export class WpHandoverPage extends LitElement {
  @property({ attribute: false }) user: User | null = null;
  @state() private items: OpenItems | null = null;
  @state() private latest: Handover | null = null;
  @state() private error = '';
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    innerCardStyles,
    css`
      :host { display: block; padding: 1em 1.5em; overflow: auto; max-width: 60em; }
      h1 { font-size: 1.3em; margin: 0 0 0.6em; }
      h2 { font-size: 1em; color: var(--wp-text-muted); margin: 1em 0 0.3em; }
      section { margin-bottom: 1em; }
      ${fieldBox('textarea', '0.5em')}
      textarea { width: 100%; min-height: 7em; }
      ul { margin: 0.2em 0; }
      .notes { white-space: pre-wrap; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const d = await fetchHandoverDraft();
      this.items = d.openItems;
      this.latest = d.latest;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  private async submit(): Promise<void> {
    const notes = (this.renderRoot.querySelector('textarea') as HTMLTextAreaElement).value;
    try {
      this.latest = await createHandover(notes);
      this.error = '';
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  private async ack(id: number): Promise<void> {
    try {
      this.latest = await ackHandover(id, '');
      await this.load();
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** Open alarms: the total, then each camera with how many (older handovers stored cameras only: 1 each). */
  private alarms(items: OpenItems) {
    const total = items.openAlarms ?? items.alarms.reduce((n, a) => n + (a.count ?? 1), 0);
    return html`<p data-testid="handover-alarm-count">${total === 1 ? t('handover.alarmCountOne') : t('handover.alarmCount', { n: total })}</p>
      <ul data-testid="handover-alarms">${items.alarms.map((a) => html`<li>${t('handover.cameraAlarms', { camera: a.cameraName, n: a.count ?? 1 })}</li>`)}</ul>`;
  }

  private list(items: OpenItems) {
    const none = html`<span class="muted">${t('handover.nothing')}</span>`;
    return html`
      <h2>${t('handover.alarms')}</h2>${items.alarms.length ? this.alarms(items) : none}
      <h2>${t('handover.offline')}</h2>${items.offlineCameras.length
        ? html`<ul data-testid="handover-offline">${items.offlineCameras.map((c) => html`<li>${t('handover.offlineItem', { camera: c.cameraName, reason: reasonText(c.reason ?? null) })}</li>`)}</ul>`
        : none}
      <h2>${t('handover.equipment')}</h2>${items.equipmentProblems?.length
        ? html`<ul data-testid="handover-equipment">${items.equipmentProblems.map((c) => html`<li>${t('handover.equipmentItem', { camera: c.cameraName, pct: (c.completeness * 100).toFixed(1), gaps: c.gaps })}</li>`)}</ul>`
        : none}
      <h2>${t('handover.missed')}</h2>${items.missedRounds.length
        ? html`<ul>${items.missedRounds.map((m) => html`<li>${m.routeName} ${formatDateTime(m.slotMs)}</li>`)}</ul>`
        : none}`;
  }

  override render() {
    const h = this.latest;
    const pending = h && h.ackMs === null;
    return html`
      <h1>${t('handover.title')}</h1>
      ${this.error ? html`<p class="error" data-testid="handover-error">${this.error}</p>` : nothing}
      ${h
        ? html`<section data-testid="handover-latest" data-acked=${String(!pending)}>
            <strong>${pending ? t('handover.pending', { user: h.fromUsername, time: formatDateTime(h.createdMs) })
              : t('handover.acked', { user: h.ackUsername ?? '', time: formatDateTime(h.ackMs ?? 0) })}</strong>
            <p class="notes">${h.notes}</p>
            ${this.list(h.openItems)}
            ${pending && h.fromUserId !== this.user?.id
              ? html`<p><button class="primary" data-testid="handover-ack" @click=${() => this.ack(h.id)}>${t('handover.ack')}</button></p>`
              : pending ? html`<p class="muted">${t('handover.yours')}</p>` : nothing}
          </section>`
        : nothing}
      ${!pending && this.items
        ? html`<section>
            <h2>${t('handover.openItems')}</h2>
            ${this.list(this.items)}
            <h2>${t('handover.notes')}</h2>
            <textarea data-testid="handover-notes" maxlength="8000"></textarea>
            <p><button class="primary" data-testid="handover-submit" @click=${this.submit}>${t('handover.submit')}</button></p>
          </section>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-handover-page': WpHandoverPage;
  }
}
