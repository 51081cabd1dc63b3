import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { cameras } from '../data/cameras';
import { abandonRound, checklistMissing, confirmStop, fetchRound, serverNow, skipStop, type Round, type RoundStop } from '../data/patrol';
import { t } from '../i18n';
import { formErrors, NO_ERRORS, type FormErrors } from '../i18n/patrol-fields';
import { renderResult, resultStyles } from './round-result';
import { sharedStyles } from '../styles/shared';
import '../components/wp-camera-tile';
import { fieldBox } from '../styles/form';

type Mode = 'idle' | 'anomaly' | 'skip' | 'abandon';

/** The fields of the stepper's forms a 400 can be about (shown under them). */
const FIELDS = new Set(['note', 'reason', 'checks']);

/**
 * Full-screen stepper of a round in progress: the stop's live video large, its checklist, the minimum-dwell
 * countdown (the server enforces it too) and the outcome buttons; "normal" waits for the whole checklist when the
 * route requires it, and says so. A closed round shows its result (round-result.ts). Fires `round-changed`
 * ({round}) and, from the result, `round-closed`.
 */
@customElement('wp-round-stepper')
export class WpRoundStepper extends LitElement {
  @property({ attribute: false }) round!: Round;
  @state() private mode: Mode = 'idle';
  @state() private busy = false;
  @state() private errors: FormErrors = NO_ERRORS;
  @state() private checks: boolean[] = [];
  @state() private now = serverNow();
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private shown: { key: string; from: number | null; to: number | null } = { key: '', from: null, to: null };
  private readonly cams = new StoreController(this, cameras);
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    resultStyles,
    css`
      :host {
        position: fixed;
        inset: 0;
        z-index: 50;
        background: var(--wp-bg);
        display: grid;
        grid-template: auto minmax(0, 1fr) / minmax(0, 1fr) 22em;
      }
      header {
        grid-column: 1 / -1;
        display: flex;
        gap: 1em;
        align-items: center;
        padding: 0.6em 1em;
        background: var(--wp-surface);
        border-bottom: 1px solid var(--wp-border);
      }
      h1 { margin: 0; font-size: 1.25em; flex: 1; }
      .player { padding: 1em; min-height: 0; display: grid; place-items: center; container-type: size; }
      wp-camera-tile { width: min(100cqw, 100cqh * 16 / 9); aspect-ratio: 16 / 9; }
      aside { padding: 1em; border-left: 1px solid var(--wp-border); background: var(--wp-surface); overflow: auto; display: flex; flex-direction: column; gap: 0.8em; }
      .alarm { color: #fff; background: var(--wp-offline); border-radius: 4px; padding: 0.1em 0.5em; font-weight: 700; }
      .dwell { font-size: 1.2em; font-weight: 700; }
      .dwell.ready { color: var(--wp-online); }
      .offline { color: #ffd2d2; font-weight: 700; }
      label { display: flex; gap: 0.5em; align-items: center; }
      ${fieldBox('textarea', '0.5em')}
      textarea { min-height: 5em; width: 100%; }
      .buttons { display: flex; flex-wrap: wrap; gap: 0.5em; }
      .big { font-size: 1.1em; padding: 0.6em 1.2em; }
      .reason { margin: 0; font-size: 0.9em; color: var(--wp-starting); }
      .field-error { font-size: 0.9em; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => {
      this.now = serverNow();
      this.sampleShown();
      void this.pollPtz();
    }, 250);
  }

  /**
   * The video's own time of the first and the latest frame shown at the current stop (from the tile's
   * player; a preset stop counts once the camera has arrived): sent with the answer as the recorded range
   * the spot-check replays, instead of the viewing time minus a configured latency.
   */
  private sampleShown(): void {
    const s = this.stop;
    const key = `${this.round.id}/${this.round.currentIdx}`;
    if (this.shown.key !== key) this.shown = { key, from: null, to: null };
    if (!s || this.moving(s)) return;
    const v = this.renderRoot.querySelector('wp-camera-tile')?.videoTimeMs ?? null;
    if (v === null) return;
    this.shown.from ??= v;
    this.shown.to = v;
  }

  private shownRange(): { shownFromMs?: number; shownToMs?: number } {
    this.sampleShown();
    const { from, to } = this.shown;
    return from !== null && to !== null ? { shownFromMs: Math.round(from), shownToMs: Math.round(to) } : {};
  }

  /** A preset stop whose camera has not arrived yet: fetch the round until it has (or failed). */
  private moving(s: RoundStop | undefined): boolean {
    return Boolean(s?.preset) && (s!.ptzState === null || s!.ptzState === 'waiting' || s!.ptzState === 'moving');
  }

  private async pollPtz(): Promise<void> {
    if (this.polling || this.busy || !this.moving(this.stop)) return;
    this.polling = true;
    try {
      const round = await fetchRound(this.round.id);
      if (round.status === 'in_progress' && round.currentIdx === this.round.currentIdx) {
        this.dispatchEvent(new CustomEvent('round-changed', { detail: { round } }));
      }
    } catch {
      /* the next tick tries again */
    } finally {
      this.polling = false;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  private get stop() {
    return this.round.currentIdx === null ? undefined : this.round.stops[this.round.currentIdx];
  }

  private async act(fn: () => Promise<Round>): Promise<void> {
    this.busy = true;
    this.errors = NO_ERRORS;
    try {
      const round = await fn();
      this.mode = 'idle';
      this.checks = [];
      this.dispatchEvent(new CustomEvent('round-changed', { detail: { round } }));
    } catch (e) {
      this.errors = formErrors(e, (key) => FIELDS.has(key));
    } finally {
      this.busy = false;
    }
  }

  private setMode(m: Mode): void {
    this.mode = m;
    this.errors = NO_ERRORS;
  }

  /** A field's error, right under it. */
  private fieldError(key: string) {
    const m = this.errors.fields[key];
    return m ? html`<div class="field-error error" role="alert" data-testid="field-error" data-field=${key}>${m}</div>` : nothing;
  }

  private text(name: string): string {
    return (this.renderRoot.querySelector(`[name="${name}"]`) as HTMLTextAreaElement | null)?.value.trim() ?? '';
  }

  private actions(idx: number, online: boolean, ready: boolean) {
    const s = this.stop!;
    if (s.ptzState === 'failed') online = false; // did not get to the preset: not verifiable
    if (this.moving(s)) ready = false;
    const r = this.round;
    const checks = () => this.stop!.checklist.map((_c, i) => this.checks[i] ?? false);
    if (this.mode === 'anomaly') {
      return html`<textarea name="note" data-testid="step-note" placeholder=${t('step.note')} aria-invalid=${'note' in this.errors.fields ? 'true' : 'false'}></textarea>
        ${this.fieldError('note')}
        <label><input type="checkbox" name="dispatch" data-testid="step-dispatch" /> ${t('step.dispatch')}</label>
        <div class="buttons">
          <button class="primary" data-testid="step-confirm-anomaly" ?disabled=${this.busy}
            @click=${() => this.act(() => confirmStop(r.id, idx, { outcome: 'anomaly', note: this.text('note'), checks: checks(), ...this.shownRange(),
              dispatch: (this.renderRoot.querySelector('[name="dispatch"]') as HTMLInputElement).checked }))}>${t('step.confirmAnomaly')}</button>
          <button @click=${() => this.setMode('idle')}>${t('step.cancel')}</button>
        </div>`;
    }
    if (this.mode === 'skip' || this.mode === 'abandon') {
      const skip = this.mode === 'skip';
      return html`<textarea name="reason" data-testid="step-reason" placeholder=${t(skip ? 'step.skipReason' : 'step.abandonReason')}
          aria-invalid=${'reason' in this.errors.fields ? 'true' : 'false'}></textarea>
        ${this.fieldError('reason')}
        <div class="buttons">
          <button class="danger" data-testid="step-confirm-reason" ?disabled=${this.busy}
            @click=${() => this.act(() => (skip ? skipStop(r.id, idx, this.text('reason')) : abandonRound(r.id, this.text('reason'))))}>
            ${t(skip ? 'step.confirmSkip' : 'step.abandon')}</button>
          <button @click=${() => this.setMode('idle')}>${t('step.cancel')}</button>
        </div>`;
    }
    // the route requires the whole checklist for "normal" (the server refuses it too); an anomaly never waits for it
    const unticked = r.requireChecklist ? checklistMissing(s.checklist, checks()).length : 0;
    const why = unticked ? t('step.checklistRequired', { n: unticked }) : '';
    return html`<div class="buttons">
        ${online
          ? html`<button class="primary big" data-testid="step-normal" ?disabled=${!ready || this.busy || unticked > 0}
                title=${why} aria-describedby=${unticked ? 'normal-why' : nothing}
                @click=${() => this.act(() => confirmStop(r.id, idx, { outcome: 'normal', checks: checks(), ...this.shownRange() }))}>${t('step.normal')}</button>
              <button class="danger big" data-testid="step-anomaly" ?disabled=${!ready || this.busy} @click=${() => this.setMode('anomaly')}>${t('step.anomaly')}</button>`
          : html`<button class="primary big" data-testid="step-not-verifiable" ?disabled=${this.busy}
              @click=${() => this.act(() => confirmStop(r.id, idx, { outcome: 'not_verifiable' }))}>${t('step.notVerifiable')}</button>`}
      </div>
      ${online && unticked ? html`<p class="reason" id="normal-why" data-testid="step-normal-reason">${why}</p>` : nothing}
      <div class="buttons">
        <button data-testid="step-skip" @click=${() => this.setMode('skip')}>${t('step.skip')}</button>
        <button data-testid="step-abandon" @click=${() => this.setMode('abandon')}>${t('step.abandon')}</button>
      </div>`;
  }

  override render() {
    const r = this.round;
    if (r.status !== 'in_progress') {
      return renderResult(r, () => this.dispatchEvent(new CustomEvent('round-closed', { detail: { round: r } })));
    }
    const s = this.stop;
    if (!s) return nothing;
    const cam = this.cams.value.cameras.find((c) => c.id === s.cameraId);
    const online = cam?.status === 'online';
    const moving = this.moving(s);
    const left = Math.max(0, Math.ceil((s.minDwellS * 1000 - (this.now - (s.viewStartedMs ?? this.now))) / 1000));
    return html`
      <header>
        <h1 data-testid="step-title">${r.routeName} · ${t('step.of', { n: s.idx + 1, total: r.stops.length })} · ${s.cameraName}</h1>
        ${s.alarm ? html`<span class="alarm" data-testid="step-alarm">${t('step.alarm')}</span>` : nothing}
      </header>
      <div class="player">
        ${cam ? html`<wp-camera-tile large data-testid="step-player" .camera=${cam} .epoch=${this.cams.value.epoch} .connection=${this.cams.value.connection}></wp-camera-tile>` : nothing}
      </div>
      <aside data-testid="stepper" data-stop=${s.idx} data-camera-id=${s.cameraId}>
        ${s.preset ? html`<div class="muted" data-testid="step-preset">${t('step.preset', { preset: s.preset })}</div>` : nothing}
        ${s.ptzState === 'waiting'
          ? html`<div class="dwell" data-testid="step-ptz-waiting">${t('step.ptzWaiting')}</div>`
          : moving
            ? html`<div class="dwell" data-testid="step-ptz-moving">${t('step.ptzMoving', { preset: s.preset ?? '' })}</div>`
            : s.ptzState === 'failed'
              ? html`<div class="offline" data-testid="step-ptz-failed">${t('step.ptzFailed', { preset: s.preset ?? '', reason: s.ptzError ?? '' })}</div>`
              : online
                ? html`<div class="dwell ${left ? '' : 'ready'}" data-testid="step-dwell">${left ? t('step.watch', { s: left }) : t('step.ready')}</div>`
                : html`<div class="offline" data-testid="step-offline">${t('step.offline')}</div>`}
        ${s.checklist.map((c, i) => html`<label><input type="checkbox" .checked=${this.checks[i] ?? false}
          data-testid="step-check" @change=${(e: Event) => { const next = [...this.checks]; next[i] = (e.target as HTMLInputElement).checked; this.checks = next; }} /> ${c}</label>`)}
        ${this.fieldError('checks')}
        ${this.actions(s.idx, online, left === 0)}
        ${this.errors.form ? html`<div class="error" data-testid="step-error">${this.errors.form}</div>` : nothing}
      </aside>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-round-stepper': WpRoundStepper;
  }
}
