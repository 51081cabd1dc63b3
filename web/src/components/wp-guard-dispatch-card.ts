import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { MAX_DISPATCH_PHOTOS, toSummary, type DispatchStepName, type DispatchView } from '../data/dispatches';
import { formatDateTime, hasKey, t } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { cardStyles } from '../styles/card';
import './wp-dispatch-steps';
import { fieldBox } from '../styles/form';

export interface GuardStepDetail {
  id: number;
  step: DispatchStepName;
  note?: string;
}
export interface GuardPhotoDetail {
  id: number;
  file: File;
}

/**
 * One dispatch on the guard's phone: snapshot, what and where, the post's note, and one large button for the next
 * answer (on my way → arrived → handled); after arriving a note and up to 3 photos from the phone's camera.
 * Properties down; `wp-guard-step` / `wp-guard-photo` up (the page sends them).
 */
@customElement('wp-guard-dispatch-card')
export class WpGuardDispatchCard extends LitElement {
  @property({ attribute: false }) dispatch!: DispatchView;
  @property({ type: Boolean }) busy = false;
  @property({ type: Boolean }) uploading = false;
  @property() error = '';
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    cardStyles,
    css`
      :host {
        border-width: 2px;
        padding: 0.8em;
      }
      :host([data-state='sent']) {
        border-color: var(--wp-offline, #e53935);
      }
      img.snap {
        width: 100%;
        border-radius: 4px;
        background: #000;
        display: block;
      }
      h2 {
        margin: 0.4em 0 0.2em;
        font-size: 1.3em;
      }
      .where {
        font-size: 1.15em;
        font-weight: 600;
      }
      .post-note {
        margin: 0.5em 0;
        padding: 0.5em;
        border-left: 4px solid var(--wp-accent);
        background: var(--wp-surface-2);
      }
      .late {
        color: #fff;
        background: var(--wp-offline, #e53935);
        padding: 0.4em;
        border-radius: 4px;
        font-weight: 700;
      }
      button.big,
      label.big {
        width: 100%;
        justify-content: center;
        font-size: 1.35em;
        padding: 0.8em;
        margin-top: 0.5em;
        min-height: 3em;
      }
      ${fieldBox('textarea', '0.5em')}
      textarea {
        width: 100%;
        min-height: 5em;
        font-size: 1.1em;
        margin-top: 0.5em;
      }
      input[type='file'] {
        position: absolute;
        width: 1px;
        height: 1px;
        opacity: 0;
      }
      .err {
        color: var(--wp-offline, #e53935);
        font-weight: 600;
        margin-top: 0.4em;
      }
    `,
  ];

  protected override willUpdate(): void {
    this.dataset.state = this.dispatch.state;
  }

  private fire<T>(name: string, detail: T) {
    this.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
  }

  private step(step: DispatchStepName) {
    const note = step === 'handled' ? (this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.value ?? '') : undefined;
    this.fire<GuardStepDetail>('wp-guard-step', { id: this.dispatch.id, step, note });
  }

  private photo(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) this.fire<GuardPhotoDetail>('wp-guard-photo', { id: this.dispatch.id, file });
  }

  private renderAction(d: DispatchView) {
    const busy = this.busy || this.uploading;
    if (d.state === 'sent') return html`<button class="big primary" data-testid="guard-on-way" ?disabled=${busy} @click=${() => this.step('on_way')}>${t('guard.onWay')}</button>`;
    if (d.state === 'on_way') return html`<button class="big primary" data-testid="guard-arrived" ?disabled=${busy} @click=${() => this.step('arrived')}>${t('guard.arrived')}</button>`;
    if (d.state === 'handled') return html`<p class="where" data-testid="guard-done">${t('guard.done', { time: formatDateTime(d.handled!.at, false) })}</p>`;
    const n = d.photos.length;
    return html`
      <textarea data-testid="guard-note" placeholder=${t('guard.note')} aria-label=${t('guard.note')}></textarea>
      ${n < MAX_DISPATCH_PHOTOS
        ? html`<label class="big button" data-testid="guard-photo-label">
            ${this.uploading ? t('guard.uploading') : t('guard.addPhoto', { n, max: MAX_DISPATCH_PHOTOS })}
            <input type="file" accept="image/*" capture="environment" data-testid="guard-photo" ?disabled=${busy} @change=${(e: Event) => this.photo(e)} />
          </label>`
        : html`<p class="muted">${t('guard.photosFull', { max: MAX_DISPATCH_PHOTOS })}</p>`}
      <button class="big primary" data-testid="guard-handled" ?disabled=${busy} @click=${() => this.step('handled')}>${t('guard.handled')}</button>
    `;
  }

  override render() {
    const d = this.dispatch;
    const kind = `alarms.kind.${d.alarmKind}`;
    return html`
      ${d.snapshotUrl ? html`<img class="snap" src=${d.snapshotUrl} alt=${t('alarms.snapshot')} data-testid="guard-snapshot" />` : nothing}
      <h2>${hasKey(kind) ? t(kind) : d.alarmKind}</h2>
      <div class="where" data-testid="guard-where">${t('guard.where')}: ${d.cameraName ?? d.cameraId} · ${t('alarms.zone', { zone: d.zone })}</div>
      <div class="muted">${t('guard.from', { user: d.by, time: formatDateTime(d.sentAt, false) })}</div>
      ${d.note ? html`<div class="post-note" data-testid="guard-post-note"><strong>${t('guard.noteFromPost')}:</strong> ${d.note}</div>` : nothing}
      ${d.overdueAt !== null && d.state === 'sent' ? html`<div class="late" data-testid="guard-overdue">${t('guard.overdue')}</div>` : nothing}
      ${d.overdueAt === null && d.state === 'sent' ? html`<div class="muted">${t('guard.acceptBy', { time: formatDateTime(d.acceptBy, false) })}</div>` : nothing}
      <wp-dispatch-steps .dispatch=${toSummary(d)}></wp-dispatch-steps>
      ${this.renderAction(d)}
      ${this.error ? html`<div class="err" role="alert" data-testid="guard-error">${this.error}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-guard-dispatch-card': WpGuardDispatchCard;
  }
  interface HTMLElementEventMap {
    'wp-guard-step': CustomEvent<GuardStepDetail>;
    'wp-guard-photo': CustomEvent<GuardPhotoDetail>;
  }
}
