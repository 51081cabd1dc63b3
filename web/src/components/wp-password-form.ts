import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { pageStyles } from '../styles/page';

/** Current + new + repeated password. Properties down; fires `wp-password-submit` {current, password}. */
@customElement('wp-password-form')
export class WpPasswordForm extends LitElement {
  @property({ type: Boolean }) busy = false;
  @property({ attribute: false }) error: string | null = null;
  @property({ attribute: false }) notice: string | null = null;
  private mismatch = false;
  private readonly l10n = new LocalizeController(this);

  static override styles = [sharedStyles, pageStyles];

  private submit(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const d = new FormData(form);
    const password = String(d.get('password') ?? '');
    this.mismatch = password !== String(d.get('repeat') ?? '');
    this.requestUpdate();
    if (this.mismatch) return;
    this.dispatchEvent(new CustomEvent('wp-password-submit', { detail: { current: String(d.get('current') ?? ''), password }, bubbles: true, composed: true }));
  }

  override render() {
    const err = this.mismatch ? t('password.mismatch') : this.error;
    return html`<form @submit=${this.submit} data-testid="password-form">
      <label>${t('password.current')}
        <input type="password" name="current" required autocomplete="current-password" data-testid="password-current" />
      </label>
      <label>${t('password.new')}
        <input type="password" name="password" required minlength="10" autocomplete="new-password" data-testid="password-new" />
      </label>
      <label>${t('password.repeat')}
        <input type="password" name="repeat" required minlength="10" autocomplete="new-password" data-testid="password-repeat" />
      </label>
      <button type="submit" class="primary" ?disabled=${this.busy} data-testid="password-submit">${t('password.submit')}</button>
      <p class="muted">${t('password.rule')}</p>
      ${err ? html`<p class="error" role="alert" data-testid="password-error">${err}</p>` : nothing}
      ${this.notice ? html`<p class="ok" role="status" data-testid="password-notice">${this.notice}</p>` : nothing}
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-password-form': WpPasswordForm;
  }
}
