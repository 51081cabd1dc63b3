import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PlayerState } from '../controllers/hls-controller';
import { LocalizeController } from '../controllers/localize-controller';
import type { Camera } from '../data/types';
import { formatDateTime, hasKey, t } from '../i18n';
import { cameraDetailText } from '../i18n/server-text';
import { serverNow } from '../data/patrol';
import { tileStyles } from './tile-styles';
import './wp-hls-video';
import './wp-zoom-view';
import './wp-status-badge';

/** Translated offline reason ("authentication failed" → 认证失败). */
/** The picture is "late" when its own time is this far behind, or has not moved for this long. */
const LATE_MS = 3000;

export function reasonText(reason: string | null): string {
  const key = `reason.${reason ?? 'unknown'}`;
  return hasKey(key) ? t(key) : (reason ?? t('reason.unknown'));
}

/**
 * One camera on the wall: live video (only while the camera is online), name, status badge, clock.
 * Offline cameras show their reason in large type. Fires `tile-activate` / `tile-focus` ({id, key}).
 */
@customElement('wp-camera-tile')
export class WpCameraTile extends LitElement {
  @property({ attribute: false }) camera?: Camera;
  @property({ type: Number }) epoch = 0;
  /** Use the large player style (single camera view): no click handling. */
  @property({ type: Boolean }) large = false;
  /** The camera has an alarm that is not resolved: red frame. */
  @property({ type: Boolean, reflect: true }) alarm = false;
  /** The console's link to the server ('connected' | 'reconnecting'): a lost link greys the tile. */
  @property() connection = 'connected';
  /** Play the main stream (large tile, single view); otherwise the sub-stream when the camera has one. */
  @property({ type: Boolean }) hd = false;
  /** Digital zoom (wheel, drag) on the picture. */
  @property({ type: Boolean }) zoom = false;
  /** What a click does, shown while the pointer is on the tile (kiosk: "click: show alone"); '' = none. */
  @property() hint = '';

  @state() private playerState: PlayerState = 'idle';
  /** wall-clock time of the frame on screen (the stream's PDT), null when unknown */
  @state() private videoMs: number | null = null;
  /** live: ≤ 3 s behind and advancing; late: more behind or frozen; lost: no link to the server */
  @state() private liveness: 'live' | 'late' | 'lost' | 'none' = 'none';
  private lastVideoMs: number | null = null;
  private lastAdvanceAt = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly l10n = new LocalizeController(this);

  static override styles = tileStyles;

  override connectedCallback(): void {
    super.connectedCallback();
    this.ticker = setInterval(() => this.tick(), 1000);
    if (!this.large) {
      if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
      this.addEventListener('click', this.onClick);
      this.addEventListener('dblclick', this.onDblClick);
      this.addEventListener('keydown', this.onKey);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
    this.removeEventListener('click', this.onClick);
    this.removeEventListener('dblclick', this.onDblClick);
    this.removeEventListener('keydown', this.onKey);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // another camera in the same player: back to 1×
    if (changed.has('camera') && changed.get('camera')?.id !== this.camera?.id) this.renderRoot?.querySelector('wp-zoom-view')?.reset();
  }

  protected override updated(): void {
    const status = this.camera?.status ?? 'empty';
    if (this.dataset.status !== status) this.dataset.status = status;
    if (this.dataset.liveness !== this.liveness) this.dataset.liveness = this.liveness;
  }

  /** The video's own time (PROGRAM-DATE-TIME, epoch ms) of the frame on screen; null before the first. */
  get videoTimeMs(): number | null {
    return this.renderRoot?.querySelector('wp-hls-video')?.videoTimeMs ?? null;
  }

  /** Once a second: the video's own time, how far behind it is, whether it still advances. */
  private tick(): void {
    const now = serverNow();
    const v = this.renderRoot.querySelector('wp-hls-video')?.videoTimeMs ?? null;
    if (v !== null && v !== this.lastVideoMs) {
      this.lastVideoMs = v;
      this.lastAdvanceAt = now;
    }
    this.videoMs = v;
    const playing = this.camera?.status === 'online' && this.playerState === 'playing';
    this.liveness =
      this.connection !== 'connected' ? 'lost'
      : !playing || v === null ? 'none'
      : now - v > LATE_MS || now - this.lastAdvanceAt > LATE_MS ? 'late'
      : 'live';
  }

  /** `key`: from the Enter key, not a click. */
  private fire(name: 'tile-activate' | 'tile-focus', key = false): void {
    if (!this.camera) return;
    this.dispatchEvent(new CustomEvent(name, { detail: { id: this.camera.id, key }, bubbles: true, composed: true }));
  }

  private readonly onClick = () => this.fire('tile-activate');
  private readonly onDblClick = () => this.fire('tile-focus');
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') this.fire('tile-activate', true);
  };

  private renderOverlay(cam: Camera) {
    if (this.liveness === 'lost') {
      return html`<div class="overlay lost" role="alert" data-testid="tile-lost">${t('tile.lost')}</div>`;
    }
    switch (cam.status) {
      case 'offline':
        return html`<div class="overlay offline" role="alert">
          <div class="big">⚠ ${t('status.offline')}</div>
          <div class="reason" data-testid="tile-reason">${reasonText(cam.statusReason)}</div>
          <div class="since">${t('tile.since', { time: formatDateTime(cam.statusSince) })}</div>
          ${cam.statusDetail ? html`<div class="detail">${cameraDetailText(cam.statusDetail)}</div>` : nothing}
        </div>`;
      case 'disabled':
        return html`<div class="overlay disabled">${t('tile.disabled')}</div>`;
      case 'starting':
        return html`<div class="overlay soft">${t('tile.connecting')}</div>`;
      default:
        return this.playerState === 'retrying'
          ? html`<div class="overlay soft">${t('tile.playerError')}</div>`
          : this.playerState === 'loading'
            ? html`<div class="overlay soft">${t('tile.connecting')}</div>`
            : nothing;
    }
  }

  override render() {
    const cam = this.camera;
    if (!cam) return html`<div class="overlay empty">${t('tile.empty')}</div>`;
    const playing = cam.enabled && cam.status === 'online';
    const video = html`<wp-hls-video
      .src=${playing ? (this.large || this.hd ? (cam.hlsMainUrl ?? cam.hlsUrl) : cam.hlsUrl) : null}
      .epoch=${this.epoch}
      .videoTestId=${this.large ? 'camera-video' : 'tile-video'}
      data-stream=${this.large || this.hd ? 'main' : 'sub'}
      @player-state=${(e: CustomEvent<{ state: PlayerState }>) => (this.playerState = e.detail.state)}
    ></wp-hls-video>`;
    return html`
      ${this.zoom ? html`<wp-zoom-view data-testid="zoom-view">${video}</wp-zoom-view>` : video}
      ${this.renderOverlay(cam)}
      <div class="bar top">
        <span class="name" title=${cam.name}>${cam.name}</span>
        <wp-status-badge data-testid="status-badge" data-status=${this.liveness === 'lost' ? 'unknown' : cam.status} .status=${this.liveness === 'lost' ? 'unknown' : cam.status}></wp-status-badge>
      </div>
      ${this.hint ? html`<div class="click-hint" data-testid="tile-click-hint">${this.hint}</div>` : nothing}
      <div class="bar bottom">
        ${this.videoMs !== null
          ? html`<time class="video-time ${this.liveness}" data-testid="tile-video-time" data-liveness=${this.liveness} data-lag-ms=${Math.round(serverNow() - this.videoMs)} title=${this.liveness === 'late' ? t('tile.late') : ''}>
              ${this.liveness === 'late' ? html`<span class="late-mark">⏱</span>` : nothing}${formatDateTime(this.videoMs, true)}</time>`
          : html`<span class="video-time none">—</span>`}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-camera-tile': WpCameraTile;
  }
}
