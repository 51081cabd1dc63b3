import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { createLock, releaseLock, type EvidenceLock, type TimelineLock } from '../data/recordings';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { lockReasonText } from '../i18n/server-text';
import { sharedStyles } from '../styles/shared';
import { dialogStyles, fromLocalInput, invalidTime, toLocalInput } from './evidence-styles';
import './wp-site-zone';

/**
 * Evidence lock: create one over a camera's time range (with a reason), or release one (supervisor/admin,
 * with a reason). Fires `close` and `lock-changed` ({lock}).
 */
@customElement('wp-lock-dialog')
export class WpLockDialog extends LitElement {
  @property({ type: Boolean }) open = false;
  @property() cameraId = '';
  /** create mode: the proposed range */
  @property({ attribute: false }) range: { from: number; to: number } | null = null;
  /** release mode: the lock to release */
  @property({ attribute: false }) release: TimelineLock | null = null;

  @state() private error: string | null = null;
  @state() private busy = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  private readonly l10n = new LocalizeController(this);

  static override styles = [sharedStyles, dialogStyles];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) this.error = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('close'));
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const reason = String(data.get('reason') ?? '');
    this.error = this.release ? null : invalidTime(data, ['from', 'to']);
    if (this.error) return;
    this.busy = true;
    try {
      let lock: EvidenceLock;
      if (this.release) lock = await releaseLock(this.release.id, reason);
      else {
        lock = await createLock({
          camera: this.cameraId,
          from: fromLocalInput(String(data.get('from') ?? '')),
          to: fromLocalInput(String(data.get('to') ?? '')),
          reason,
          caseRef: String(data.get('caseRef') ?? '') || null,
        });
      }
      this.dispatchEvent(new CustomEvent('lock-changed', { detail: { lock } }));
      this.close();
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const rel = this.release;
    return html`<dialog data-testid="lock-dialog" @cancel=${(e: Event) => (e.preventDefault(), this.close())}>
      <h2>${t(rel ? 'lock.releaseTitle' : 'lock.title')}</h2>
      <form @submit=${this.submit}>
        ${rel
          ? html`<p class="wide">${t('lock.releaseWhat', { from: formatDateTime(rel.start), to: formatDateTime(rel.end), reason: lockReasonText(rel.reason) })}</p>`
          : html`<label>${t('export.from')}<input type="datetime-local" step="1" name="from" data-testid="lock-from" .value=${toLocalInput(this.range?.from ?? Date.now() - 60_000)} required /></label>
              <label>${t('export.to')}<input type="datetime-local" step="1" name="to" data-testid="lock-to" .value=${toLocalInput(this.range?.to ?? Date.now())} required /></label>
              <wp-site-zone class="wide"></wp-site-zone>
              <label class="wide">${t('export.case')}<input type="text" name="caseRef" maxlength="100" /></label>`}
        <label class="wide">${t(rel ? 'lock.releaseReason' : 'lock.reason')}<textarea name="reason" data-testid="lock-reason" maxlength="500" required></textarea></label>
        <p class="hint wide">${t(rel ? 'lock.releaseExplain' : 'lock.explain')}</p>
        ${this.error ? html`<p class="error wide" role="alert" data-testid="lock-error">${this.error}</p>` : nothing}
        <div class="actions">
          <button type="button" @click=${this.close}>${t('export.cancel')}</button>
          <button type="submit" class=${rel ? 'danger' : 'primary'} data-testid="lock-submit" ?disabled=${this.busy}>${t(rel ? 'lock.releaseSubmit' : 'lock.submit')}</button>
        </div>
      </form>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-lock-dialog': WpLockDialog;
  }
}
