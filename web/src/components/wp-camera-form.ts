import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { Camera, CameraInput } from '../data/types';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';

/**
 * Add / edit a camera. The password is write-only: it is never shown; when editing a camera that has
 * credentials an empty password field keeps them. Fires `camera-submit` ({input}) and `cancel`;
 * the page sends the request and hands the server's message back through `error`.
 */
@customElement('wp-camera-form')
export class WpCameraForm extends LitElement {
  /** The camera being edited; undefined = add a new one. */
  @property({ attribute: false }) camera?: Camera;
  @property() error: string | null = null;
  @property({ type: Boolean }) busy = false;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        background: var(--wp-surface);
        border: 1px solid var(--wp-border);
        border-radius: 8px;
        padding: 1.2em;
      }
      h2 {
        margin: 0 0 0.8em;
        font-size: 1.15em;
      }
      form {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(16em, 1fr));
        gap: 0.8em 1em;
      }
      label {
        display: grid;
        gap: 0.3em;
        font-size: 0.9em;
        color: var(--wp-text-muted);
      }
      label.check {
        display: flex;
        align-items: center;
        gap: 0.5em;
        color: var(--wp-text);
      }
      .wide {
        grid-column: 1 / -1;
      }
      .actions {
        display: flex;
        gap: 0.6em;
        justify-content: flex-end;
      }
      .saved {
        color: var(--wp-online);
        font-size: 0.85em;
      }
    `,
  ];

  private field(form: HTMLFormElement, name: string): string {
    const el = form.elements.namedItem(name);
    return el instanceof HTMLInputElement ? el.value.trim() : '';
  }

  private checked(form: HTMLFormElement, name: string): boolean {
    const el = form.elements.namedItem(name);
    return el instanceof HTMLInputElement && el.checked;
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const cam = this.camera;
    const name = this.field(form, 'name');
    const url = this.field(form, 'url');
    const subUrl = this.field(form, 'subUrl');
    const username = this.field(form, 'username');
    const pwEl = form.elements.namedItem('password');
    const password = pwEl instanceof HTMLInputElement ? pwEl.value : '';
    const enabled = this.checked(form, 'enabled');
    let input: CameraInput;
    if (!cam) {
      input = { name, url, enabled };
      if (subUrl) input.subUrl = subUrl;
      if (username) input.username = username;
      if (password) input.password = password;
    } else {
      input = {};
      if (name !== cam.name) input.name = name;
      if (url !== cam.url) input.url = url;
      if (subUrl !== (cam.subUrl ?? '')) input.subUrl = subUrl || null;
      if (enabled !== cam.enabled) input.enabled = enabled;
      if (username) input.username = username;
      if (password) input.password = password;
      else if (this.checked(form, 'clearPassword')) input.password = '';
    }
    this.dispatchEvent(new CustomEvent('camera-submit', { detail: { input } }));
  }

  override render() {
    const cam = this.camera;
    return html`
      <h2>${cam ? t('form.editTitle', { name: cam.name }) : t('form.addTitle')}</h2>
      <form @submit=${this.onSubmit} data-testid="camera-form" autocomplete="off">
        <label>${t('form.name')}<input type="text" name="name" required data-testid="form-name" .value=${cam?.name ?? ''} /></label>
        <label>${t('form.url')}
          <input type="text" name="url" required placeholder="rtsp://192.168.1.64:554/Streaming/Channels/101" data-testid="form-url" .value=${cam?.url ?? ''} />
        </label>
        <label class="wide">${t('form.subUrl')}
          <input type="text" name="subUrl" placeholder="rtsp://192.168.1.64:554/Streaming/Channels/102" data-testid="form-sub-url" .value=${cam?.subUrl ?? ''} />
        </label>
        <label>${t('form.username')}<input type="text" name="username" autocomplete="off" data-testid="form-username" /></label>
        <label>${t('form.password')}
          <input
            type="password"
            name="password"
            autocomplete="new-password"
            data-testid="form-password"
            placeholder=${cam?.hasCredentials ? t('form.passwordKeep') : ''}
          />
          ${cam?.hasCredentials ? html`<span class="saved" data-testid="credentials-saved">✓ ${t('cameras.credentialsSaved')}</span>` : nothing}
        </label>
        <label class="check">
          <input type="checkbox" name="enabled" data-testid="form-enabled" .checked=${cam?.enabled ?? true} />${t('form.enabled')}
        </label>
        ${cam?.hasCredentials
          ? html`<label class="check"><input type="checkbox" name="clearPassword" data-testid="form-clear-password" />${t('form.clearPassword')}</label>`
          : nothing}
        ${this.error ? html`<div class="error wide" role="alert" data-testid="form-error">${this.error}</div>` : nothing}
        <div class="actions wide">
          <button type="button" data-testid="form-cancel" @click=${() => this.dispatchEvent(new CustomEvent('cancel'))}>${t('form.cancel')}</button>
          <button type="submit" class="primary" data-testid="form-submit" ?disabled=${this.busy}>
            ${this.busy ? t('form.saving') : t('form.save')}
          </button>
        </div>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-camera-form': WpCameraForm;
  }
}
