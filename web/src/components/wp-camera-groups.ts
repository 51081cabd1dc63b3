import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { CameraGroup } from '../data/users';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { pageStyles } from '../styles/page';

/** Camera groups (site, building, area): list, create, delete. Events up: `wp-group-create` {name, cameras}, `wp-group-delete` {id}. */
@customElement('wp-camera-groups')
export class WpCameraGroups extends LitElement {
  @property({ attribute: false }) groups: CameraGroup[] = [];
  @property({ attribute: false }) cameras: { id: string; name: string }[] = [];
  @property({ type: Boolean }) busy = false;
  private readonly l10n = new LocalizeController(this);

  static override styles = [sharedStyles, pageStyles];

  private create(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const d = new FormData(form);
    const name = String(d.get('name') ?? '').trim();
    const cameras = d.getAll('camera').map(String);
    this.dispatchEvent(new CustomEvent('wp-group-create', { detail: { name, cameras }, bubbles: true, composed: true }));
    form.reset();
  }

  override render() {
    const nameOf = (id: string) => this.cameras.find((c) => c.id === id)?.name ?? id;
    return html`<h2>${t('groups.title')}</h2>
      <form @submit=${this.create} data-testid="group-form">
        <label>${t('groups.name')} <input type="text" name="name" required maxlength="100" data-testid="group-form-name" /></label>
        ${this.cameras.map((c) => html`<label><input type="checkbox" name="camera" value=${c.id} data-testid="group-form-camera" data-camera=${c.id} /> ${c.name}</label>`)}
        <button type="submit" class="primary" ?disabled=${this.busy} data-testid="group-form-submit">${t('groups.create')}</button>
      </form>
      ${this.groups.length
        ? html`<table>
            <tbody>
              ${this.groups.map(
                (g) => html`<tr data-testid="group-row" data-group=${g.name}>
                  <td>${g.name}</td>
                  <td>${g.cameras.map(nameOf).join('、')}</td>
                  <td><button type="button" ?disabled=${this.busy} @click=${() => this.dispatchEvent(new CustomEvent('wp-group-delete', { detail: { id: g.id }, bubbles: true, composed: true }))}>${t('groups.delete')}</button></td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">${t('groups.empty')}</p>`}
      ${nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-camera-groups': WpCameraGroups;
  }
}
