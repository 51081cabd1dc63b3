import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { PtzVelocity } from '../data/onvif';
import { t, type MessageKey } from '../i18n';
import { sharedStyles } from '../styles/shared';
import { ptzSectionStyles } from '../styles/ptz';

/** Speeds offered by the pad (the velocity of a held arrow). */
export const PTZ_SPEEDS = [
  { value: 0.3, key: 'ptz.speedSlow' },
  { value: 0.6, key: 'ptz.speedNormal' },
  { value: 1, key: 'ptz.speedFast' },
] as const satisfies readonly { value: number; key: MessageKey }[];

/** The pad's buttons: direction (pan, tilt, zoom as −1/0/1), label and glyph, in grid order. */
const BUTTONS: { id: string; dir: [number, number, number]; key: MessageKey; glyph: string }[] = [
  { id: 'up-left', dir: [-1, 1, 0], key: 'ptz.upLeft', glyph: '◤' },
  { id: 'up', dir: [0, 1, 0], key: 'ptz.up', glyph: '▲' },
  { id: 'up-right', dir: [1, 1, 0], key: 'ptz.upRight', glyph: '◥' },
  { id: 'left', dir: [-1, 0, 0], key: 'ptz.left', glyph: '◀' },
  { id: 'right', dir: [1, 0, 0], key: 'ptz.right', glyph: '▶' },
  { id: 'down-left', dir: [-1, -1, 0], key: 'ptz.downLeft', glyph: '◣' },
  { id: 'down', dir: [0, -1, 0], key: 'ptz.down', glyph: '▼' },
  { id: 'down-right', dir: [1, -1, 0], key: 'ptz.downRight', glyph: '◢' },
  { id: 'zoom-in', dir: [0, 0, 1], key: 'ptz.zoomIn', glyph: '+' },
  { id: 'zoom-out', dir: [0, 0, -1], key: 'ptz.zoomOut', glyph: '−' },
];

const scaled = (d: readonly [number, number, number], speed: number): PtzVelocity => ({ pan: d[0] * speed, tilt: d[1] * speed, zoom: d[2] * speed });

/**
 * The velocity for the keys held on the focused picture: arrows pan and tilt (two arrows: a diagonal), + / − and
 * Page Up / Page Down zoom. Null when none of them is held.
 */
export function keysVelocity(keys: ReadonlySet<string>, speed: number): PtzVelocity | null {
  const has = (...k: string[]) => k.some((x) => keys.has(x));
  const pan = (has('ArrowRight') ? 1 : 0) - (has('ArrowLeft') ? 1 : 0);
  const tilt = (has('ArrowUp') ? 1 : 0) - (has('ArrowDown') ? 1 : 0);
  const zoom = (has('+', '=', 'PageUp') ? 1 : 0) - (has('-', 'PageDown') ? 1 : 0);
  if (!pan && !tilt && !zoom) return null;
  return scaled([pan, tilt, zoom], speed);
}

/** The keys keysVelocity reads (the picture takes them over from scrolling). */
export const PTZ_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', '+', '=', '-', 'PageUp', 'PageDown']);

/**
 * The PTZ arrow pad of the single view: 8 directions and zoom in/out. Press and hold = move, release, leaving the
 * button, losing the pointer or the focus = stop; Space/Enter on a focused button too. Fires `wp-ptz-move`
 * {pan, tilt, zoom} when a button is pressed, `wp-ptz-stop` when it is let go, `wp-ptz-speed` {speed}.
 * It does not talk to the server: the page does.
 */
@customElement('wp-ptz-pad')
export class WpPtzPad extends LitElement {
  /** velocity of a held arrow, 0..1 */
  @property({ type: Number }) speed = 0.6;
  @property({ type: Boolean }) disabled = false;
  /** the button held now (its id), shown pressed; '' = none */
  @property() active = '';
  /** a translated error to show under the pad */
  @property() error = '';

  private held = '';
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    ptzSectionStyles,
    css`
      .pad {
        display: grid;
        grid-template-columns: repeat(3, 2.6em) 0.8em 2.6em;
        grid-template-rows: repeat(3, 2.6em);
        grid-template-areas: 'ul u ur . zi' 'l . r . .' 'dl d dr . zo';
        gap: 0.3em;
        touch-action: none;
        user-select: none;
      }
      .pad button {
        justify-content: center;
        padding: 0;
        font-size: 1.1em;
      }
      .up-left { grid-area: ul; }
      .up { grid-area: u; }
      .up-right { grid-area: ur; }
      .left { grid-area: l; }
      .right { grid-area: r; }
      .down-left { grid-area: dl; }
      .down { grid-area: d; }
      .down-right { grid-area: dr; }
      .zoom-in { grid-area: zi; }
      .zoom-out { grid-area: zo; }
      .speed {
        display: flex;
        gap: 0.3em;
        align-items: center;
        margin-top: 0.6em;
      }
      .speed span {
        margin-right: 0.3em;
      }
      .hint {
        font-size: 0.85em;
        margin-top: 0.5em;
      }
    `,
  ];

  private press(b: (typeof BUTTONS)[number], e?: PointerEvent): void {
    if (this.disabled) return;
    if (e) {
      if (e.button !== 0) return;
      e.preventDefault(); // no text selection, no focus shuffle: a held button; leaving it is a release (no capture)
      (e.currentTarget as HTMLElement).focus();
    }
    this.held = b.id;
    this.dispatchEvent(new CustomEvent('wp-ptz-move', { detail: { ...scaled(b.dir, this.speed), button: b.id }, bubbles: true, composed: true }));
  }

  private release(): void {
    if (!this.held) return;
    this.held = '';
    this.dispatchEvent(new CustomEvent('wp-ptz-stop', { bubbles: true, composed: true }));
  }

  private key(b: (typeof BUTTONS)[number], e: KeyboardEvent, down: boolean): void {
    if (e.key !== ' ' && e.key !== 'Enter') return;
    e.preventDefault();
    if (down && !e.repeat) this.press(b);
    else if (!down) this.release();
  }

  private setSpeed(speed: number): void {
    this.dispatchEvent(new CustomEvent('wp-ptz-speed', { detail: { speed }, bubbles: true, composed: true }));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.release();
  }

  override render() {
    return html`
      <h2>${t('ptz.control')}</h2>
      <div class="pad" data-testid="ptz-pad" role="group" aria-label=${t('ptz.control')}>
        ${BUTTONS.map(
          (b) => html`<button
            type="button"
            class=${b.id}
            data-testid=${`ptz-${b.id}`}
            title=${t(b.key)}
            aria-label=${t(b.key)}
            aria-pressed=${this.active === b.id ? 'true' : 'false'}
            ?disabled=${this.disabled}
            @pointerdown=${(e: PointerEvent) => this.press(b, e)}
            @pointerup=${this.release}
            @pointercancel=${this.release}
            @lostpointercapture=${this.release}
            @pointerleave=${this.release}
            @blur=${this.release}
            @keydown=${(e: KeyboardEvent) => this.key(b, e, true)}
            @keyup=${(e: KeyboardEvent) => this.key(b, e, false)}
            @contextmenu=${(e: Event) => e.preventDefault()}
          >${b.glyph}</button>`,
        )}
      </div>
      <div class="speed" role="group" aria-label=${t('ptz.speed')}>
        <span class="muted">${t('ptz.speed')}</span>
        ${PTZ_SPEEDS.map(
          (s) => html`<button type="button" data-testid=${`ptz-speed-${s.value}`} aria-pressed=${s.value === this.speed ? 'true' : 'false'} @click=${() => this.setSpeed(s.value)}>
            ${t(s.key)}
          </button>`,
        )}
      </div>
      <div class="hint muted">${t('ptz.hint')}</div>
      ${this.error ? html`<div class="error" role="alert" data-testid="ptz-pad-error">${this.error}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-ptz-pad': WpPtzPad;
  }
}
