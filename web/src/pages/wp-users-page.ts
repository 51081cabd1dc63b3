import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { Role } from '../data/types';
import { createUser, fetchUsers, ROLES, type UserRow } from '../data/users';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import { pageStyles } from '../styles/page';

/** User management for administrators: the list of users and a form to create one with a role. */
@customElement('wp-users-page')
export class WpUsersPage extends LitElement {
  @state() private users: UserRow[] = [];
  @state() private loading = false;
  @state() private loadError: string | null = null;
  @state() private formError: string | null = null;
  @state() private notice: string | null = null;
  @state() private busy = false;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      th {
        color: var(--wp-text-muted);
        font-weight: 600;
      }
      .ok {
        color: var(--wp-online);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    this.loading = true;
    try {
      this.users = await fetchUsers();
      this.loadError = null;
    } catch (err) {
      this.loadError = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  private async create(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const d = new FormData(form);
    const username = String(d.get('username') ?? '').trim();
    const password = String(d.get('password') ?? '');
    const role = String(d.get('role') ?? 'operator') as Role;
    this.busy = true;
    this.formError = null;
    this.notice = null;
    try {
      await createUser({ username, password, role });
      form.reset();
      this.notice = t('users.created.ok', { name: username });
      await this.load();
    } catch (err) {
      this.formError = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <h1>${t('users.title')}</h1>
      <form @submit=${this.create} data-testid="user-form">
        <label>${t('users.username')}
          <input type="text" name="username" required maxlength="64" autocomplete="off" autocapitalize="none" spellcheck="false" data-testid="user-form-username" />
        </label>
        <label>${t('users.password')}
          <input type="password" name="password" required autocomplete="new-password" data-testid="user-form-password" />
        </label>
        <label>${t('users.role')}
          <select name="role" data-testid="user-form-role">
            ${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}
          </select>
        </label>
        <button type="submit" class="primary" ?disabled=${this.busy} data-testid="user-form-submit">${t('users.create')}</button>
      </form>
      ${this.formError ? html`<p class="error" role="alert" data-testid="user-form-error">${this.formError}</p>` : nothing}
      ${this.notice ? html`<p class="ok" role="status">${this.notice}</p>` : nothing}
      ${this.loadError ? html`<p class="error" role="alert">${this.loadError}</p>` : nothing}
      <table>
        <thead>
          <tr><th>${t('users.username')}</th><th>${t('users.role')}</th><th>${t('users.status')}</th><th>${t('users.created')}</th></tr>
        </thead>
        <tbody>
          ${this.users.map(
            (u) => html`<tr data-testid="users-row" data-username=${u.username} data-role=${u.role}>
              <td>${u.username}</td>
              <td>${t(`role.${u.role}`)}</td>
              <td>${u.disabled ? t('users.disabled') : t('users.active')}</td>
              <td>${formatDateTime(u.createdAt)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${!this.users.length && !this.loading && !this.loadError ? html`<p class="muted">${t('users.empty')}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-users-page': WpUsersPage;
  }
}
