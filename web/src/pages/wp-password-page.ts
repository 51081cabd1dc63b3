import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { changeOwnPassword } from '../data/users';
import { t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import { pageStyles } from '../styles/page';
import '../components/wp-password-form';

/** Change one's own password; shown instead of everything else while an admin reset is pending (`forced`). */
@customElement('wp-password-page')
export class WpPasswordPage extends LitElement {
  @property({ type: Boolean }) forced = false;
  @state() private busy = false;
  @state() private error: string | null = null;
  @state() private notice: string | null = null;
  private readonly l10n = new LocalizeController(this);

  static override styles = [sharedStyles, pageStyles];

  private async onSubmit(e: CustomEvent<{ current: string; password: string }>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      await changeOwnPassword(e.detail.current, e.detail.password);
      this.notice = t('password.done');
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<h1>${t('password.title')}</h1>
      ${this.forced ? html`<p class="error" role="alert" data-testid="password-forced">${t('password.forced')}</p>` : nothing}
      <wp-password-form .busy=${this.busy} .error=${this.error} .notice=${this.notice} @wp-password-submit=${this.onSubmit}></wp-password-form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-password-page': WpPasswordPage;
  }
}
