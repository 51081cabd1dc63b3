import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { createExport, followExport, publicKey, type ExportJob } from '../data/exports';
import type { Camera } from '../data/types';
import { t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { ApiError } from '../data/api';
import { sharedStyles } from '../styles/shared';
import { dialogStyles, formatBytes, fromLocalInput, invalidTime, toLocalInput } from './evidence-styles';
import './wp-site-zone';

/**
 * Evidence export: cameras, time range, case and reason → the server remuxes, hashes, signs and zips;
 * progress is shown until the bundle can be downloaded. Fires `close` (and `export-done` with the job).
 */
@customElement('wp-export-dialog')
export class WpExportDialog extends LitElement {
  @property({ type: Boolean }) open = false;
  @property({ attribute: false }) cameras: Camera[] = [];
  @property({ attribute: false }) preset: { cameras: string[]; from: number; to: number } | null = null;

  @state() private picked = new Set<string>();
  @state() private from = '';
  @state() private to = '';
  @state() private job: ExportJob | null = null;
  @state() private error: string | null = null;
  @state() private busy = false;
  @state() private fingerprint = '';

  @query('dialog') private dialog!: HTMLDialogElement;
  private readonly l10n = new LocalizeController(this);
  private abort: AbortController | null = null;

  static override styles = [sharedStyles, dialogStyles];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open && this.preset) {
      this.picked = new Set(this.preset.cameras);
      this.from = toLocalInput(this.preset.from);
      this.to = toLocalInput(this.preset.to);
      this.job = null;
      this.error = null;
      void publicKey().then((k) => (this.fingerprint = k.fingerprint), () => undefined);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
  }

  private close(): void {
    this.abort?.abort();
    this.abort = null;
    this.dispatchEvent(new CustomEvent('close'));
  }

  private toggle(id: string, on: boolean): void {
    const next = new Set(this.picked);
    if (on) next.add(id);
    else next.delete(id);
    this.picked = next;
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    // a value the browser let through but that is no time: say so, keep everything typed
    this.error = invalidTime(data, ['from', 'to']);
    if (this.error) return;
    this.busy = true;
    try {
      const job = await createExport({
        cameras: [...this.picked],
        from: fromLocalInput(String(data.get('from') ?? '')),
        to: fromLocalInput(String(data.get('to') ?? '')),
        reason: String(data.get('reason') ?? ''),
        caseRef: String(data.get('caseRef') ?? '') || null,
      });
      this.job = job;
      this.abort = new AbortController();
      const done = await followExport(job.id, (j) => (this.job = j), this.abort.signal);
      if (done.status === 'done') this.dispatchEvent(new CustomEvent('export-done', { detail: { job: done } }));
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'AbortError')) this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  private renderJob(j: ExportJob) {
    return html`<div class="wide" data-testid="export-progress" data-status=${j.status}>
      ${j.status === 'failed'
        ? html`<p class="error" role="alert" data-testid="export-error">${t('export.failed', { message: j.error ? errorMessage(new ApiError(500, j.error.code, j.error.message)) : '' })}</p>`
        : j.status === 'done'
          ? html`<p class="ok">${t('export.done', { size: formatBytes(j.bytes ?? 0) })}</p>
              <p><a class="button primary" data-testid="export-download" href=${j.downloadUrl ?? '#'} download>${t('export.download')}</a></p>
              <p class="hint">${t('export.manifestHash')} <span class="mono" data-testid="export-hash">${j.manifestSha256}</span></p>`
          : html`<p>${t(j.status === 'queued' ? 'export.queued' : 'export.running', { id: j.id })}</p>
              <progress max="1" value=${j.progress} data-testid="export-progressbar"></progress>
              <p class="hint">${Math.round(j.progress * 100)} %</p>`}
    </div>`;
  }

  override render() {
    const j = this.job;
    const locked = this.busy || (j !== null && j.status !== 'failed');
    return html`<dialog data-testid="export-dialog" @cancel=${(e: Event) => (e.preventDefault(), this.close())}>
      <h2>${t('export.title')}</h2>
      <form @submit=${this.submit}>
        <div class="wide">
          <div class="hint">${t('export.cameras')}</div>
          <div class="cams">
            ${this.cameras.map(
              (c) => html`<label
                ><input
                  type="checkbox"
                  data-testid="export-camera"
                  value=${c.id}
                  .checked=${this.picked.has(c.id)}
                  ?disabled=${locked}
                  @change=${(e: Event) => this.toggle(c.id, (e.target as HTMLInputElement).checked)}
                />${c.name}</label
              >`,
            )}
          </div>
        </div>
        <label>${t('export.from')}<input type="datetime-local" step="1" name="from" data-testid="export-from" .value=${this.from} ?disabled=${locked} required /></label>
        <label>${t('export.to')}<input type="datetime-local" step="1" name="to" data-testid="export-to" .value=${this.to} ?disabled=${locked} required /></label>
        <wp-site-zone class="wide"></wp-site-zone>
        <label class="wide">${t('export.case')}<input type="text" name="caseRef" data-testid="export-case" maxlength="100" ?disabled=${locked} /></label>
        <label class="wide">${t('export.reason')}<textarea name="reason" data-testid="export-reason" maxlength="500" required ?disabled=${locked}></textarea></label>
        <p class="hint wide">${t('export.explain')}</p>
        ${this.fingerprint ? html`<p class="hint wide">${t('export.key')} <span class="mono" data-testid="export-key">${this.fingerprint}</span></p>` : nothing}
        ${this.error ? html`<p class="error wide" role="alert" data-testid="export-error">${this.error}</p>` : nothing}
        ${j ? this.renderJob(j) : nothing}
        <div class="actions">
          <button type="button" data-testid="export-close" @click=${this.close}>${t(j?.status === 'done' ? 'export.close' : 'export.cancel')}</button>
          ${j?.status === 'done' ? nothing : html`<button type="submit" class="primary" data-testid="export-submit" ?disabled=${locked || !this.picked.size}>${t('export.submit')}</button>`}
        </div>
      </form>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-export-dialog': WpExportDialog;
  }
}
