import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { cameras } from '../data/cameras';
import { ApiError } from '../data/api';
import { answerStep, mine, refreshMine, uploadPhoto } from '../data/dispatches';
import type { User } from '../data/types';
import { hasKey, preferLang, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import type { GuardPhotoDetail, GuardStepDetail } from '../components/wp-guard-dispatch-card';
import '../components/wp-guard-dispatch-card';
import '../components/wp-language-switch';

/** Re-read the list now and then even when the stream is quiet (a phone's Wi-Fi drops without a word). */
const POLL_MS = 15_000;

/**
 * /guard — a guard's phone on the site's LAN (issue L point 2), zh-CN first: the dispatches sent to this guard,
 * live from the event stream, newest open first, each answered with one large button: on my way → arrived →
 * handled (with a note and up to 3 photos from the phone's camera). Nothing else of the console.
 */
@customElement('wp-guard-page')
export class WpGuardPage extends LitElement {
  @property({ attribute: false }) user: User | null = null;
  @state() private busy = new Set<number>();
  @state() private uploading = new Set<number>();
  @state() private errors = new Map<number, string>();
  private readonly mine = new StoreController(this, mine);
  private readonly conn = new StoreController(this, cameras);
  private readonly l10n = new LocalizeController(this);
  private poll: ReturnType<typeof setInterval> | undefined;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        font-size: 17px;
        max-width: 40em;
        margin: 0 auto;
        width: 100%;
      }
      header {
        position: sticky;
        top: 0;
        z-index: 2;
        display: flex;
        align-items: center;
        gap: 0.5em;
        flex-wrap: wrap;
        padding: 0.6em 0.8em;
        background: var(--wp-surface);
        border-bottom: 1px solid var(--wp-border);
      }
      h1 {
        margin: 0;
        font-size: 1.25em;
        flex: 1;
      }
      .who {
        color: var(--wp-text-muted);
      }
      .live {
        font-size: 0.85em;
        padding: 0.1em 0.5em;
        border-radius: 1em;
        background: var(--wp-online, #43a047);
        color: #fff;
      }
      .live.off {
        background: var(--wp-starting, #f9a825);
        color: #111;
      }
      .list {
        display: flex;
        flex-direction: column;
        gap: 0.9em;
        padding: 0.8em;
      }
      .none {
        padding: 2em 1em;
        text-align: center;
        color: var(--wp-text-muted);
        font-size: 1.1em;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    preferLang('zh-CN');
    void refreshMine();
    this.poll = setInterval(() => void refreshMine(), POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.poll);
  }

  private message(e: unknown): string {
    if (e instanceof ApiError) {
      const key = `guard.error.${e.code}`;
      if (e.code === 'wrong_state') void refreshMine();
      return hasKey(key) ? t(key) : errorMessage(e);
    }
    return (e as Error).message;
  }

  private async run(id: number, set: 'busy' | 'uploading', fn: () => Promise<unknown>) {
    this[set] = new Set([...this[set], id]);
    const errors = new Map(this.errors);
    errors.delete(id);
    this.errors = errors;
    try {
      await fn();
    } catch (e) {
      this.errors = new Map(this.errors).set(id, this.message(e));
    }
    this[set] = new Set([...this[set]].filter((x) => x !== id));
  }

  private readonly onStep = (e: CustomEvent<GuardStepDetail>) => void this.run(e.detail.id, 'busy', () => answerStep(e.detail.id, e.detail.step, e.detail.note));
  private readonly onPhoto = (e: CustomEvent<GuardPhotoDetail>) => void this.run(e.detail.id, 'uploading', () => uploadPhoto(e.detail.id, e.detail.file));

  private logout() {
    this.dispatchEvent(new CustomEvent('wp-logout', { bubbles: true, composed: true }));
  }

  override render() {
    const { list, loaded } = this.mine.value;
    const live = this.conn.value.connection === 'connected';
    return html`
      <header>
        <h1>${t('guard.title')}</h1>
        <span class="live ${live ? '' : 'off'}" data-testid="guard-live">${live ? t('guard.live') : t('guard.offline')}</span>
        <span class="who">${this.user?.displayName || this.user?.username}</span>
        <wp-language-switch></wp-language-switch>
        <button type="button" data-testid="guard-logout" @click=${() => this.logout()}>${t('nav.logout')}</button>
      </header>
      <div class="list" data-testid="guard-list" @wp-guard-step=${this.onStep} @wp-guard-photo=${this.onPhoto}>
        ${loaded && !list.length ? html`<p class="none" data-testid="guard-none">${t('guard.none')}</p>` : nothing}
        ${repeat(
          list,
          (d) => d.id,
          (d) => html`<wp-guard-dispatch-card
            data-testid="guard-dispatch"
            data-dispatch-id=${d.id}
            .dispatch=${d}
            ?busy=${this.busy.has(d.id)}
            ?uploading=${this.uploading.has(d.id)}
            .error=${this.errors.get(d.id) ?? ''}
          ></wp-guard-dispatch-card>`,
        )}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-guard-page': WpGuardPage;
  }
}
