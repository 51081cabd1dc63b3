import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { WallView } from '../data/wall-views';
import { t, type MessageKey } from '../i18n';
import { sharedStyles } from '../styles/shared';

/**
 * The wall's named views: switch (a select; "automatic" = every camera in the operator's order), save the
 * current arrangement as a new view (name ≤ 50, optional display), delete the selected one (a second click
 * confirms), save a hand-made change back into the view it came from. Fires `view-select` ({id | null}),
 * `view-save` ({name, display}), `view-update`, `view-delete` ({id}).
 * `readonly` (a wall-display account): switch only.
 */
@customElement('wp-view-picker')
export class WpViewPicker extends LitElement {
  @property({ attribute: false }) views: WallView[] = [];
  @property({ attribute: false }) selected: number | null = null;
  @property({ type: Boolean }) readonly = false;
  /** the tiles were arranged by hand (a drag) and not saved */
  @property({ type: Boolean }) custom = false;
  /** the view a hand-made change came from: "save into" it */
  @property({ attribute: false }) base?: WallView;
  /** an i18n key of the last failure, or '' */
  @property() error: MessageKey | '' = '';
  @state() private saving = false;
  @state() private confirmDelete = false;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 0.4em;
        flex-wrap: wrap;
      }
      form {
        display: inline-flex;
        gap: 0.3em;
        align-items: center;
      }
      input {
        width: 9em;
      }
      .error {
        color: var(--wp-offline);
      }
    `,
  ];

  private fire(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    const f = e.target as HTMLFormElement;
    const name = (f.elements.namedItem('name') as HTMLInputElement).value.trim();
    const display = (f.elements.namedItem('display') as HTMLInputElement).value.trim();
    if (!name) return;
    this.fire('view-save', { name, display });
    this.saving = false;
  }

  override render() {
    const label = (v: WallView) => (v.display ? `${v.name}（${v.display}）` : v.name);
    return html`
      <label>
        ${t('wall.views.label')}
        <select
          data-testid="view-select"
          @change=${(e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            this.confirmDelete = false;
            this.fire('view-select', { id: v && v !== 'custom' ? Number(v) : null });
          }}
        >
          <option value="" .selected=${this.selected === null && !this.custom}>${t('wall.views.auto')}</option>
          ${this.custom && this.selected === null ? html`<option value="custom" disabled .selected=${true} data-testid="view-custom">${t('wall.views.custom')}</option>` : nothing}
          ${this.views.map((v) => html`<option value=${v.id} .selected=${this.selected === v.id}>${label(v)}</option>`)}
        </select>
      </label>
      ${this.readonly
        ? nothing
        : html`${this.saving
              ? html`<form data-testid="view-save-form" @submit=${this.onSubmit}>
                  <input name="name" data-testid="view-name" maxlength="50" required placeholder=${t('wall.views.name')} aria-label=${t('wall.views.name')} />
                  <input name="display" data-testid="view-display" maxlength="50" placeholder=${t('wall.views.display')} aria-label=${t('wall.views.display')} />
                  <button type="submit" class="primary" data-testid="view-save">${t('wall.views.save')}</button>
                  <button type="button" @click=${() => (this.saving = false)}>${t('wall.views.cancel')}</button>
                </form>`
              : html`<button type="button" data-testid="view-save-as" @click=${() => (this.saving = true)}>${t('wall.views.saveAs')}</button>`}
            ${this.base
              ? html`<button type="button" data-testid="view-update" @click=${() => this.fire('view-update', {})}>${t('wall.views.update', { name: this.base.name })}</button>`
              : nothing}
            <button
              type="button"
              data-testid="view-delete"
              ?disabled=${this.selected === null}
              @click=${() => {
                if (this.selected === null) return;
                if (!this.confirmDelete) return void (this.confirmDelete = true);
                this.confirmDelete = false;
                this.fire('view-delete', { id: this.selected });
              }}
            >
              ${t(this.confirmDelete ? 'wall.views.deleteConfirm' : 'wall.views.delete')}
            </button>`}
      ${this.error ? html`<span class="error" role="alert" data-testid="view-error">${t(this.error)}</span>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-view-picker': WpViewPicker;
  }
}
