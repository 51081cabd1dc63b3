import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { changeOwnPassword, fetchSessions, revokeSession, type SessionView } from '../data/users';
import { formatDateTime, t } from '../i18n';
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
  @state() private sessions: SessionView[] = [];
  private readonly l10n = new LocalizeController(this);

  static override styles = [sharedStyles, pageStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadSessions();
  }

  private async loadSessions(): Promise<void> {
    try {
      this.sessions = await fetchSessions();
    } catch {
      this.sessions = []; // forced change: the list waits until the new password is set
    }
  }

  private async revoke(id: number): Promise<void> {
    try {
      await revokeSession(id);
      await this.loadSessions();
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  private async onSubmit(e: CustomEvent<{ current: string; password: string }>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      await changeOwnPassword(e.detail.current, e.detail.password);
      this.notice = t('password.done');
      void this.loadSessions();
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<h1>${t('password.title')}</h1>
      ${this.forced ? html`<p class="error" role="alert" data-testid="password-forced">${t('password.forced')}</p>` : nothing}
      <wp-password-form .busy=${this.busy} .error=${this.error} .notice=${this.notice} @wp-password-submit=${this.onSubmit}></wp-password-form>
      ${this.forced
        ? nothing
        : html`<h2>${t('sessions.title')}</h2>
            <table>
              <thead><tr><th>${t('sessions.lastSeen')}</th><th>${t('sessions.address')}</th><th>${t('sessions.browser')}</th><th></th></tr></thead>
              <tbody>
                ${this.sessions.map(
                  (s) => html`<tr data-testid="session-row" data-current=${String(!!s.current)}>
                    <td>${formatDateTime(s.lastSeenAt)}</td><td>${s.ip ?? '—'}</td><td data-raw>${(s.userAgent ?? '—').slice(0, 60)}</td>
                    <td>${s.current
                      ? t('sessions.current')
                      : html`<button type="button" data-testid="session-revoke" @click=${() => void this.revoke(s.id)}>${t('sessions.revoke')}</button>`}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-password-page': WpPasswordPage;
  }
}
