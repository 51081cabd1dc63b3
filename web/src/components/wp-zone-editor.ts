import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { fetchAlarmStats, type ZoneAlarmStats } from '../data/alarms';
import { fetchZones, saveZones, snapshotUrl, type Zone, fetchZoneScenes, referenceUrl, relearnZone, type ZoneScene } from '../data/zones';
import './wp-zone-reference';
import { t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import { fieldBox } from '../styles/form';

const STATS_DAYS = 30;
const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));

/**
 * Zone editor over a live still of the camera: click to add a point to the selected zone, drag a point to
 * move it; name, kind and dwell per zone; save sends all zones (the server validates: 400 → shown).
 */
@customElement('wp-zone-editor')
export class WpZoneEditor extends LitElement {
  @property() cameraId = '';
  @state() private zones: Zone[] = [];
  @state() private sel = -1;
  @state() private img = '';
  @state() private msg = '';
  @state() private err = '';
  /** false-alarm rate per zone name over the last STATS_DAYS days (issue H point 4) */
  @state() private stats = new Map<string, ZoneAlarmStats>();
  /** exit zones' learned clear references (issue H point 2) */
  @state() private scenes = new Map<string, ZoneScene>();
  private refStamp = Date.now();

  private readonly onRelearn = async (e: CustomEvent<{ zone: string }>) => {
    try {
      await relearnZone(this.cameraId, e.detail.zone);
      this.msg = t('zones.scene.relearned', { zone: e.detail.zone });
      this.refStamp = Date.now();
      this.scenes = new Map(this.scenes).set(e.detail.zone, { zone: e.detail.zone, state: 'learning' });
    } catch (err) {
      this.err = errorMessage(err);
    }
  };
  private drag: { zone: number; point: number } | undefined;
  private moved = false;
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .rate {
        margin-left: 0.4em;
        color: var(--wp-text-muted);
        font-weight: normal;
      }
      .stage {
        position: relative;
        max-width: 960px;
        user-select: none;
      }
      .stage img {
        display: block;
        width: 100%;
        background: #111;
        min-height: 8em;
      }
      svg {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        cursor: crosshair;
      }
      polygon {
        fill: rgb(255 200 0 / 0.15);
        stroke: #ffc800;
        stroke-width: 2;
        vector-effect: non-scaling-stroke;
      }
      polygon.exit {
        fill: rgb(255 60 60 / 0.15);
        stroke: #ff5050;
      }
      polygon.sel {
        stroke-width: 4;
      }
      circle {
        fill: #fff;
        stroke: #000;
        cursor: move;
      }
      .bar {
        display: flex;
        gap: 0.5em;
        flex-wrap: wrap;
        align-items: center;
        margin: 0.5em 0;
      }
      ${fieldBox('input, select', '0.25em 0.4em', 'var(--wp-surface-2)')}
      .tabs button[aria-pressed='true'] {
        border-color: var(--wp-accent);
      }
      .err {
        color: var(--wp-offline, #e53935);
      }
      .muted {
        color: var(--wp-text-muted);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    this.img = snapshotUrl(this.cameraId);
    try {
      this.zones = (await fetchZones(this.cameraId)).zones;
      this.sel = this.zones.length ? 0 : -1;
    } catch (e) {
      this.err = errorMessage(e);
    }
    fetchZoneScenes(this.cameraId)
      .then((s) => (this.scenes = new Map(s.map((x) => [x.zone, x]))))
      .catch(() => undefined); // analytics may be off: the editor works without it
    fetchAlarmStats(this.cameraId, STATS_DAYS)
      .then((r) => (this.stats = new Map(r.zones.map((z) => [z.zone, z]))))
      .catch(() => undefined); // the rate is a hint; the editor works without it
  }

  private renderRate(name: string) {
    const st = this.stats.get(name);
    const judged = st ? st.genuine + st.false_alarm : 0;
    const text = st && st.falseAlarmRate !== null
      ? t('zones.falseRate', { rate: Math.round(st.falseAlarmRate * 100), n: st.false_alarm, judged, days: STATS_DAYS })
      : t('zones.falseRateNone', { days: STATS_DAYS });
    return html` <small class="rate" data-testid="zone-false-rate" data-zone=${name} data-rate=${st?.falseAlarmRate ?? ''}>${text}</small>`;
  }

  private point(e: PointerEvent): [number, number] {
    const r = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height)];
  }

  private change(i: number, patch: Partial<Zone>) {
    this.zones = this.zones.map((z, j) => (j === i ? { ...z, ...patch } : z));
    this.msg = '';
  }

  private onDown(e: PointerEvent) {
    const target = e.target as Element;
    const zi = Number(target.getAttribute('data-zone'));
    const pi = Number(target.getAttribute('data-point'));
    if (target.tagName === 'circle' && Number.isInteger(zi) && Number.isInteger(pi)) {
      this.drag = { zone: zi, point: pi };
      this.sel = zi;
      this.moved = false;
      (e.currentTarget as SVGSVGElement).setPointerCapture(e.pointerId);
      return;
    }
    const z = this.zones[this.sel];
    if (!z) return;
    this.change(this.sel, { polygon: [...z.polygon, this.point(e)] });
  }

  private onMove(e: PointerEvent) {
    if (!this.drag) return;
    const { zone, point } = this.drag;
    const z = this.zones[zone];
    if (!z) return;
    const p = this.point(e);
    this.moved = true;
    this.change(zone, { polygon: z.polygon.map((q, i) => (i === point ? p : q)) });
  }

  private onUp() {
    this.drag = undefined;
  }

  private add() {
    const n = this.zones.length + 1;
    this.zones = [...this.zones, { name: t('zones.defaultName', { n }), kind: 'loitering', polygon: [], dwellSeconds: 60 }];
    this.sel = this.zones.length - 1;
  }

  private removeZone() {
    this.zones = this.zones.filter((_, i) => i !== this.sel);
    this.sel = this.zones.length ? 0 : -1;
  }

  private undo() {
    const z = this.zones[this.sel];
    if (z) this.change(this.sel, { polygon: z.polygon.slice(0, -1) });
  }

  private async save() {
    this.err = '';
    this.msg = '';
    try {
      this.zones = (await saveZones(this.cameraId, this.zones)).zones;
      this.msg = t('zones.saved');
    } catch (e) {
      this.err = errorMessage(e);
    }
  }

  private renderOverlay() {
    return svg`${this.zones.map(
      (z, i) => svg`<polygon class="${z.kind} ${i === this.sel ? 'sel' : ''}" points=${z.polygon.map(([x, y]) => `${x * 1000},${y * 1000}`).join(' ')}></polygon>`,
    )}
    ${this.zones[this.sel]?.polygon.map(
      ([x, y], i) => svg`<circle data-zone=${this.sel} data-point=${i} cx=${x * 1000} cy=${y * 1000} r="9" vector-effect="non-scaling-stroke"></circle>`,
    )}`;
  }

  override render() {
    const z = this.zones[this.sel];
    return html`
      <div class="bar tabs">
        ${this.zones.map(
          (zn, i) => html`<button type="button" data-testid="zone-tab" aria-pressed=${i === this.sel ? 'true' : 'false'} @click=${() => (this.sel = i)}>${zn.name}${this.renderRate(zn.name)}</button>`,
        )}
        <button type="button" data-testid="zone-new" @click=${this.add}>+ ${t('zones.new')}</button>
        <button type="button" @click=${() => (this.img = snapshotUrl(this.cameraId))}>${t('zones.reload')}</button>
      </div>
      ${z
        ? html`<div class="bar">
            <label>${t('zones.name')} <input data-testid="zone-name" .value=${z.name} @input=${(e: Event) => this.change(this.sel, { name: (e.target as HTMLInputElement).value })} /></label>
            <label>${t('zones.kind')}
              <select data-testid="zone-kind" .value=${z.kind} @change=${(e: Event) => this.change(this.sel, { kind: (e.target as HTMLSelectElement).value as Zone['kind'] })}>
                <option value="loitering">${t('zones.kind.loitering')}</option>
                <option value="exit">${t('zones.kind.exit')}</option>
              </select>
            </label>
            <label>${t('zones.dwell')}
              <input data-testid="zone-dwell" type="number" min="1" max="86400" style="width:6em" .value=${String(z.dwellSeconds ?? (z.kind === 'exit' ? 30 : 60))}
                @input=${(e: Event) => this.change(this.sel, { dwellSeconds: Number((e.target as HTMLInputElement).value) || undefined })} />
            </label>
            <label>${t('zones.priority')}
              <select data-testid="zone-priority"
                @change=${(e: Event) => this.change(this.sel, { priority: Number((e.target as HTMLSelectElement).value) as 1 | 2 | 3 })}>
                ${([1, 2, 3] as const).map((p) => html`<option value=${p} ?selected=${p === (z.priority ?? (z.kind === 'exit' ? 1 : 2))}>${t(`zones.priority.${p}`)}</option>`)}
              </select>
            </label>
            <button type="button" @click=${this.undo}>${t('zones.undo')}</button>
            <button type="button" @click=${this.removeZone}>${t('zones.delete')}</button>
          </div>`
        : html`<p class="muted">${t('zones.none')}</p>`}
      ${z && z.kind === 'exit' && this.scenes.has(z.name)
        ? html`<wp-zone-reference .zone=${z.name} .state=${this.scenes.get(z.name)!.state} .reason=${this.scenes.get(z.name)!.reason ?? ''}
            .src=${referenceUrl(this.cameraId, z.name, this.refStamp)} @wp-relearn=${this.onRelearn}></wp-zone-reference>`
        : nothing}
      <p class="muted">${t('zones.hint')}</p>
      <div class="stage">
        <img src=${this.img} alt="" draggable="false" />
        <svg viewBox="0 0 1000 1000" preserveAspectRatio="none" data-testid="zone-canvas"
          @pointerdown=${this.onDown} @pointermove=${this.onMove} @pointerup=${this.onUp} @pointercancel=${this.onUp}>
          ${this.renderOverlay()}
        </svg>
      </div>
      <div class="bar">
        <button type="button" class="primary" data-testid="zone-save" @click=${this.save}>${t('zones.save')}</button>
        ${this.msg ? html`<span data-testid="zone-saved">${this.msg}</span>` : nothing}
        ${this.err ? html`<span class="err" data-testid="zone-error">${this.err}</span>` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-zone-editor': WpZoneEditor;
  }
}
