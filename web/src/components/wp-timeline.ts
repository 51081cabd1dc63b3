import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { Timeline } from '../data/recordings';
import { formatDateTime, t } from '../i18n';
import { markerLabel } from '../i18n/dutylog-text';
import { lockReasonText } from '../i18n/server-text';
import { offsetMs, siteClock } from '../data/site-time';

/** Tick spacing for a view span: about 8–12 labelled ticks. */
const TICKS = [60_000, 5 * 60_000, 10 * 60_000, 30 * 60_000, 3600_000, 2 * 3600_000, 3 * 3600_000];

/**
 * A camera's recording timeline over [from, to): recorded ranges, gaps (a missing file in red), evidence
 * locks (amber), markers (alarms, patrol stops, exports…), the selection and the playhead.
 * Click or drag on the bar → `timeline-seek` ({ms}); shift-drag → `timeline-select` ({from, to}).
 */
@customElement('wp-timeline')
export class WpTimeline extends LitElement {
  @property({ attribute: false }) data: Timeline | null = null;
  @property({ type: Number }) from = 0;
  @property({ type: Number }) to = 0;
  @property({ type: Number }) playhead: number | null = null;
  @property({ attribute: false }) selection: { from: number; to: number } | null = null;

  private readonly l10n = new LocalizeController(this);
  private drag: { x0: number; select: boolean } | null = null;

  static override styles = css`
    :host {
      display: block;
      user-select: none;
      font-size: 0.8em;
      color: var(--wp-text-muted);
    }
    .bar {
      position: relative;
      height: 3.2em;
      background: var(--wp-surface-2);
      border: 1px solid var(--wp-border);
      border-radius: 4px;
      cursor: crosshair;
      touch-action: none;
    }
    svg {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
    .range {
      fill: #1f8f4e;
    }
    .gap-missing {
      fill: #b3261e;
    }
    .lock {
      fill: #f5b400;
    }
    .sel {
      fill: rgb(77 155 255 / 0.3);
      stroke: var(--wp-accent);
    }
    .head {
      stroke: #fff;
      stroke-width: 2;
    }
    .marker {
      stroke-width: 2;
    }
    .marker.alarm {
      stroke: #ff5c5c;
    }
    .marker.warning {
      stroke: #f5b400;
    }
    .marker.info {
      stroke: #8ab8ff;
    }
    .ticks {
      position: relative;
      height: 1.4em;
    }
    .ticks span {
      position: absolute;
      transform: translateX(-50%);
      white-space: nowrap;
    }
    .legend {
      display: flex;
      gap: 1em;
      flex-wrap: wrap;
      margin-top: 0.3em;
    }
    .legend i {
      display: inline-block;
      width: 0.9em;
      height: 0.9em;
      margin-right: 0.3em;
      vertical-align: -0.1em;
      border-radius: 2px;
    }
  `;

  private x(ms: number): number {
    const span = Math.max(1, this.to - this.from);
    return Math.min(100, Math.max(0, ((ms - this.from) / span) * 100));
  }

  private msAt(clientX: number): number {
    const bar = this.renderRoot.querySelector('.bar')!.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (clientX - bar.left) / Math.max(1, bar.width)));
    return Math.round(this.from + f * (this.to - this.from));
  }

  private fire(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private readonly onDown = (e: PointerEvent) => {
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.drag = { x0: e.clientX, select: e.shiftKey };
    if (!e.shiftKey) this.fire('timeline-seek', { ms: this.msAt(e.clientX) });
  };

  private readonly onMove = (e: PointerEvent) => {
    if (!this.drag) return;
    if (this.drag.select) {
      const a = this.msAt(this.drag.x0);
      const b = this.msAt(e.clientX);
      this.selection = { from: Math.min(a, b), to: Math.max(a, b) };
    } else this.fire('timeline-seek', { ms: this.msAt(e.clientX), dragging: true });
  };

  private readonly onUp = () => {
    if (this.drag?.select && this.selection && this.selection.to > this.selection.from) this.fire('timeline-select', this.selection);
    this.drag = null;
  };

  private ticks() {
    const span = this.to - this.from;
    const step = TICKS.find((s) => span / s <= 12) ?? TICKS[TICKS.length - 1]!;
    const out = [];
    // ticks on the site's round minutes and hours (UTC+5:30 sites too), labelled in the site's time
    const off = offsetMs(this.from);
    for (let ms = Math.ceil((this.from + off) / step) * step - off; ms < this.to; ms += step) {
      out.push(html`<span style="left:${this.x(ms)}%" data-testid="timeline-tick" data-ms=${ms}>${siteClock(ms, step < 60_000)}</span>`);
    }
    return out;
  }

  override render() {
    const d = this.data;
    const w = (a: number, b: number) => Math.max(0.15, this.x(b) - this.x(a));
    return html`
      <div
        class="bar"
        data-testid="timeline-bar"
        @pointerdown=${this.onDown}
        @pointermove=${this.onMove}
        @pointerup=${this.onUp}
        @pointercancel=${this.onUp}
        title=${t('review.timelineHelp')}
      >
        <svg preserveAspectRatio="none" viewBox="0 0 100 100" aria-hidden="true">
          ${d?.ranges.map((r) => svg`<rect class="range" x=${this.x(r.start)} y="30" width=${w(r.start, r.end)} height="70"></rect>`)}
          ${d?.gaps
            .filter((g) => g.reason === 'missing')
            .map((g) => svg`<rect class="gap-missing" x=${this.x(g.start)} y="30" width=${w(g.start, g.end)} height="70"></rect>`)}
          ${d?.locks.map((l) => svg`<rect class="lock" x=${this.x(l.start)} y="0" width=${w(l.start, l.end)} height="14"><title>${lockReasonText(l.reason)}</title></rect>`)}
          ${this.selection
            ? svg`<rect class="sel" data-testid="timeline-selection" x=${this.x(this.selection.from)} y="0" width=${w(this.selection.from, this.selection.to)} height="100" vector-effect="non-scaling-stroke"></rect>`
            : nothing}
          ${d?.markers.map(
            (m) => svg`<line class="marker ${m.severity ?? 'info'}" x1=${this.x(m.at)} x2=${this.x(m.at)} y1="14" y2="100" vector-effect="non-scaling-stroke"><title>${formatDateTime(m.at)} ${markerLabel(m)}</title></line>`,
          )}
          ${this.playhead !== null && this.playhead >= this.from && this.playhead <= this.to
            ? svg`<line class="head" data-testid="timeline-playhead" x1=${this.x(this.playhead)} x2=${this.x(this.playhead)} y1="0" y2="100" vector-effect="non-scaling-stroke"></line>`
            : nothing}
        </svg>
      </div>
      <div class="ticks">${this.ticks()}</div>
      <div class="legend">
        <span><i style="background:#1f8f4e"></i>${t('review.legendRecorded')}</span>
        <span><i style="background:var(--wp-surface-2);border:1px solid var(--wp-border)"></i>${t('review.legendGap')}</span>
        <span><i style="background:#b3261e"></i>${t('review.legendMissing')}</span>
        <span><i style="background:#f5b400"></i>${t('review.legendLocked')}</span>
        <span><i style="background:rgb(77 155 255 / 0.5)"></i>${t('review.legendSelection')}</span>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-timeline': WpTimeline;
  }
}
