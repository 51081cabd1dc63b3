import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { acknowledgeAlarm, alarms, dismissPopup, type Alarm } from '../data/alarms';
import { formatDateTime, t } from '../i18n';
import { sharedStyles } from '../styles/shared';

let audio: AudioContext | undefined;

/** A short two-tone beep made with WebAudio (no audio file). Returns false when the browser blocks sound. */
export function beep(): boolean {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
    const ctx = audio;
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    const t0 = ctx.currentTime;
    for (const [i, f] of [880, 660, 880].entries()) {
      const osc = ctx.createOscillator();
      osc.type = 'square';
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start(t0 + i * 0.18);
      osc.stop(t0 + i * 0.18 + 0.14);
    }
    gain.gain.setValueAtTime(0.12, t0);
    gain.gain.setValueAtTime(0, t0 + 0.6);
    return ctx.state === 'running';
  } catch {
    return false;
  }
}

/**
 * Alarm pop-up of the wall: every alarm raised while the wall is open, with its snapshot, until it is
 * acknowledged (here or anywhere) or dismissed. Beeps when a new one arrives.
 */
@customElement('wp-alarm-popup')
export class WpAlarmPopup extends LitElement {
  private readonly store = new StoreController(this, alarms);
  private readonly l10n = new LocalizeController(this);
  private seen = new Set<number>();
  @state() private soundBlocked = false;
  @state() private error = '';

  static override styles = [
    sharedStyles,
    css`
      :host {
        position: absolute;
        top: 3.2em;
        right: 1em;
        z-index: 20;
        display: flex;
        flex-direction: column;
        gap: 0.6em;
        max-width: min(30em, 90vw);
        pointer-events: none;
      }
      .card {
        pointer-events: auto;
        background: var(--wp-surface);
        border: 3px solid var(--wp-offline, #e53935);
        border-radius: 6px;
        padding: 0.6em;
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.6);
        display: grid;
        grid-template-columns: 11em 1fr;
        gap: 0.6em;
        animation: flash 1s ease-in-out 3;
      }
      @keyframes flash {
        50% {
          border-color: #ffc800;
        }
      }
      img {
        width: 100%;
        border-radius: 3px;
        background: #000;
      }
      h3 {
        margin: 0 0 0.2em;
        color: var(--wp-offline, #e53935);
      }
      .meta {
        color: var(--wp-text-muted);
        font-size: 0.9em;
      }
      .actions {
        display: flex;
        gap: 0.4em;
        margin-top: 0.5em;
        flex-wrap: wrap;
      }
      .hint,
      .err {
        pointer-events: auto;
        background: var(--wp-surface);
        padding: 0.3em 0.6em;
        border-radius: 4px;
      }
      .err {
        color: var(--wp-offline, #e53935);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    // alarms already up when the wall opens do not beep again
    this.seen = new Set(this.store.value.popups.map((p) => p.id));
    window.addEventListener('pointerdown', this.unlock);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pointerdown', this.unlock);
  }

  private readonly unlock = () => {
    if (audio?.state === 'suspended') void audio.resume();
    this.soundBlocked = false;
  };

  protected override willUpdate(): void {
    const fresh = this.store.value.popups.filter((p) => !this.seen.has(p.id));
    if (fresh.length) {
      for (const p of fresh) this.seen.add(p.id);
      this.soundBlocked = !beep();
    }
  }

  private async ack(a: Alarm) {
    this.error = '';
    try {
      await acknowledgeAlarm(a.id);
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  override render() {
    const popups = this.store.value.popups;
    if (!popups.length) return nothing;
    return html`
      ${popups.map(
        (a) => html`<div class="card" role="alertdialog" data-testid="alarm-popup" data-alarm-id=${a.id}>
          ${a.snapshotUrl ? html`<img src=${a.snapshotUrl} alt=${t('alarms.snapshot')} />` : html`<div></div>`}
          <div>
            <h3>${t('popup.title')}: ${t(`alarms.kind.${a.kind}`)}</h3>
            <div><strong>${a.cameraName ?? a.cameraId}</strong></div>
            <div class="meta">${t('alarms.zone', { zone: a.zone })} · ${formatDateTime(a.startMs, false)}</div>
            <div class="actions">
              <button type="button" class="primary" data-testid="popup-ack" @click=${() => this.ack(a)}>${t('alarms.ack')}</button>
              <button type="button" data-testid="popup-dismiss" @click=${() => dismissPopup(a.id)}>${t('popup.dismiss')}</button>
              <a class="button" href="/alarms" data-testid="popup-open">${t('popup.open')}</a>
            </div>
          </div>
        </div>`,
      )}
      ${this.soundBlocked ? html`<div class="hint" data-testid="sound-blocked">${t('popup.soundBlocked')}</div>` : nothing}
      ${this.error ? html`<div class="err">${this.error}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-alarm-popup': WpAlarmPopup;
  }
}
