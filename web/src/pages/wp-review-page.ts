import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, queryAll, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { PlaybackController, RATES, ZOOMS } from '../controllers/playback-controller';
import { StoreController } from '../controllers/store-controller';
import { cameras } from '../data/cameras';
import { canExport, canReleaseLocks } from '../data/exports';
import type { TimelineLock } from '../data/recordings';
import type { User } from '../data/types';
import { formatDateTime, t } from '../i18n';
import { lockReasonText } from '../i18n/server-text';
import { fireNavigate } from '../router';
import { sharedStyles } from '../styles/shared';
import { fromLocalInput, toLocalInput } from '../components/evidence-styles';
import type { RecordedState, WpRecordedPlayer } from '../components/wp-recorded-player';
import { reviewStyles } from './review-styles';
import '../components/wp-export-dialog';
import '../components/wp-lock-dialog';
import '../components/wp-recorded-player';
import '../components/wp-timeline';

const MAX_SYNC = 4;

/**
 * Recorded footage of one camera (and up to three more in sync) from a given time: `/review/<camera>?t=<ms>`
 * — alarms, duty-log entries, patrol stops and audit rows link here. Timeline with recorded ranges, gaps,
 * locks and markers; scrub, play at 0.5–8×; mark a range to lock it or export it as evidence. The page is the
 * layout and the wiring: the playback synchronisation is the PlaybackController's.
 */
@customElement('wp-review-page')
export class WpReviewPage extends LitElement {
  @property() cameraId = '';
  /** requested time (ms); undefined = shortly before the latest recording */
  @property({ type: Number }) at: number | undefined = undefined;
  @property({ attribute: false }) user: User | null = null;

  @state() private ids: string[] = [];
  @state() private selection: { from: number; to: number } | null = null;
  @state() private exportOpen = false;
  @state() private lockOpen = false;
  @state() private releasing: TimelineLock | null = null;

  @queryAll('wp-recorded-player') private players!: NodeListOf<WpRecordedPlayer>;
  private readonly store = new StoreController(this, cameras);
  private readonly l10n = new LocalizeController(this);
  private readonly pb = new PlaybackController(
    this,
    () => [...this.players],
    () => this.ids[0],
  );

  static override styles = [sharedStyles, reviewStyles];

  protected override willUpdate(changed: PropertyValues<this>): void {
    // opened as /review (no camera in the path) before the camera list arrived: start once it is there
    const waiting = !this.cameraId && !this.ids.length;
    if (changed.has('cameraId') || changed.has('at') || waiting) {
      const first = this.cameraId || this.store.value.cameras[0]?.id || '';
      if (first && (first !== this.ids[0] || changed.has('at'))) {
        this.ids = [first, ...this.ids.slice(1).filter((x) => x !== first)];
        void this.pb.start(first, this.at);
      }
    }
  }

  private mark(which: 'from' | 'to'): void {
    const at = this.pb.playhead;
    if (at === null) return;
    const cur = this.selection ?? { from: at, to: at };
    const next = which === 'from' ? { from: at, to: Math.max(at + 1000, cur.to) } : { from: Math.min(cur.from, at - 1000), to: at };
    this.selection = next;
  }

  private defaultRange(): { from: number; to: number } {
    if (this.selection) return this.selection;
    const at = this.pb.playhead ?? Date.now() - 60_000;
    return { from: at - 30_000, to: Math.min(Date.now() - 1000, at + 30_000) };
  }

  private addCamera(id: string): void {
    if (!id || this.ids.includes(id) || this.ids.length >= MAX_SYNC) return;
    this.ids = [...this.ids, id];
    this.pb.follow(() => this.players[this.players.length - 1]);
  }

  private removeCamera(id: string): void {
    this.ids = this.ids.filter((x) => x !== id);
  }

  private jump(e: Event): void {
    e.preventDefault();
    const v = fromLocalInput(String(new FormData(e.target as HTMLFormElement).get('at') ?? ''));
    if (Number.isFinite(v)) this.pb.jump(v);
  }

  private renderControls() {
    const role = this.user?.role;
    return html`<div class="controls">
      <button type="button" data-testid="review-play" @click=${() => this.pb.setPlaying(!this.pb.playing)}>${t(this.pb.playing ? 'review.pause' : 'review.play')}</button>
      <button type="button" @click=${() => this.pb.step(-10_000)}>${t('review.back10')}</button>
      <button type="button" @click=${() => this.pb.step(10_000)}>${t('review.fwd10')}</button>
      <label class="inline">${t('review.speed')}
        <select data-testid="review-rate" @change=${(e: Event) => this.pb.setRate(Number((e.target as HTMLSelectElement).value))}>
          ${RATES.map((r) => html`<option value=${r} ?selected=${r === this.pb.rate}>${r}×</option>`)}
        </select>
      </label>
      <span class="clock" data-testid="review-clock">${this.pb.playhead !== null ? formatDateTime(this.pb.playhead) : '—'}</span>
      <span class="spacer"></span>
      <button type="button" data-testid="mark-in" @click=${() => this.mark('from')}>${t('review.markIn')}</button>
      <button type="button" data-testid="mark-out" @click=${() => this.mark('to')}>${t('review.markOut')}</button>
      ${canExport(role) ? html`<button type="button" data-testid="review-lock" @click=${() => (this.lockOpen = true)}>${t('review.lock')}</button>` : nothing}
      ${canExport(role) ? html`<button type="button" class="primary" data-testid="review-export" @click=${() => (this.exportOpen = true)}>${t('review.export')}</button>` : nothing}
    </div>`;
  }

  private renderLocks() {
    const locks = this.pb.timeline?.locks ?? [];
    if (!locks.length) return nothing;
    return html`<ul class="locks" data-testid="review-locks">
      ${locks.map(
        (l) => html`<li>
          <span class="lock-dot"></span>${formatDateTime(l.start)} – ${formatDateTime(l.end)} · ${lockReasonText(l.reason)}${l.caseRef ? ` · ${l.caseRef}` : ''} · ${l.createdBy}
          ${canReleaseLocks(this.user?.role)
            ? html`<button type="button" class="danger small" data-testid="lock-release" @click=${() => (this.releasing = l)}>${t('lock.release')}</button>`
            : nothing}
        </li>`,
      )}
    </ul>`;
  }

  override render() {
    const list = this.store.value.cameras;
    const primary = this.ids[0];
    if (!primary) return html`<div class="empty muted">${t(this.store.value.loaded ? 'review.noCameras' : 'review.loading')}</div>`;
    const name = (id: string) => list.find((c) => c.id === id)?.name ?? id;
    return html`
      <header>
        <label class="inline">${t('review.camera')}
          <select data-testid="review-camera" @change=${(e: Event) => fireNavigate(this, `/review/${encodeURIComponent((e.target as HTMLSelectElement).value)}?t=${Math.round(this.pb.playhead ?? Date.now())}`)}>
            ${list.map((c) => html`<option value=${c.id} ?selected=${c.id === primary}>${c.name}</option>`)}
          </select>
        </label>
        <form class="inline" @submit=${this.jump}>
          <input type="datetime-local" step="1" name="at" data-testid="review-jump" .value=${toLocalInput(this.pb.playhead ?? Date.now())} />
          <button type="submit">${t('review.go')}</button>
        </form>
        ${this.ids.length < MAX_SYNC
          ? html`<label class="inline">${t('review.addCamera')}
              <select data-testid="review-add-camera" @change=${(e: Event) => (this.addCamera((e.target as HTMLSelectElement).value), ((e.target as HTMLSelectElement).value = ''))}>
                <option value=""></option>
                ${list.filter((c) => !this.ids.includes(c.id)).map((c) => html`<option value=${c.id}>${c.name}</option>`)}
              </select>
            </label>`
          : nothing}
      </header>
      <div class="players n${this.ids.length}">
        ${this.ids.map(
          (id, i) => html`<figure>
            <wp-recorded-player
              .cameraId=${id}
              .rate=${this.pb.rate}
              data-testid="review-player"
              @wall-time=${(e: CustomEvent<{ ms: number }>) => this.pb.onWallTime(i, e.detail.ms)}
              @recorded-state=${(e: CustomEvent<{ state: RecordedState }>) => this.pb.onState(i, e.detail.state)}
            ></wp-recorded-player>
            <figcaption>${name(id)}${i > 0 ? html` <button type="button" class="small" @click=${() => this.removeCamera(id)}>✕</button>` : nothing}</figcaption>
          </figure>`,
        )}
      </div>
      ${this.pb.playerState === 'no-footage' ? html`<p class="note" data-testid="review-no-footage">${t('review.noFootage')}</p>` : nothing}
      ${this.pb.playerState === 'error' ? html`<p class="note error">${t('review.playError')}</p>` : nothing}
      ${this.pb.error ? html`<p class="note error">${this.pb.error}</p>` : nothing}
      ${this.renderControls()}
      <div class="zoom">
        <button type="button" @click=${() => this.pb.pan(-1)} aria-label=${t('review.earlier')}>◀</button>
        ${ZOOMS.map((_, z) => html`<button type="button" aria-pressed=${z === this.pb.zoom} @click=${() => this.pb.setZoom(z)}>${t(`review.zoom${z}` as 'review.zoom0')}</button>`)}
        <button type="button" @click=${() => this.pb.pan(1)} aria-label=${t('review.later')}>▶</button>
        ${this.selection
          ? html`<span class="sel">${t('review.selection', { from: formatDateTime(this.selection.from), to: formatDateTime(this.selection.to) })}
              <button type="button" class="small" @click=${() => (this.selection = null)}>✕</button></span>`
          : nothing}
      </div>
      <wp-timeline
        data-testid="review-timeline"
        .data=${this.pb.timeline}
        .from=${this.pb.view.from}
        .to=${this.pb.view.to}
        .playhead=${this.pb.playhead}
        .selection=${this.selection}
        @timeline-seek=${(e: CustomEvent<{ ms: number }>) => this.pb.seekAll(e.detail.ms)}
        @timeline-select=${(e: CustomEvent<{ from: number; to: number }>) => (this.selection = e.detail)}
      ></wp-timeline>
      ${this.renderLocks()}
      <wp-export-dialog
        .open=${this.exportOpen}
        .cameras=${list}
        .preset=${{ cameras: [...this.ids], ...this.defaultRange() }}
        @close=${() => (this.exportOpen = false)}
        @export-done=${() => void this.pb.loadTimeline()}
      ></wp-export-dialog>
      <wp-lock-dialog
        .open=${this.lockOpen || this.releasing !== null}
        .cameraId=${primary}
        .range=${this.defaultRange()}
        .release=${this.releasing}
        @close=${() => ((this.lockOpen = false), (this.releasing = null))}
        @lock-changed=${() => void this.pb.loadTimeline()}
      ></wp-lock-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-review-page': WpReviewPage;
  }
}
