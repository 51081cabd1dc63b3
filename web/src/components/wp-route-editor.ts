import { LitElement, css, html, nothing } from 'lit';
import { cardStyles } from '../styles/card';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { cameras } from '../data/cameras';
import { listPresets, type Preset } from '../data/onvif';
import { createRoute, updateRoute, type PatrolRoute, type RouteInput } from '../data/patrol';
import { t } from '../i18n';
import { formErrors, NO_ERRORS, type FormErrors } from '../i18n/patrol-fields';
import { sharedStyles } from '../styles/shared';

interface StopDraft {
  cameraId: string;
  preset: string | null;
  minDwellS: number;
  /** checklist items, one per line */
  checklist: string;
}

const num = (e: Event): number => Number((e.target as HTMLInputElement).value);
const val = (e: Event): string => (e.target as HTMLInputElement).value;

/**
 * Create or edit a patrol route (supervisor/admin; POST/PUT /api/patrol/routes, docs/patrol.md): name, post,
 * schedule, ordered stops and whether "normal" needs the whole checklist. Sends the request itself; a 400's
 * messages show under the fields they are about (i18n/patrol-fields.ts).
 * Fires `route-saved` ({route}) and `cancel`.
 */
@customElement('wp-route-editor')
export class WpRouteEditor extends LitElement {
  /** The route being edited; undefined = a new one. */
  @property({ attribute: false }) route?: PatrolRoute;

  @state() private name = '';
  @state() private post = '';
  @state() private enabled = true;
  @state() private intervalMin = 60;
  @state() private activeFrom = '00:00';
  @state() private activeTo = '00:00';
  @state() private graceMin = 10;
  @state() private stops: StopDraft[] = [];
  @state() private requireChecklist = false;
  /** the last save's errors: each under its field, the rest above the buttons */
  @state() private errors: FormErrors = NO_ERRORS;
  @state() private busy = false;
  /** PTZ presets per camera id (GET /api/onvif/cameras/:id/presets); 'error' when the camera did not answer */
  @state() private presets: Record<string, Preset[] | 'loading' | 'error'> = {};

  private readonly l10n = new LocalizeController(this);
  private readonly cams = new StoreController(this, cameras);

  static override styles = [
    sharedStyles,
    cardStyles,
    css`
      :host { margin-bottom: 1em; }
      h2 { margin: 0 0 0.8em; font-size: 1.15em; }
      h3 { margin: 1em 0 0.5em; font-size: 1em; }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(11em, 1fr)); gap: 0.8em 1em; }
      label { display: grid; gap: 0.3em; font-size: 0.9em; color: var(--wp-text-muted); }
      label.check { display: flex; align-items: center; gap: 0.5em; color: var(--wp-text); }
      input[type='number'], input[type='time'], select, textarea { font: inherit; padding: 0.35em 0.5em; background: var(--wp-surface-2); color: var(--wp-text); border: 1px solid var(--wp-border); border-radius: 4px; }
      ol { margin: 0; padding: 0; list-style: none; display: grid; gap: 0.6em; }
      li { display: grid; grid-template-columns: 2em minmax(12em, 2fr) minmax(9em, 1.5fr) 8em minmax(14em, 3fr) auto; gap: 0.6em; align-items: start; padding: 0.6em; border: 1px solid var(--wp-border); border-radius: 6px; }
      .idx { font-weight: 700; padding-top: 1.6em; }
      .stop-actions { display: flex; gap: 0.3em; padding-top: 1.4em; }
      .actions { display: flex; gap: 0.6em; justify-content: flex-end; margin-top: 1em; }
      .hint { font-size: 0.85em; grid-column: 1 / -1; margin: 0; }
      .field-error { font-size: 0.9em; }
      .wide { grid-column: 1 / -1; }
      [aria-invalid='true'] { border-color: var(--wp-offline); }
    `,
  ];

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (!this.hasUpdated || changed.has('route')) this.reset();
    for (const s of this.stops) this.loadPresets(s.cameraId);
  }

  private reset(): void {
    const r = this.route;
    this.name = r?.name ?? '';
    this.post = r?.post ?? '';
    this.enabled = r?.enabled ?? true;
    this.intervalMin = r?.intervalMin ?? 60;
    this.activeFrom = r?.activeFrom ?? '00:00';
    this.activeTo = r?.activeTo ?? '00:00';
    this.graceMin = r?.graceMin ?? 10;
    this.requireChecklist = r?.requireChecklist ?? false;
    this.stops = r
      ? r.stops.map((s) => ({ cameraId: s.cameraId, preset: s.preset ?? null, minDwellS: s.minDwellS, checklist: s.checklist.join('\n') }))
      : [this.blankStop()];
    this.errors = NO_ERRORS;
  }

  private blankStop(): StopDraft {
    return { cameraId: '', preset: null, minDwellS: 10, checklist: '' };
  }

  private setStop(i: number, patch: Partial<StopDraft>): void {
    this.stops = this.stops.map((s, j) => (j === i ? { ...s, ...patch } : s));
  }

  private isPtz(cameraId: string): boolean {
    return Boolean(this.cams.value.cameras.find((c) => c.id === cameraId)?.onvif?.ptz);
  }

  /** Ask a PTZ camera for its presets once per editor. */
  private loadPresets(cameraId: string): void {
    if (!cameraId || this.presets[cameraId] !== undefined || !this.isPtz(cameraId)) return;
    this.presets = { ...this.presets, [cameraId]: 'loading' };
    listPresets(cameraId).then(
      (list) => (this.presets = { ...this.presets, [cameraId]: list }),
      () => (this.presets = { ...this.presets, [cameraId]: 'error' }),
    );
  }

  private renderPreset(s: StopDraft, i: number) {
    if (!s.cameraId || (!this.isPtz(s.cameraId) && !s.preset)) return html`<span></span>`;
    const p = this.presets[s.cameraId];
    const list = Array.isArray(p) ? p : [];
    const known = !s.preset || list.some((x) => x.token === s.preset);
    return html`<label>${t('route.preset')}
      <select data-testid="route-stop-preset" .value=${s.preset ?? ''} @change=${(e: Event) => this.setStop(i, { preset: val(e) || null })}>
        <option value="" ?selected=${!s.preset}>${t('route.noPreset')}</option>
        ${list.map((x) => html`<option value=${x.token} ?selected=${x.token === s.preset}>${x.name}${x.name === x.token ? '' : ` (${x.token})`}</option>`)}
        ${known ? nothing : html`<option value=${s.preset!} selected>${s.preset}</option>`}
      </select>
      ${p === 'loading' ? html`<span class="muted">${t('route.presetsLoading')}</span>` : nothing}
      ${p === 'error' ? html`<span class="error">${t('route.presetsError')}</span>` : nothing}
      ${this.fieldError(`stops.${i}.preset`)}
    </label>`;
  }

  private move(i: number, by: -1 | 1): void {
    const j = i + by;
    if (j < 0 || j >= this.stops.length) return;
    const next = [...this.stops];
    [next[i], next[j]] = [next[j]!, next[i]!];
    this.stops = next;
    this.errors = NO_ERRORS; // the stop numbers they name have changed
  }

  private input(): RouteInput {
    return {
      name: this.name,
      post: this.post,
      intervalMin: this.intervalMin,
      activeFrom: this.activeFrom,
      activeTo: this.activeTo,
      graceMin: this.graceMin,
      enabled: this.enabled,
      requireChecklist: this.requireChecklist,
      stops: this.stops.map((s) => ({
        cameraId: s.cameraId,
        preset: s.preset,
        minDwellS: s.minDwellS,
        checklist: s.checklist.split('\n').map((l) => l.trim()).filter((l) => l !== ''),
      })),
    };
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    this.busy = true;
    this.errors = NO_ERRORS;
    try {
      const route = this.route ? await updateRoute(this.route.id, this.input()) : await createRoute(this.input());
      this.dispatchEvent(new CustomEvent('route-saved', { detail: { route }, bubbles: true, composed: true }));
    } catch (err) {
      this.errors = formErrors(err, (key) => this.isField(key));
    } finally {
      this.busy = false;
    }
  }

  private static readonly FIELDS = new Set(['name', 'post', 'intervalMin', 'activeFrom', 'activeTo', 'graceMin', 'enabled', 'requireChecklist', 'stops']);

  /** A field of this form: the route's own, or one of an existing stop's. */
  private isField(key: string): boolean {
    const m = /^stops\.(\d+)\.(cameraId|preset|minDwellS|checklist)$/.exec(key);
    return m ? Number(m[1]) < this.stops.length : WpRouteEditor.FIELDS.has(key);
  }

  private invalid(key: string): 'true' | 'false' {
    return key in this.errors.fields ? 'true' : 'false';
  }

  /** The error of a field, right under it. */
  private fieldError(key: string) {
    const m = this.errors.fields[key];
    return m ? html`<span class="field-error error" role="alert" data-testid="field-error" data-field=${key}>${m}</span>` : nothing;
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('cancel', { bubbles: true, composed: true }));
  }

  private renderStop(s: StopDraft, i: number) {
    const list = this.cams.value.cameras;
    const known = s.cameraId === '' || list.some((c) => c.id === s.cameraId);
    return html`<li data-testid="route-stop">
      <span class="idx">${i + 1}</span>
      <label>${t('route.camera')}
        <select data-testid="route-stop-camera" aria-invalid=${this.invalid(`stops.${i}.cameraId`)} .value=${s.cameraId} @change=${(e: Event) => this.setStop(i, { cameraId: val(e), preset: null })}>
          <option value="" ?selected=${s.cameraId === ''}>${t('route.pickCamera')}</option>
          ${list.map((c) => html`<option value=${c.id} ?selected=${c.id === s.cameraId}>${c.name} (${c.id})</option>`)}
          ${known ? nothing : html`<option value=${s.cameraId} selected>${s.cameraId}</option>`}
        </select>
        ${this.fieldError(`stops.${i}.cameraId`)}
      </label>
      ${this.renderPreset(s, i)}
      <label>${t('route.minDwell')}
        <input data-testid="route-stop-dwell" type="number" min="1" max="3600" required aria-invalid=${this.invalid(`stops.${i}.minDwellS`)}
          .value=${String(s.minDwellS)} @input=${(e: Event) => this.setStop(i, { minDwellS: num(e) })} />
        ${this.fieldError(`stops.${i}.minDwellS`)}
      </label>
      <label>${t('route.checklist')}
        <textarea data-testid="route-stop-checklist" rows="2" aria-invalid=${this.invalid(`stops.${i}.checklist`)} .value=${s.checklist}
          @input=${(e: Event) => this.setStop(i, { checklist: val(e) })}></textarea>
        ${this.fieldError(`stops.${i}.checklist`)}
      </label>
      <span class="stop-actions">
        <button type="button" title=${t('route.up')} aria-label=${t('route.up')} ?disabled=${i === 0} @click=${() => this.move(i, -1)}>↑</button>
        <button type="button" title=${t('route.down')} aria-label=${t('route.down')} ?disabled=${i === this.stops.length - 1} @click=${() => this.move(i, 1)}>↓</button>
        <button type="button" data-testid="route-stop-remove" @click=${() => ((this.stops = this.stops.filter((_, j) => j !== i)), (this.errors = NO_ERRORS))}>${t('route.removeStop')}</button>
      </span>
    </li>`;
  }

  override render() {
    return html`
      <h2>${this.route ? t('route.titleEdit', { name: this.route.name }) : t('route.titleNew')}</h2>
      <form data-testid="route-editor" @submit=${this.submit}>
        <div class="grid">
          <label>${t('route.name')}
            <input data-testid="route-name" aria-invalid=${this.invalid('name')} type="text" required maxlength="100" .value=${this.name} @input=${(e: Event) => (this.name = val(e))} />
            ${this.fieldError('name')}
          </label>
          <label>${t('route.post')}
            <input data-testid="route-post" aria-invalid=${this.invalid('post')} type="text" maxlength="100" .value=${this.post} @input=${(e: Event) => (this.post = val(e))} />
            ${this.fieldError('post')}
          </label>
          <label>${t('route.intervalMin')}
            <input data-testid="route-interval" aria-invalid=${this.invalid('intervalMin')} type="number" min="1" max="1440" required .value=${String(this.intervalMin)} @input=${(e: Event) => (this.intervalMin = num(e))} />
            ${this.fieldError('intervalMin')}
          </label>
          <label>${t('route.activeFrom')}
            <input data-testid="route-from" aria-invalid=${this.invalid('activeFrom')} type="time" required .value=${this.activeFrom} @input=${(e: Event) => (this.activeFrom = val(e))} />
            ${this.fieldError('activeFrom')}
          </label>
          <label>${t('route.activeTo')}
            <input data-testid="route-to" aria-invalid=${this.invalid('activeTo')} type="time" required .value=${this.activeTo} @input=${(e: Event) => (this.activeTo = val(e))} />
            ${this.fieldError('activeTo')}
          </label>
          <label>${t('route.graceMin')}
            <input data-testid="route-grace" aria-invalid=${this.invalid('graceMin')} type="number" min="0" max="1440" required .value=${String(this.graceMin)} @input=${(e: Event) => (this.graceMin = num(e))} />
            ${this.fieldError('graceMin')}
          </label>
          <label class="check">
            <input data-testid="route-enabled" type="checkbox" .checked=${this.enabled} @change=${(e: Event) => (this.enabled = (e.target as HTMLInputElement).checked)} />
            ${t('route.enabled')}
          </label>
          <p class="hint muted">${t('route.activeHint')}</p>
          <label class="check wide">
            <input data-testid="route-require-checklist" type="checkbox" .checked=${this.requireChecklist}
              @change=${(e: Event) => (this.requireChecklist = (e.target as HTMLInputElement).checked)} />
            ${t('route.requireChecklist')}
          </label>
          <p class="hint muted">${t('route.requireChecklistHint')}</p>
        </div>
        <h3>${t('route.stops')}</h3>
        <ol>${this.stops.map((s, i) => this.renderStop(s, i))}</ol>
        ${this.stops.length === 0 ? html`<p class="muted">${t('route.noStops')}</p>` : nothing}
        ${this.fieldError('stops')}
        <p><button type="button" data-testid="route-add-stop" @click=${() => (this.stops = [...this.stops, this.blankStop()])}>${t('route.addStop')}</button></p>
        ${this.errors.form ? html`<p class="error" role="alert" data-testid="route-error">${this.errors.form}</p>` : nothing}
        <div class="actions">
          <button type="button" @click=${this.cancel}>${t('route.cancel')}</button>
          <button type="submit" class="primary" data-testid="route-save" ?disabled=${this.busy}>${t('route.save')}</button>
        </div>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-route-editor': WpRouteEditor;
  }
}
