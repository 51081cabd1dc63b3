import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { Camera, CameraInput, CameraTestInput, CameraTestResult } from '../data/types';
import { t } from '../i18n';
import { cardFormHostStyles } from '../styles/card';

/**
 * Add / edit a camera. The password is write-only: it is never shown; when editing a camera that has
 * credentials an empty password field keeps them. Fires `camera-submit` ({input}) and `cancel`;
 * the page sends the request and hands the server's message back through `error`.
 * "Test connection" fires `camera-test` ({input: CameraTestInput}); the page probes the source
 * (data/cameras.ts testCameraSource) and hands back `testing`, `testResult` or `testError`.
 * `existingCameras` (the other cameras) lets the form warn — not block — on a duplicate name.
 */

const CODECS: Record<string, string> = { h264: 'H.264', hevc: 'H.265', h265: 'H.265', mjpeg: 'MJPEG', mpeg4: 'MPEG-4' };
const codecName = (c: string): string => CODECS[c.toLowerCase()] ?? c.toUpperCase();
const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();
@customElement('wp-camera-form')
export class WpCameraForm extends LitElement {
  /** The camera being edited; undefined = add a new one. */
  @property({ attribute: false }) camera?: Camera;
  @property() error: string | null = null;
  @property({ type: Boolean }) busy = false;
  /** All cameras (id and name); the one being edited is ignored by the duplicate-name warning. */
  @property({ attribute: false }) existingCameras: readonly Pick<Camera, 'id' | 'name'>[] = [];
  @property({ type: Boolean }) testing = false;
  @property({ attribute: false }) testResult: CameraTestResult | null = null;
  /** A request error of the test (already translated by the page). */
  @property() testError: string | null = null;

  @state() private typedName = '';
  /** The source fields changed since the last test: its result no longer applies. */
  @state() private stale = false;
  @state() private needsUrl = false;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    cardFormHostStyles,
    css`
      h2 {
        margin: 0 0 0.8em;
        font-size: 1.15em;
      }
      form {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(16em, 1fr));
        gap: 0.8em 1em;
      }
      label.check {
        display: flex;
        align-items: center;
        gap: 0.5em;
        color: var(--wp-text);
      }
      .test {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5em 1em;
      }
      .test dl {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2em 1em;
        margin: 0;
        font-size: 0.9em;
      }
      .test dt {
        color: var(--wp-text-muted);
        display: inline;
      }
      .test dd {
        display: inline;
        margin: 0 0 0 0.3em;
        color: var(--wp-online);
      }
      .test .error {
        font-size: 0.9em;
      }
      .warning {
        color: var(--wp-starting);
        font-size: 0.85em;
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

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('camera')) {
      this.typedName = this.camera?.name ?? '';
      this.stale = false;
    }
  }

  private onTest(): void {
    const form = this.renderRoot.querySelector('form');
    if (!form) return;
    const url = this.field(form, 'url');
    this.needsUrl = !url;
    if (!url) return;
    const input: CameraTestInput = { url };
    const username = this.field(form, 'username');
    const pwEl = form.elements.namedItem('password');
    const password = pwEl instanceof HTMLInputElement ? pwEl.value : '';
    if (username) input.username = username;
    if (password) input.password = password;
    // editing without new credentials: the server uses the saved ones (towards the same host:port only)
    if (this.camera && !username && !password && !this.checked(form, 'clearPassword')) input.cameraId = this.camera.id;
    this.stale = false;
    this.dispatchEvent(new CustomEvent('camera-test', { detail: { input } }));
  }

  private onSourceInput(): void {
    this.stale = true;
    this.needsUrl = false;
  }

  private get duplicate(): string | undefined {
    const typed = this.typedName;
    if (!typed.trim()) return undefined;
    return this.existingCameras.find((c) => c.id !== this.camera?.id && sameName(c.name, typed))?.name;
  }

  private renderTest() {
    const r = this.stale ? null : this.testResult;
    const err = this.stale ? null : this.testError;
    let out: unknown = nothing;
    if (this.needsUrl) out = html`<span class="error" data-testid="form-test-error" data-code="needs_url">${t('form.testNeedsUrl')}</span>`;
    else if (this.testing) out = nothing;
    else if (err) out = html`<span class="error" data-testid="form-test-error" data-code="request">${err}</span>`;
    else if (r?.ok) {
      const unknown = t('form.testUnknown');
      out = html`<dl data-testid="form-test-result">
        <div><dt>${t('form.testResolution')}</dt><dd data-testid="test-resolution">${r.width && r.height ? `${r.width}×${r.height}` : unknown}</dd></div>
        <div><dt>${t('form.testCodec')}</dt><dd data-testid="test-codec">${codecName(r.codec)}</dd></div>
        <div><dt>${t('form.testFps')}</dt><dd data-testid="test-fps">${r.fps ? t('form.testFpsValue', { fps: Math.round(r.fps * 100) / 100 }) : unknown}</dd></div>
        <div><dt>${t('form.testBitrate')}</dt><dd data-testid="test-bitrate">${r.bitrateKbps ? t('form.testBitrateValue', { kbps: r.bitrateKbps }) : unknown}</dd></div>
      </dl>`;
    } else if (r) {
      out = html`<span class="error" data-testid="form-test-error" data-code=${r.code}
        >${t(`form.testError.${r.code}`)}${r.code === 'probe_failed' && r.detail ? html`: <span data-raw>${r.detail}</span>` : nothing}</span
      >`;
    }
    return html`<div class="test wide" aria-live="polite" aria-busy=${this.testing ? 'true' : 'false'}>
      <button type="button" data-testid="form-test" ?disabled=${this.testing} @click=${this.onTest}>
        ${this.testing ? t('form.testing') : t('form.test')}
      </button>
      ${out}
    </div>`;
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
    const dup = this.duplicate;
    return html`
      <h2>${cam ? t('form.editTitle', { name: cam.name }) : t('form.addTitle')}</h2>
      <form @submit=${this.onSubmit} data-testid="camera-form" autocomplete="off">
        <label>${t('form.name')}<input
            type="text"
            name="name"
            required
            data-testid="form-name"
            .value=${cam?.name ?? ''}
            @input=${(e: InputEvent) => (this.typedName = (e.target as HTMLInputElement).value)}
          />${dup !== undefined ? html`<span class="warning" role="status" data-testid="form-duplicate-name">⚠ ${t('form.duplicateName', { name: dup })}</span>` : nothing}</label>
        <label>${t('form.url')}
          <input type="text" name="url" required placeholder="rtsp://192.168.1.64:554/Streaming/Channels/101" data-testid="form-url" .value=${cam?.url ?? ''} @input=${this.onSourceInput} />
        </label>
        <label class="wide">${t('form.subUrl')}
          <input type="text" name="subUrl" placeholder="rtsp://192.168.1.64:554/Streaming/Channels/102" data-testid="form-sub-url" .value=${cam?.subUrl ?? ''} />
        </label>
        <label>${t('form.username')}<input type="text" name="username" autocomplete="off" data-testid="form-username" @input=${this.onSourceInput} /></label>
        <label>${t('form.password')}
          <input
            type="password"
            name="password"
            autocomplete="new-password"
            data-testid="form-password"
            @input=${this.onSourceInput}
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
        ${this.renderTest()}
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
