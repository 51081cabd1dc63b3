import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { Role } from '../data/types';
import { cameras } from '../data/cameras';
import { createGroup, createUser, deleteGroup, fetchGroups, fetchUsers, resetPassword, ROLES, updateUser, type CameraGroup, type UserPatch, type UserRow } from '../data/users';
import { StoreController } from '../controllers/store-controller';
import '../components/wp-user-editor';
import '../components/wp-camera-groups';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import { pageStyles } from '../styles/page';
import { columnHeadStyles } from '../styles/table';

/** User management for administrators: users (create, role, rights, disable, reset password) and camera groups. */
@customElement('wp-users-page')
export class WpUsersPage extends LitElement {
  @state() private users: UserRow[] = [];
  @state() private loading = false;
  @state() private loadError: string | null = null;
  @state() private formError: string | null = null;
  @state() private notice: string | null = null;
  @state() private busy = false;
  @state() private groups: CameraGroup[] = [];
  @state() private editing: UserRow | null = null;
  private readonly cams = new StoreController(this, cameras);

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      ${columnHeadStyles}
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
      [this.users, this.groups] = await Promise.all([fetchUsers(), fetchGroups()]);
      if (this.editing) this.editing = this.users.find((u) => u.id === this.editing!.id) ?? null;
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

  private async run(fn: () => Promise<unknown>, ok: string | null): Promise<void> {
    this.busy = true;
    this.formError = null;
    this.notice = null;
    try {
      await fn();
      this.notice = ok;
      await this.load();
    } catch (err) {
      this.formError = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  private readonly onSave = (e: CustomEvent<{ patch: UserPatch }>) => void this.run(() => updateUser(this.editing!.id, e.detail.patch), t('users.saved'));
  private readonly onReset = (e: CustomEvent<{ password: string }>) =>
    void this.run(() => resetPassword(this.editing!.id, e.detail.password), t('users.resetDone', { name: this.editing!.username }));
  private readonly onGroupCreate = (e: CustomEvent<{ name: string; cameras: string[] }>) => void this.run(() => createGroup(e.detail.name, e.detail.cameras), null);
  private readonly onGroupDelete = (e: CustomEvent<{ id: number }>) => void this.run(() => deleteGroup(e.detail.id), null);

  private rights(u: UserRow): string {
    if (u.cameras === null && u.groups.length === 0) return t('users.rights.all');
    return t('users.rights.some', { n: u.cameras?.length ?? 0, g: u.groups.length });
  }

  override render() {
    const camList = this.cams.value.cameras.map((c) => ({ id: c.id, name: c.name }));
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
          <tr><th>${t('users.username')}</th><th>${t('users.role')}</th><th>${t('users.rights')}</th><th>${t('users.status')}</th><th>${t('users.created')}</th><th></th></tr>
        </thead>
        <tbody>
          ${this.users.map(
            (u) => html`<tr data-testid="users-row" data-username=${u.username} data-role=${u.role}>
              <td>${u.username}${u.displayName ? html` <span class="muted">${u.displayName}</span>` : nothing}</td>
              <td>${t(`role.${u.role}`)}</td>
              <td>${this.rights(u)}</td>
              <td data-testid="users-status">${u.disabled ? t('users.disabled') : t('users.active')}${u.mustChangePassword ? html` · ${t('users.mustChange')}` : nothing}</td>
              <td>${formatDateTime(u.createdAt)}</td>
              <td><button type="button" data-testid="users-edit" @click=${() => (this.editing = u)}>${t('users.edit')}</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${!this.users.length && !this.loading && !this.loadError ? html`<p class="muted">${t('users.empty')}</p>` : nothing}
      <wp-user-editor .user=${this.editing} .cameras=${camList} .groups=${this.groups} .busy=${this.busy}
        @wp-user-save=${this.onSave} @wp-user-reset=${this.onReset} @wp-user-cancel=${() => (this.editing = null)}></wp-user-editor>
      <wp-camera-groups .groups=${this.groups} .cameras=${camList} .busy=${this.busy}
        @wp-group-create=${this.onGroupCreate} @wp-group-delete=${this.onGroupDelete}></wp-camera-groups>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-users-page': WpUsersPage;
  }
}
