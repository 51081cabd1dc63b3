import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { acknowledgeAlarm, alarms, dismissPopup, openAlarmCount, type Alarm } from '../data/alarms';
import { dismissDispatchPopup, dismissedDispatches, dispatchPopups } from '../data/dispatches';
import { formatDateTime, t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import './wp-dispatch-steps';
import { sharedStyles } from '../styles/shared';

let audio: AudioContext | undefined;
/** Alarms this page has beeped for (id + re-open time): coming back to the wall does not beep again; a reload, or the alarm re-opened, does. */
const announced = new Set<string>();
const announceKey = (a: Alarm) => `${a.id}:${a.reopenedMs ?? ''}`;
/** The browser refused the last beep (page-wide, like `announced`: a re-created pop-up must still offer the unlock). */
let soundRefused = false;

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

/** Resume the audio context inside a user gesture; resolves true once sound can play. */
async function unlockAudio(): Promise<boolean> {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') await audio.resume();
    return audio.state === 'running';
  } catch {
    return false;
  }
}

/**
 * Alarm pop-up of the wall: every open (not acknowledged) alarm, high priority first, with its snapshot, until
 * it is acknowledged (here or anywhere) or dismissed — also after a reload (data/alarms.ts pops up the open
 * ones on load). Beeps when one arrives; when the browser refuses sound without a user gesture (autoplay
 * policy, typically right after a reload) it shows "click to enable the alarm sound" and beeps on that click.
 * Above the cards: the count of alarms not resolved yet, linking to the queue.
 */
@customElement('wp-alarm-popup')
export class WpAlarmPopup extends LitElement {
  private readonly store = new StoreController(this, alarms);
  private readonly dismissedDispatches = new StoreController(this, dismissedDispatches);
  private readonly l10n = new LocalizeController(this);
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
      .count {
        pointer-events: auto;
        align-self: flex-end;
        background: var(--wp-offline, #e53935);
        color: #fff;
        font-weight: 700;
        padding: 0.2em 0.7em;
        border-radius: 1em;
        text-decoration: none;
        box-shadow: 0 2px 8px rgb(0 0 0 / 0.5);
      }
      button.sound {
        pointer-events: auto;
        align-self: flex-end;
      }
      .prio {
        font-size: 0.8em;
        padding: 0 0.4em;
        border-radius: 3px;
        background: var(--wp-surface-2);
        margin-left: 0.4em;
        vertical-align: middle;
      }
      .card.dispatch {
        border-color: var(--wp-accent);
        animation: none;
      }
      .card.dispatch.late {
        border-color: var(--wp-offline, #e53935);
        animation: flash 1s ease-in-out 3;
      }
      .card[data-priority='1'] .prio {
        background: var(--wp-offline, #e53935);
        color: #fff;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.soundBlocked = soundRefused;
    window.addEventListener('pointerdown', this.unlock);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pointerdown', this.unlock);
  }

  private readonly unlock = () => {
    if (!this.soundBlocked) {
      if (audio?.state === 'suspended') void audio.resume();
      return;
    }
    void this.enableSound();
  };

  /** A user gesture: sound is allowed from now on; beep now when alarms are still waiting. */
  private async enableSound() {
    if (await unlockAudio()) {
      soundRefused = false;
      this.soundBlocked = false;
      if (this.store.value.popups.length) beep();
    }
  }

  protected override willUpdate(): void {
    // a guard dispatch not accepted in time (issue L point 2) beeps like a new alarm
    const late = dispatchPopups(this.store.value.list, this.dismissedDispatches.value).filter((a) => a.guardDispatch?.overdueAt != null && !announced.has(`d${a.guardDispatch.id}`));
    for (const a of late) announced.add(`d${a.guardDispatch!.id}`);
    if (late.length) soundRefused = !beep();
    const fresh = this.store.value.popups.filter((p) => !announced.has(announceKey(p)));
    if (fresh.length) {
      for (const p of fresh) announced.add(announceKey(p));
      soundRefused = !beep();
      this.soundBlocked = soundRefused;
    }
  }

  private async ack(a: Alarm) {
    this.error = '';
    try {
      await acknowledgeAlarm(a.id);
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  override render() {
    const popups = this.store.value.popups;
    const open = openAlarmCount(this.store.value);
    const count = open
      ? html`<a class="count" href="/alarms" data-testid="wall-alarm-count" data-count=${open}>${open === 1 ? t('alarms.openCountOne') : t('alarms.openCount', { n: open })}</a>`
      : nothing;
    const dispatches = dispatchPopups(this.store.value.list, this.dismissedDispatches.value);
    if (!popups.length && !dispatches.length) return count;
    return html`
      ${count}
      ${this.soundBlocked
        ? html`<button type="button" class="sound" data-testid="sound-blocked" @click=${() => this.enableSound()}>${t('popup.enableSound')}</button>`
        : nothing}
      ${popups.map(
        (a) => html`<div class="card" role="alertdialog" data-testid="alarm-popup" data-alarm-id=${a.id} data-priority=${a.priority ?? 2}>
          ${a.snapshotUrl ? html`<img src=${a.snapshotUrl} alt=${t('alarms.snapshot')} />` : html`<div></div>`}
          <div>
            <h3>${t('popup.title')}: ${t(`alarms.kind.${a.kind}`)}<span class="prio" data-testid="popup-priority">${t(`alarms.priority.${a.priority ?? 2}`)}</span></h3>
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
      ${dispatches.map(
        (a) => html`<div class="card dispatch ${a.guardDispatch?.overdueAt != null ? 'late' : ''}" data-testid="dispatch-popup" data-alarm-id=${a.id}>
          ${a.snapshotUrl ? html`<img src=${a.snapshotUrl} alt=${t('alarms.snapshot')} />` : html`<div></div>`}
          <div>
            <h3>${t('dispatch.popupTitle')}: ${t(`alarms.kind.${a.kind}`)}</h3>
            <div><strong>${a.cameraName ?? a.cameraId}</strong> · <span class="meta">${t('alarms.zone', { zone: a.zone })}</span></div>
            <wp-dispatch-steps compact .dispatch=${a.guardDispatch}></wp-dispatch-steps>
            <div class="actions">
              <button type="button" data-testid="dispatch-popup-dismiss" @click=${() => dismissDispatchPopup(a)}>${t('popup.dismiss')}</button>
              <a class="button" href="/alarms">${t('popup.open')}</a>
            </div>
          </div>
        </div>`,
      )}
      ${this.error ? html`<div class="err">${this.error}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-alarm-popup': WpAlarmPopup;
  }
}
