import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { Role } from '../data/types';
import { ROLES, type CameraGroup, type UserPatch, type UserRow } from '../data/users';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { pageStyles } from '../styles/page';

/**
 * Edits one user: role, display name, camera rights (all cameras, or chosen cameras and groups), enabled.
 * Properties down; events up: `wp-user-save` {patch}, `wp-user-reset` {password}, `wp-user-cancel`.
 */
@customElement('wp-user-editor')
export class WpUserEditor extends LitElement {
  @property({ attribute: false }) user: UserRow | null = null;
  @property({ attribute: false }) cameras: { id: string; name: string }[] = [];
  @property({ attribute: false }) groups: CameraGroup[] = [];
  @property({ type: Boolean }) busy = false;
  @state() private all = true;
  @state() private chosen = new Set<string>();
  @state() private chosenGroups = new Set<number>();
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      fieldset {
        border: 1px solid var(--wp-border);
        padding: 0.5rem 0.75rem;
        margin: 0.5rem 0;
      }
      .choices {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
      }
    `,
  ];

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('user') && this.user) {
      this.all = this.user.cameras === null && this.user.groups.length === 0;
      this.chosen = new Set(this.user.cameras ?? []);
      this.chosenGroups = new Set(this.user.groups);
    }
  }

  private emit(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private save(e: Event): void {
    e.preventDefault();
    const d = new FormData(e.target as HTMLFormElement);
    const patch: UserPatch = {
      role: String(d.get('role')) as Role,
      displayName: String(d.get('displayName') ?? '').trim() || null,
      cameras: this.all ? null : [...this.chosen],
      groups: this.all ? [] : [...this.chosenGroups],
    };
    this.emit('wp-user-save', { patch });
  }

  private reset(e: Event): void {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('[data-testid="user-reset-password"]');
    if (input?.value) this.emit('wp-user-reset', { password: input.value });
  }

  private toggle<T>(set: Set<T>, v: T, on: boolean): Set<T> {
    const next = new Set(set);
    if (on) next.add(v);
    else next.delete(v);
    return next;
  }

  override render() {
    const u = this.user;
    if (!u) return nothing;
    return html`<form @submit=${this.save} data-testid="user-editor" data-username=${u.username}>
        <h2>${u.username}</h2>
        <label>${t('users.displayName')}
          <input type="text" name="displayName" maxlength="100" .value=${u.displayName ?? ''} data-testid="user-edit-display" />
        </label>
        <label>${t('users.role')}
          <select name="role" data-testid="user-edit-role">
            ${ROLES.map((r) => html`<option value=${r} ?selected=${r === u.role}>${t(`role.${r}`)}</option>`)}
          </select>
        </label>
        <fieldset>
          <legend>${t('users.rights')}</legend>
          <label><input type="checkbox" .checked=${this.all} @change=${(e: Event) => (this.all = (e.target as HTMLInputElement).checked)} data-testid="user-edit-all" /> ${t('users.rights.all')}</label>
          ${this.all
            ? nothing
            : html`<p>${t('users.rights.groups')}</p>
                <div class="choices">
                  ${this.groups.map(
                    (g) => html`<label><input type="checkbox" data-testid="user-edit-group" data-group=${g.name} .checked=${this.chosenGroups.has(g.id)}
                      @change=${(e: Event) => (this.chosenGroups = this.toggle(this.chosenGroups, g.id, (e.target as HTMLInputElement).checked))} /> ${g.name}</label>`,
                  )}
                </div>
                <p>${t('users.rights.cameras')}</p>
                <div class="choices">
                  ${this.cameras.map(
                    (c) => html`<label><input type="checkbox" data-testid="user-edit-camera" data-camera=${c.id} .checked=${this.chosen.has(c.id)}
                      @change=${(e: Event) => (this.chosen = this.toggle(this.chosen, c.id, (e.target as HTMLInputElement).checked))} /> ${c.name}</label>`,
                  )}
                </div>`}
        </fieldset>
        <button type="submit" class="primary" ?disabled=${this.busy} data-testid="user-edit-save">${t('users.save')}</button>
        <button type="button" ?disabled=${this.busy} data-testid="user-edit-toggle" @click=${() => this.emit('wp-user-save', { patch: { disabled: !u.disabled } })}>
          ${u.disabled ? t('users.enable') : t('users.disable')}
        </button>
        <button type="button" @click=${() => this.emit('wp-user-cancel')}>${t('users.cancel')}</button>
      </form>
      <form @submit=${this.reset}>
        <label>${t('users.newPassword')}
          <input type="password" autocomplete="new-password" minlength="10" required data-testid="user-reset-password" />
        </label>
        <button type="submit" ?disabled=${this.busy} data-testid="user-reset-submit">${t('users.resetPassword')}</button>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-user-editor': WpUserEditor;
  }
}
