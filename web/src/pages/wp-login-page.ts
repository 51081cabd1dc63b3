import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { ApiError } from '../data/api';
import { login } from '../data/session';
import { t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { fireNavigate } from '../router';
import { sharedStyles } from '../styles/shared';
import '../components/wp-language-switch';

/** Username / password form; on success goes to `next` (the wall by default, or back to kiosk). */
@customElement('wp-login-page')
export class WpLoginPage extends LitElement {
  @property() next = '/wall';

  @state() private busy = false;
  @state() private error: { key: 'bad' | 'rate' | 'required' | 'other'; text?: string } | null = null;
  /** Epoch ms until which the server refuses attempts (429 Retry-After). */
  @state() private lockedUntil = 0;
  private lockTimer: ReturnType<typeof setInterval> | undefined;
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        height: 100%;
        align-items: center;
        justify-content: center;
        background: radial-gradient(circle at 50% 30%, #16202d, var(--wp-bg) 70%);
      }
      .card {
        width: min(24em, 92vw);
        background: var(--wp-surface);
        border: 1px solid var(--wp-border);
        border-radius: 10px;
        padding: 2em;
        display: grid;
        gap: 1em;
        box-shadow: 0 10px 40px rgb(0 0 0 / 0.5);
      }
      .brand {
        font-size: 1.6em;
        font-weight: 800;
        text-align: center;
      }
      .brand span {
        color: var(--wp-online);
        margin-left: 0.3em;
      }
      h1 {
        margin: 0;
        font-size: 1.05em;
        color: var(--wp-text-muted);
        text-align: center;
        font-weight: 500;
      }
      form {
        display: grid;
        gap: 0.9em;
      }
      label {
        display: grid;
        gap: 0.35em;
        font-size: 0.9em;
        color: var(--wp-text-muted);
      }
      button[type='submit'] {
        justify-content: center;
        padding: 0.65em;
        font-size: 1.05em;
      }
      .lang {
        display: flex;
        justify-content: center;
      }
    `,
  ];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.lockTimer);
  }

  private lock(seconds: number): void {
    this.lockedUntil = Date.now() + seconds * 1000;
    clearInterval(this.lockTimer);
    this.lockTimer = setInterval(() => {
      if (Date.now() >= this.lockedUntil) {
        clearInterval(this.lockTimer);
        this.lockedUntil = 0;
        if (this.error?.key === 'rate') this.error = null;
      }
      this.requestUpdate();
    }, 1000);
  }

  private async onSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (!username || !password) {
      this.error = { key: 'required' };
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      await login(username, password);
      fireNavigate(this, this.next, true);
    } catch (err) {
      const pw = form.elements.namedItem('password');
      if (pw instanceof HTMLInputElement) pw.value = '';
      if (err instanceof ApiError && err.code === 'bad_credentials') this.error = { key: 'bad' };
      else if (err instanceof ApiError && err.status === 429) {
        this.error = { key: 'rate' };
        if (err.retryAfter) this.lock(err.retryAfter);
      } else this.error = { key: 'other', text: errorMessage(err) };
    } finally {
      this.busy = false;
    }
  }

  private errorText(): string {
    switch (this.error?.key) {
      case 'bad':
        return t('login.badCredentials');
      case 'rate': {
        const secs = Math.ceil((this.lockedUntil - Date.now()) / 1000);
        return secs > 0 ? t('login.rateLimited', { seconds: secs }) : t('login.rateLimitedNoTime');
      }
      case 'required':
        return t('login.required');
      default:
        return this.error?.text ?? '';
    }
  }

  override render() {
    const locked = this.lockedUntil > Date.now();
    return html`<div class="card">
      <div class="brand">${t('app.name')}<span>${t('app.subtitle')}</span></div>
      <h1>${t('login.title')}</h1>
      <form @submit=${this.onSubmit} data-testid="login-form">
        <label>${t('login.username')}
          <input type="text" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required data-testid="login-username" />
        </label>
        <label>${t('login.password')}
          <input type="password" name="password" autocomplete="current-password" required data-testid="login-password" />
        </label>
        ${this.error ? html`<div class="error" role="alert" data-testid="login-error">${this.errorText()}</div>` : nothing}
        <button type="submit" class="primary" data-testid="login-submit" ?disabled=${this.busy || locked}>
          ${this.busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <div class="lang"><wp-language-switch></wp-language-switch></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-login-page': WpLoginPage;
  }
}
