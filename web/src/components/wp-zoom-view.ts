import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';

const MIN = 1;
const MAX = 8;
/** A drag shorter than this (px) is still a click. */
const DRAG_PX = 4;

/**
 * Digital zoom of what it holds (a live or recorded <video>): the mouse wheel (or a two-finger pinch) zooms 1×–8×
 * around the pointer, dragging pans, a double click or the reset button returns to 1×. Only a CSS transform: the stream is the same.
 * While zoomed, the level is shown; a double click or a click that ends a drag does not reach the page.
 * Fires `zoom-change` ({zoom}) when the level changes.
 */
@customElement('wp-zoom-view')
export class WpZoomView extends LitElement {
  @state() private scale = 1;
  @state() private tx = 0;
  @state() private ty = 0;
  private drag: { id: number; x: number; y: number; tx: number; ty: number; moved: boolean } | null = null;
  private swallowClick = false;
  /** Touch points down, and the pinch started when the second one came. */
  private readonly touches = new Map<number, { x: number; y: number }>();
  private pinch: { dist: number; mx: number; my: number; scale: number; tx: number; ty: number } | null = null;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        position: relative;
        overflow: hidden;
        touch-action: none;
      }
      :host([zoomed]) {
        cursor: grab;
      }
      :host([dragging]) {
        cursor: grabbing;
      }
      .stage {
        position: absolute;
        inset: 0;
        transform-origin: 0 0;
      }
      ::slotted(*) {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
      }
      .ui {
        position: absolute;
        left: 0.5em;
        bottom: 2.4em;
        z-index: 1;
        display: flex;
        align-items: center;
        gap: 0.5em;
        padding: 0.2em 0.3em 0.2em 0.6em;
        border-radius: 999px;
        background: rgb(0 0 0 / 0.65);
        color: #fff;
        font-size: clamp(11px, 2.4cqw, 16px);
        font-variant-numeric: tabular-nums;
        cursor: default;
      }
      .ui button {
        padding: 0.15em 0.7em;
        border-radius: 999px;
      }
    `,
  ];

  /** Current zoom factor (1 = not zoomed). */
  get zoom(): number {
    return this.scale;
  }

  reset(): void {
    this.scale = 1;
    this.tx = this.ty = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('wheel', this.onWheel, { passive: false });
    this.addEventListener('pointerdown', this.onDown);
    this.addEventListener('pointermove', this.onMove);
    this.addEventListener('pointerup', this.onUp);
    this.addEventListener('pointercancel', this.onUp);
    this.addEventListener('dblclick', this.onDblClick);
    this.addEventListener('click', this.onClick, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('wheel', this.onWheel);
    this.removeEventListener('pointerdown', this.onDown);
    this.removeEventListener('pointermove', this.onMove);
    this.removeEventListener('pointerup', this.onUp);
    this.removeEventListener('pointercancel', this.onUp);
    this.removeEventListener('dblclick', this.onDblClick);
    this.removeEventListener('click', this.onClick, true);
  }

  /** Keep the picture covering the view: no empty band at any edge. */
  private clamp(tx: number, ty: number, scale: number): [number, number] {
    const { width, height } = this.getBoundingClientRect();
    return [Math.min(0, Math.max(width - width * scale, tx)), Math.min(0, Math.max(height - height * scale, ty))];
  }

  /**
   * Zoom to `scale` keeping the picture point that was at (px, py) under `from` (view px, zoom, translation)
   * at (px, py) now; by default the current zoom.
   */
  private zoomAt(px: number, py: number, target: number, from = { scale: this.scale, tx: this.tx, ty: this.ty }): void {
    const scale = Math.min(MAX, Math.max(MIN, target));
    const k = scale / from.scale;
    [this.tx, this.ty] = this.clamp(px - (px - from.tx) * k, py - (py - from.ty) * k, scale);
    this.scale = scale;
  }

  private readonly onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const r = this.getBoundingClientRect();
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    this.zoomAt(e.clientX - r.left, e.clientY - r.top, this.scale * Math.exp(-dy * 0.002));
  };

  /** Two fingers: their distance gives the zoom, around the point between them where the pinch began. */
  private pinchMove(): void {
    const [a, b] = [...this.touches.values()];
    if (!a || !b) return;
    const r = this.getBoundingClientRect();
    const dist = Math.hypot(a.x - b.x, a.y - b.y);
    if (!this.pinch) {
      this.pinch = { dist, mx: (a.x + b.x) / 2 - r.left, my: (a.y + b.y) / 2 - r.top, scale: this.scale, tx: this.tx, ty: this.ty };
      return;
    }
    const p = this.pinch;
    this.zoomAt(p.mx, p.my, (p.scale * dist) / Math.max(1, p.dist), p);
  }

  private readonly onDown = (e: PointerEvent) => {
    this.swallowClick = false; // a new gesture: only the click that ends a drag or pinch is swallowed
    if (e.pointerType === 'touch') {
      this.touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (this.touches.size === 2) {
        this.drag = null;
        this.pinchMove();
        return;
      }
    }
    if (this.scale <= 1 || e.button !== 0 || e.composedPath().some((n) => n instanceof HTMLButtonElement)) return;
    this.drag = { id: e.pointerId, x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
    try {
      this.setPointerCapture(e.pointerId);
    } catch {
      // a pointer that is already gone: no capture needed
    }
  };

  private readonly onMove = (e: PointerEvent) => {
    if (this.touches.has(e.pointerId)) {
      this.touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (this.pinch) return this.pinchMove();
    }
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (Math.hypot(dx, dy) > DRAG_PX) d.moved = true;
    if (!d.moved) return;
    this.toggleAttribute('dragging', true);
    [this.tx, this.ty] = this.clamp(d.tx + dx, d.ty + dy, this.scale);
  };

  private readonly onUp = (e: PointerEvent) => {
    if (this.touches.delete(e.pointerId) && this.pinch) {
      this.pinch = null;
      this.swallowClick = true;
    }
    if (!this.drag || e.pointerId !== this.drag.id) return;
    this.swallowClick = this.drag.moved;
    this.drag = null;
    this.removeAttribute('dragging');
  };

  private readonly onClick = (e: MouseEvent) => {
    if (!this.swallowClick) return;
    this.swallowClick = false;
    e.stopPropagation();
    e.preventDefault();
  };

  private readonly onDblClick = (e: MouseEvent) => {
    if (this.scale <= 1) return; // not zoomed: the double click is the page's
    e.stopPropagation();
    this.reset();
  };

  protected override updated(changed: Map<string, unknown>): void {
    this.toggleAttribute('zoomed', this.scale > 1);
    this.dataset.zoom = this.scale.toFixed(2);
    if (changed.has('scale') && changed.get('scale') !== undefined) this.dispatchEvent(new CustomEvent('zoom-change', { detail: { zoom: this.scale } }));
  }

  override render() {
    const zoomed = this.scale > 1;
    return html`<div class="stage" data-testid="zoom-stage" style=${`transform: translate(${this.tx}px, ${this.ty}px) scale(${this.scale})`}>
        <slot></slot>
      </div>
      ${zoomed
        ? html`<div class="ui" data-testid="zoom-ui" @click=${(e: Event) => e.stopPropagation()} @dblclick=${(e: Event) => e.stopPropagation()}>
            <span data-testid="zoom-level">${t('zoom.level', { level: this.scale.toFixed(1) })}</span>
            <button type="button" data-testid="zoom-reset" @click=${() => this.reset()}>${t('zoom.reset')}</button>
          </div>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-zoom-view': WpZoomView;
  }
}
