import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { cameras } from '../data/cameras';
import { appendLog, correctLog, entryFootageMs, fetchLog, MANUAL_CATEGORIES, verifyLog, type LogEntry, type ManualCategory } from '../data/dutylog';
import { reviewPath } from '../data/recordings';
import { formatDateTime, hasKey, t } from '../i18n';
import { dutyAuthor, dutyText } from '../i18n/dutylog-text';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import { fieldBox } from '../styles/form';
import { dataTable } from '../styles/table';

const catText = (c: string) => (hasKey(`cat.${c}`) ? t(`cat.${c}` as 'cat.other') : c);

/** The duty log (监控记录): newest first, add an entry, correct one (a new entry), chain status. */
@customElement('wp-dutylog-page')
export class WpDutylogPage extends LitElement {
  @state() private entries: LogEntry[] = [];
  @state() private verify: Awaited<ReturnType<typeof verifyLog>> | null = null;
  @state() private error = '';
  @state() private correcting: number | null = null;
  /** a manual entry is being saved: the button is disabled so one click makes one entry */
  @state() private adding = false;
  private readonly cams = new StoreController(this, cameras);
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; padding: 1em 1.5em; overflow: auto; }
      h1 { font-size: 1.3em; margin: 0 0 0.6em; }
      form { display: flex; gap: 0.5em; flex-wrap: wrap; align-items: center; margin-bottom: 1em; }
      form input[name='text'] { flex: 1; min-width: 20em; }
      ${fieldBox('select', '0.45em')}
      ${dataTable('0.35em 0.6em', 'top')}
      td.mono { font-family: var(--wp-mono); white-space: nowrap; }
      .ok { color: var(--wp-online); }
      .bad { color: #ffb4b4; font-weight: 700; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      [this.entries, this.verify] = await Promise.all([fetchLog(), verifyLog()]);
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  private async add(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    // e.target is only set while the event is dispatched (it reads null after the first await)
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const text = String(f.get('text') ?? '').trim();
    if (!text || this.adding) return;
    this.adding = true;
    try {
      await appendLog(f.get('category') as ManualCategory, text, String(f.get('camera') ?? '') || null);
      form.reset();
      this.error = '';
    } catch (err) {
      this.error = errorMessage(err);
      return;
    } finally {
      this.adding = false;
    }
    await this.load();
  }

  private async correct(seq: number): Promise<void> {
    const input = this.renderRoot.querySelector('[name="correction"]') as HTMLInputElement | null;
    if (!input?.value.trim()) return;
    try {
      await correctLog(seq, input.value.trim());
      this.correcting = null;
      await this.load();
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  override render() {
    const v = this.verify;
    return html`
      <h1>${t('log.title')}</h1>
      <p class="muted">${t('log.appendOnly')}
        ${v ? html`<span data-testid="log-verify" data-ok=${String(v.ok)} class=${v.ok ? 'ok' : 'bad'}>
          ${v.ok ? t('log.verifyOk', { n: v.entries }) : t('log.verifyBroken', { seq: v.broken?.seq ?? '?', reason: v.broken?.reason ?? '' })}</span>` : nothing}</p>
      <form @submit=${this.add} data-testid="log-form">
        <select name="category" data-testid="log-category">${MANUAL_CATEGORIES.map((c) => html`<option value=${c}>${catText(c)}</option>`)}</select>
        <select name="camera" data-testid="log-camera"><option value="">${t('log.noCamera')}</option>
          ${this.cams.value.cameras.map((c) => html`<option value=${c.id}>${c.name}</option>`)}</select>
        <input type="text" name="text" data-testid="log-text" placeholder=${t('log.text')} maxlength="4000" />
        <button class="primary" type="submit" data-testid="log-submit" ?disabled=${this.adding}>${t('log.add')}</button>
      </form>
      ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
      <table>
        <tr><th>#</th><th>${t('log.time')}</th><th>${t('log.category')}</th><th>${t('log.camera')}</th><th>${t('log.text')}</th><th>${t('log.author')}</th><th></th></tr>
        ${this.entries.map(
          (e) => html`<tr data-testid="log-row" data-kind=${e.kind} data-seq=${e.seq}>
            <td class="mono">${e.seq}</td><td class="mono">${formatDateTime(e.ts)}</td><td>${catText(e.category)}</td>
            <td>${e.cameraId ? this.cameraName(e.cameraId) : ''}${e.cameraId
              ? html` <a data-testid="log-footage" href=${reviewPath(e.cameraId, entryFootageMs(e))}>${t('log.footage')}</a>`
              : nothing}</td>
            <td>${e.refSeq ? html`<span class="muted">${t('log.corrects', { seq: e.refSeq })} · </span>` : nothing}${dutyText(e, this.cameraName)}
              ${this.correcting === e.seq
                ? html`<div><input type="text" name="correction" placeholder=${t('log.correction')} />
                    <button @click=${() => this.correct(e.seq)}>${t('log.add')}</button></div>`
                : nothing}</td>
            <td>${dutyAuthor(e)}</td>
            <td><button @click=${() => (this.correcting = e.seq)}>${t('log.correct')}</button></td>
          </tr>`,
        )}
      </table>
    `;
  }

  private cameraName = (id: string): string => this.cams.value.cameras.find((c) => c.id === id)?.name ?? id;
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-dutylog-page': WpDutylogPage;
  }
}
