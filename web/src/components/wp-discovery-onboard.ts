import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { deviceLabel, formatOffset, onboardCamera, onvifError, probeCamera, type OnvifProfile, type ProbeResult } from '../data/onvif';
import type { Camera } from '../data/types';
import { t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { cardFormHostStyles } from '../styles/card';
import { fieldBox } from '../styles/form';
import { detailList } from '../styles/details';

const describe = (p: OnvifProfile) =>
  `${p.name || p.token} — ${p.encoding ?? '?'} ${p.width ?? '?'}×${p.height ?? '?'}${p.fps ? ` ${p.fps} fps` : ''}`;

/**
 * Onboard one ONVIF device: credentials → Connect (probe: preview, profiles, clock) → Add camera.
 * The password lives only in the input until the camera is added, then the form is gone.
 * Fires `onboarded` ({camera}) and `cancel`.
 */
@customElement('wp-discovery-onboard')
export class WpDiscoveryOnboard extends LitElement {
  @property() xaddr = '';
  @property() urn = '';
  /** Name from discovery, used as the default camera name. */
  @property() deviceName = '';

  @state() private probe: ProbeResult | null = null;
  @state() private busy: 'probe' | 'add' | null = null;
  @state() private error: string | null = null;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    cardFormHostStyles,
    css`
      :host {
        border-color: var(--wp-accent);
        padding: 1em 1.2em;
      }
      h3 {
        margin: 0 0 0.3em;
        font-size: 1.05em;
      }
      .xaddr {
        font-family: var(--wp-mono);
        font-size: 0.85em;
        color: var(--wp-text-muted);
        word-break: break-all;
        margin-bottom: 0.8em;
      }
      form {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(14em, 1fr));
        gap: 0.8em 1em;
        align-items: end;
      }
      ${fieldBox('select', '0.45em 0.5em')}
      .hint {
        font-size: 0.85em;
      }
      .preview {
        display: grid;
        grid-template-columns: 16em 1fr;
        gap: 1em;
        margin-top: 1em;
      }
      .preview img,
      .nopreview {
        width: 16em;
        aspect-ratio: 16 / 9;
        border-radius: var(--wp-radius);
        background: #000;
        object-fit: cover;
      }
      .nopreview {
        display: grid;
        place-items: center;
        padding: 0.5em;
        font-size: 0.85em;
        text-align: center;
      }
      ${detailList('0.4em')}
      .warn {
        color: #ffd37a;
        font-weight: 600;
      }
      .actions {
        margin-top: 1em;
      }
      .error {
        margin-top: 0.8em;
      }
      @media (max-width: 700px) {
        .preview {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  private value(name: string): string {
    const el = this.renderRoot.querySelector(`[name="${name}"]`);
    return el instanceof HTMLInputElement || el instanceof HTMLSelectElement ? el.value : '';
  }

  private credentials() {
    return { xaddr: this.xaddr, username: this.value('username').trim(), password: this.value('password'), ...(this.urn ? { urn: this.urn } : {}) };
  }

  private async connect(e: Event): Promise<void> {
    e.preventDefault();
    this.busy = 'probe';
    this.error = null;
    this.probe = null;
    try {
      this.probe = await probeCamera(this.credentials());
    } catch (err) {
      this.error = onvifError(err) ?? errorMessage(err);
    } finally {
      this.busy = null;
    }
  }

  private async add(): Promise<void> {
    const p = this.probe;
    if (!p) return;
    this.busy = 'add';
    this.error = null;
    const sub = this.value('subProfile');
    try {
      const camera: Camera = await onboardCamera({
        ...this.credentials(),
        name: this.value('name').trim() || undefined,
        mainProfile: this.value('mainProfile') || p.main.token,
        subProfile: sub || null,
      });
      this.dispatchEvent(new CustomEvent('onboarded', { detail: { camera } }));
    } catch (err) {
      this.error = onvifError(err) ?? errorMessage(err);
    } finally {
      this.busy = null;
    }
  }

  private renderPreview(p: ProbeResult) {
    const d = p.device;
    const name = this.deviceName || deviceLabel(d) || t('discovery.unnamed');
    return html`<div class="preview" data-testid="onboard-preview">
        ${p.thumbnail
          ? html`<img src=${p.thumbnail} alt=${t('onboard.previewAlt')} data-testid="onboard-thumbnail" />`
          : html`<div class="nopreview muted">${t('onboard.noPreview', { reason: p.thumbnailError ?? '—' })}</div>`}
        <dl>
          <dt>${t('onboard.device')}</dt>
          <dd data-testid="onboard-device">${deviceLabel(d)} ${d.firmware ? `(${d.firmware})` : ''}</dd>
          <dt>${t('onboard.clock')}</dt>
          <dd data-testid="onboard-clock" class=${p.clockWarning ? 'warn' : ''} data-warning=${p.clockWarning ? 'true' : 'false'}>
            ${p.clockWarning ? `⚠ ${t('onboard.clockWarn', { offset: formatOffset(p.clockOffsetMs) })}` : t('onboard.clockOk', { offset: formatOffset(p.clockOffsetMs) })}
          </dd>
          <dt>${t('onboard.capabilities')}</dt>
          <dd>${[p.capabilities.ptz ? t('onboard.ptz') : '', p.capabilities.snapshot ? t('onboard.snapshot') : ''].filter(Boolean).join(', ') || '—'}</dd>
        </dl>
      </div>
      ${p.alreadyAdded ? html`<div class="error" role="alert">${t('onboard.alreadyAdded', { id: p.alreadyAdded })}</div>` : nothing}
      <form class="wide" style="margin-top:1em" @submit=${(e: Event) => (e.preventDefault(), void this.add())}>
        <label>${t('onboard.name')}<input type="text" name="name" data-testid="onboard-name" maxlength="100" .value=${name} /></label>
        <label>${t('onboard.main')}
          <select name="mainProfile" data-testid="onboard-main">
            ${p.profiles.map((x) => html`<option value=${x.token} ?selected=${x.token === p.main.token}>${describe(x)}</option>`)}
          </select>
        </label>
        <label>${t('onboard.sub')}
          <select name="subProfile" data-testid="onboard-sub">
            <option value="" ?selected=${!p.sub}>${t('onboard.noSub')}</option>
            ${p.profiles.map((x) => html`<option value=${x.token} ?selected=${x.token === p.sub?.token}>${describe(x)}</option>`)}
          </select>
        </label>
      </form>`;
  }

  override render() {
    const p = this.probe;
    return html`
      <h3>${t('onboard.title', { name: this.deviceName || t('discovery.unnamed') })}</h3>
      <div class="xaddr">${this.xaddr}</div>
      <form @submit=${this.connect} autocomplete="off" data-testid="onboard-form">
        <label>${t('onboard.username')}<input type="text" name="username" autocomplete="off" data-testid="onboard-username" /></label>
        <label>${t('onboard.password')}<input type="password" name="password" autocomplete="new-password" data-testid="onboard-password" /></label>
        <div>
          <button type="submit" data-testid="onboard-connect" ?disabled=${this.busy !== null}>
            ${this.busy === 'probe' ? t('onboard.connecting') : t('onboard.connect')}
          </button>
        </div>
        <div class="hint muted wide">${t('onboard.hint')}</div>
      </form>
      ${p ? this.renderPreview(p) : nothing}
      ${this.error ? html`<div class="error" role="alert" data-testid="onboard-error">${this.error}</div>` : nothing}
      <div class="actions">
        <button type="button" data-testid="onboard-cancel" @click=${() => this.dispatchEvent(new CustomEvent('cancel'))}>${t('onboard.cancel')}</button>
        <button type="button" class="primary" data-testid="onboard-add" ?disabled=${!p || this.busy !== null || !!p.alreadyAdded} @click=${this.add}>
          ${this.busy === 'add' ? t('onboard.adding') : t('onboard.add')}
        </button>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-discovery-onboard': WpDiscoveryOnboard;
  }
}
