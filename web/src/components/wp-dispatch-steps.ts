import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { GuardDispatchSummary } from '../data/dispatches';
import { formatDateTime, getLang, t } from '../i18n';

/** "+1 min 05 s" after the dispatch (short, for a step chip). */
function after(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [m, sec] = [Math.floor(s / 60), s % 60];
  const zh = getLang() === 'zh-CN';
  return m ? (zh ? `${m} 分 ${sec} 秒` : `${m} min ${String(sec).padStart(2, '0')} s`) : zh ? `${sec} 秒` : `${sec} s`;
}

/**
 * The steps of a guard dispatch as the post sees them (alarm queue, wall pop-up): sent → on the way → arrived →
 * handled, each with its time and the time since the dispatch, the "not accepted in time" flag, the handled note
 * and the photos. Properties down only.
 */
@customElement('wp-dispatch-steps')
export class WpDispatchSteps extends LitElement {
  @property({ attribute: false }) dispatch: GuardDispatchSummary | null = null;
  /** smaller, for the wall pop-up */
  @property({ type: Boolean }) compact = false;
  private readonly l10n = new LocalizeController(this);

  static override styles = css`
    :host {
      display: block;
    }
    ol {
      list-style: none;
      margin: 0.3em 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 0.3em;
    }
    li {
      padding: 0.15em 0.5em;
      border-radius: 1em;
      border: 1px solid var(--wp-border);
      color: var(--wp-text-muted);
      font-size: 0.9em;
    }
    li.done {
      color: var(--wp-text);
      border-color: var(--wp-online, #43a047);
      background: color-mix(in srgb, var(--wp-online, #43a047) 18%, transparent);
    }
    .late {
      color: #fff;
      background: var(--wp-offline, #e53935);
      border-radius: 3px;
      padding: 0.1em 0.5em;
      font-weight: 700;
      display: inline-block;
    }
    .photos {
      display: flex;
      gap: 0.3em;
    }
    .photos img {
      width: 4.5em;
      height: 3.4em;
      object-fit: cover;
      border-radius: 3px;
      background: #000;
    }
    :host([compact]) .photos img {
      width: 3em;
      height: 2.2em;
    }
    .note {
      font-size: 0.9em;
    }
  `;

  override render() {
    const d = this.dispatch;
    if (!d) return nothing;
    const step = (key: 'dispatch.onWay' | 'dispatch.arrived' | 'dispatch.handled', at: number | null, name: string) =>
      html`<li class=${at !== null ? 'done' : ''} data-testid="dispatch-step" data-step=${name} data-done=${at !== null ? 'yes' : 'no'}>
        ${t(key)} ${at !== null ? html`${formatDateTime(at, false)} (${t('dispatch.after', { after: after(at - d.sentAt) })})` : html`· ${t('dispatch.waiting')}`}
      </li>`;
    return html`<div data-testid="dispatch-steps" data-state=${d.state} data-dispatch-id=${d.id}>
      <ol>
        <li class="done" data-testid="dispatch-step" data-step="sent" data-done="yes">${t('dispatch.sent', { guard: d.guardName || d.guard })} ${formatDateTime(d.sentAt, false)}</li>
        ${step('dispatch.onWay', d.onWayAt, 'on_way')} ${step('dispatch.arrived', d.arrivedAt, 'arrived')} ${step('dispatch.handled', d.handledAt, 'handled')}
      </ol>
      ${d.overdueAt !== null ? html`<span class="late" data-testid="dispatch-overdue">${t('dispatch.overdue')} · ${formatDateTime(d.overdueAt, false)}</span>` : nothing}
      ${d.handledNote ? html`<div class="note" data-testid="dispatch-handled-note">${d.handledNote}</div>` : nothing}
      ${d.photos.length
        ? html`<div class="photos">
            ${d.photos.map((p) => html`<a href=${p.url} target="_blank" title=${`SHA-256 ${p.sha256}`}><img src=${p.url} alt=${t('dispatch.photo', { n: p.n })} data-testid="dispatch-photo" /></a>`)}
          </div>`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-dispatch-steps': WpDispatchSteps;
  }
}
