import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { auditActions, auditCsvUrl, fetchAudit, verifyAudit, type AuditEntry, type AuditFilters } from '../data/audit';
import { cameras } from '../data/cameras';
import { publicKey } from '../data/exports';
import { reviewPath } from '../data/recordings';
import { formatDateTime, hasKey, t } from '../i18n';
import { auditActionText, auditFieldText } from '../i18n/server-text';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import { pageStyles } from '../styles/page';
import { fromLocalInput } from '../components/evidence-styles';
import { columnHeadStyles } from '../styles/table';

/** The time an entry's footage starts: its own footage time, else (live viewing) when it happened. */
function footageAt(e: AuditEntry): number | null {
  if (!e.cameraId) return null;
  if (e.footageMs !== null) return e.footageMs;
  return e.action.startsWith('live.view') ? e.time : null;
}

/** The detail of an entry: translated field names; the values are recorded data (paths, hashes, field names), shown as they are. */
function summary(d: Record<string, unknown>) {
  const parts = Object.entries(d).filter(([, v]) => v !== null && v !== undefined && v !== '');
  return parts.map(
    ([k, v], i) => html`${i ? ' · ' : ''}${t('audit.fieldSep', { field: auditFieldText(k) })}<span data-raw>${typeof v === 'object' ? JSON.stringify(v) : String(v)}</span>`,
  );
}

/**
 * The audit trail for supervisors and administrators: filters, newest first, "load more", CSV of the same
 * filter, a check of the hash chain, the evidence signing key, and "jump to footage" for entries about
 * recordings (exports, locks, viewing).
 */
@customElement('wp-audit-page')
export class WpAuditPage extends LitElement {
  @state() private entries: AuditEntry[] = [];
  @state() private next: number | undefined;
  @state() private filters: AuditFilters = {};
  @state() private actions: string[] = [];
  @state() private error: string | null = null;
  @state() private loading = false;
  @state() private chain: string | null = null;
  @state() private chainOk = false;
  @state() private fingerprint = '';

  private readonly cams = new StoreController(this, cameras);
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      ${columnHeadStyles}
      th {
        position: sticky;
        top: 0;
        background: var(--wp-bg);
      }
      .mono {
        font-family: var(--wp-mono);
        font-size: 0.9em;
      }
      .detail {
        color: var(--wp-text-muted);
        max-width: 32em;
        word-break: break-word;
      }
      .bar {
        display: flex;
        gap: 0.8em;
        align-items: center;
        flex-wrap: wrap;
      }
      .ok {
        color: var(--wp-online);
      }
      .bad {
        color: var(--wp-danger);
        font-weight: 700;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load(true);
    void auditActions().then((a) => (this.actions = a), () => undefined);
    void publicKey().then((k) => (this.fingerprint = k.fingerprint), () => undefined);
  }

  private async load(reset: boolean): Promise<void> {
    this.loading = true;
    try {
      const page = await fetchAudit(this.filters, reset ? undefined : this.next);
      this.entries = reset ? page.entries : [...this.entries, ...page.entries];
      this.next = page.next;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  private apply(e: Event): void {
    e.preventDefault();
    const d = new FormData(e.target as HTMLFormElement);
    const s = (k: string) => String(d.get(k) ?? '').trim() || undefined;
    const time = (k: string) => {
      const v = fromLocalInput(String(d.get(k) ?? ''));
      return Number.isFinite(v) ? v : undefined;
    };
    this.filters = { from: time('from'), to: time('to'), actor: s('actor'), action: s('action'), camera: s('camera'), q: s('q') };
    void this.load(true);
  }

  private async verify(): Promise<void> {
    try {
      const r = await verifyAudit();
      this.chainOk = r.ok;
      this.chain = r.ok ? t('audit.chainOk', { count: r.count }) : t('audit.chainBad', { id: r.firstBad ?? '?' });
    } catch (err) {
      this.chainOk = false;
      this.chain = errorMessage(err);
    }
  }

  private row(e: AuditEntry) {
    const at = footageAt(e);
    return html`<tr data-testid="audit-row" data-action=${e.action}>
      <td class="mono">${formatDateTime(e.time)}</td>
      <td>${e.actor === 'system' && e.actorId === null ? t('audit.actorSystem') : (e.actor ?? '—')}${e.role ? html` <span class="muted">(${hasKey(`role.${e.role}`) ? t(`role.${e.role}` as 'role.admin') : e.role})</span>` : nothing}</td>
      <td class="mono">${e.ip ?? ''}</td>
      <td>${auditActionText(e.action)}</td>
      <td>${e.cameraId ?? ''}</td>
      <td class="mono">${e.target ?? ''}</td>
      <td class="detail">${summary(e.detail)}</td>
      <td>${at !== null && e.cameraId ? html`<a href=${reviewPath(e.cameraId, at)} data-testid="audit-jump">${t('audit.jump')}</a>` : nothing}</td>
    </tr>`;
  }

  override render() {
    const cams = this.cams.value.cameras;
    return html`
      <div class="bar">
        <h1>${t('audit.title')}</h1>
        <a class="button" data-testid="audit-csv" href=${auditCsvUrl(this.filters)} download>${t('audit.csv')}</a>
        <button type="button" data-testid="audit-verify" @click=${this.verify}>${t('audit.verify')}</button>
        ${this.chain ? html`<span data-testid="audit-chain" class=${this.chainOk ? 'ok' : 'bad'}>${this.chain}</span>` : nothing}
        ${this.fingerprint ? html`<span class="muted">${t('audit.key')} <span class="mono" data-testid="audit-key">${this.fingerprint}</span></span>` : nothing}
      </div>
      <form @submit=${this.apply} data-testid="audit-filters">
        <label>${t('audit.from')}<input type="datetime-local" step="1" name="from" /></label>
        <label>${t('audit.to')}<input type="datetime-local" step="1" name="to" /></label>
        <label>${t('audit.actor')}<input type="text" name="actor" size="12" data-testid="audit-actor" /></label>
        <label>${t('audit.action')}
          <select name="action" data-testid="audit-action">
            <option value="">${t('audit.any')}</option>
            ${[...new Set(this.actions.flatMap((a) => [a.split('.')[0]!, a]))].sort().map((a) => html`<option value=${a}>${auditActionText(a)}</option>`)}
          </select>
        </label>
        <label>${t('audit.camera')}
          <select name="camera" data-testid="audit-camera">
            <option value="">${t('audit.any')}</option>
            ${cams.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
          </select>
        </label>
        <label>${t('audit.text')}<input type="text" name="q" size="14" /></label>
        <button type="submit" class="primary" data-testid="audit-apply">${t('audit.apply')}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <table>
        <thead>
          <tr>
            <th>${t('audit.time')}</th><th>${t('audit.actor')}</th><th>IP</th><th>${t('audit.action')}</th>
            <th>${t('audit.camera')}</th><th>${t('audit.target')}</th><th>${t('audit.detail')}</th><th></th>
          </tr>
        </thead>
        <tbody>${this.entries.map((e) => this.row(e))}</tbody>
      </table>
      ${!this.entries.length && !this.loading ? html`<p class="muted">${t('audit.empty')}</p>` : nothing}
      ${this.next !== undefined ? html`<button type="button" ?disabled=${this.loading} @click=${() => this.load(false)}>${t('audit.more')}</button>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-audit-page': WpAuditPage;
  }
}
